// Tidy CSV files and the JSON the HTML report reads: the same tables, numbers exact.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/core/errors.hpp"
#include "engine/core/json_string.hpp"
#include "reports/exporters.hpp"

namespace cxsim::reports {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_cell(const Cell& c) {
  if (const double* v = std::get_if<double>(&c)) {
    if (std::isnan(*v)) return "";
    if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
    return exact_number(*v);
  }
  if (const std::string* s = std::get_if<std::string>(&c)) return csv_field(*s);
  return "";
}

std::string json_cell(const Cell& c) {
  if (const double* v = std::get_if<double>(&c)) {
    if (std::isnan(*v)) return "null";
    if (std::isinf(*v)) return *v > 0 ? "\"inf\"" : "\"-inf\"";
    return exact_number(*v);
  }
  if (const std::string* s = std::get_if<std::string>(&c)) return json_quoted(*s);
  return "null";
}

const char* format_name(Format f) {
  switch (f) {
    case Format::text:
      return "text";
    case Format::money:
      return "money";
    case Format::money_unit:
      return "money_unit";
    case Format::share:
      return "share";
    case Format::ratio:
      return "ratio";
    case Format::month:
      return "month";
    case Format::count:
      return "count";
    case Format::number:
      return "number";
  }
  return "number";
}

// The long form of a table: key columns, dimension columns, value, source.
std::string long_csv(const Table& t) {
  std::vector<std::string> dims;
  for (const Column& c : t.columns) {
    for (const auto& d : c.dims) {
      if (std::find(dims.begin(), dims.end(), d.first) == dims.end()) dims.push_back(d.first);
    }
  }
  std::string out;
  std::vector<std::string> header;
  for (const Column& c : t.columns)
    if (c.key) header.push_back(csv_field(c.id));
  for (const auto& d : dims) header.push_back(csv_field(d));
  header.emplace_back("value");
  header.emplace_back("source");
  out += fmt::format("{}\n", fmt::join(header, ","));
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> keys;
    for (std::size_t c = 0; c < t.columns.size(); ++c)
      if (t.columns[c].key) keys.push_back(csv_cell(t.rows[r][c]));
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Column& col = t.columns[c];
      if (col.key) continue;
      std::vector<std::string> line = keys;
      for (const auto& d : dims) {
        std::string v;
        for (const auto& [name, value] : col.dims)
          if (name == d) v = value;
        line.push_back(csv_field(v));
      }
      line.push_back(csv_cell(t.rows[r][c]));
      line.push_back(csv_field(t.source_of(r, c)));
      out += fmt::format("{}\n", fmt::join(line, ","));
    }
  }
  return out;
}

}  // namespace

std::vector<std::filesystem::path> write_csv_tables(const FinanceTables& tables,
                                                    const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw IoError(fmt::format("{}: cannot create the directory", dir.string()));
  }
  std::vector<std::filesystem::path> written;
  for (const Table& t : tables.tables) {
    const std::filesystem::path path = dir / (t.id + ".csv");
    std::filesystem::path partial = path;
    partial += ".partial";
    {
      std::ofstream out(partial, std::ios::binary);
      out << long_csv(t);
      out.close();
      if (!out) throw IoError(fmt::format("{}: cannot write", partial.string()));
    }
    std::filesystem::rename(partial, path, ec);
    if (ec) throw IoError(fmt::format("{}: cannot rename to {}", partial.string(), path.string()));
    written.push_back(path);
  }
  return written;
}

std::string tables_json(const FinanceTables& tables) {
  std::string out = "{\n\"facts\": {";
  bool first = true;
  for (const auto& [k, v] : tables.facts) {
    out += fmt::format("{}{}: {}", first ? "" : ", ", json_quoted(k), json_quoted(v));
    first = false;
  }
  out += "},\n\"roadmaps\": [";
  for (std::size_t i = 0; i < tables.roadmaps.size(); ++i)
    out += (i ? ", " : "") + json_quoted(tables.roadmaps[i]);
  out += "],\n\"touchpoints\": [";
  for (std::size_t i = 0; i < tables.touchpoints.size(); ++i)
    out += (i ? ", " : "") + json_quoted(tables.touchpoints[i]);
  out += "],\n\"tables\": {\n";
  for (std::size_t n = 0; n < tables.tables.size(); ++n) {
    const Table& t = tables.tables[n];
    out += fmt::format("{}: {{\"title\": {}, \"note\": {}, \"sheet\": {}, \"sources\": [",
                       json_quoted(t.id), json_quoted(t.title), json_quoted(t.note),
                       json_quoted(t.sheet));
    for (std::size_t i = 0; i < t.sources.size(); ++i)
      out += (i ? ", " : "") + json_quoted(t.sources[i]);
    out += "],\n \"columns\": [";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Column& col = t.columns[c];
      std::string dims = "{";
      for (std::size_t d = 0; d < col.dims.size(); ++d) {
        dims += fmt::format("{}{}: {}", d ? ", " : "", json_quoted(col.dims[d].first),
                            json_quoted(col.dims[d].second));
      }
      dims += "}";
      out += fmt::format(
          "{}{{\"id\": {}, \"header\": {}, \"key\": {}, \"format\": {}, \"dims\": {}, "
          "\"source\": {}}}",
          c ? ",\n  " : "", json_quoted(col.id), json_quoted(col.header),
          col.key ? "true" : "false", json_quoted(format_name(col.format)), dims,
          json_quoted(col.source));
    }
    out += "],\n \"rows\": [";
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      out += r ? ",\n  [" : "[";
      for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
        out += (c ? ", " : "") + json_cell(t.rows[r][c]);
      }
      out += "]";
    }
    out += "],\n \"row_sources\": [";
    for (std::size_t r = 0; r < t.row_sources.size(); ++r)
      out += (r ? ", " : "") + json_quoted(t.row_sources[r]);
    out += "],\n \"row_formats\": [";
    for (std::size_t r = 0; r < t.row_formats.size(); ++r)
      out += fmt::format("{}{}", r ? ", " : "", json_quoted(format_name(t.row_formats[r])));
    out += fmt::format("]}}{}\n", n + 1 < tables.tables.size() ? "," : "");
  }
  out += "}\n}\n";
  return out;
}

}  // namespace cxsim::reports
