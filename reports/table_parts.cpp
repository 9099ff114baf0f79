// Shared pieces of the finance and experiment tables.
#include "reports/table_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/core/version.hpp"
#include "engine/metrics.hpp"

namespace cxsim::reports::parts {

Cell number(double v) {
  if (std::isnan(v)) return std::monostate{};
  return v;
}

Column key(std::string id, std::string header, Format format) {
  Column c;
  c.id = std::move(id);
  c.header = std::move(header);
  c.key = true;
  c.format = format;
  return c;
}

Column value(std::string header, Dims dims, Format format, std::string source) {
  Column c;
  c.header = std::move(header);
  c.dims = std::move(dims);
  c.format = format;
  c.source = std::move(source);
  return c;
}

Format format_for_units(std::string_view units, std::string_view name) {
  if (name == "roi") return Format::ratio;
  if (name == "payback_month") return Format::month;
  if (units == "money") return Format::money;
  if (units == "money per failure") return Format::money_unit;
  if (units == "people") return Format::count;
  return Format::number;
}

Format format_of_metric(std::string_view name) {
  for (const MetricInfo& m : summary_metric_infos()) {
    if (m.name == name) return format_for_units(m.units, name);
  }
  return Format::number;
}

void add_source(Table& t, const std::string& source) {
  if (std::find(t.sources.begin(), t.sources.end(), source) == t.sources.end())
    t.sources.push_back(source);
}

Table provenance_table(const ResultsFile& file, const std::string& sha256, std::string note) {
  Table t;
  t.id = "provenance";
  t.sheet = "Provenance";
  t.title = "Where these numbers come from";
  t.note = std::move(note);
  t.sources = {"/ (root attributes)"};
  t.columns = {key("item", "item"), value("value", {}, Format::text)};
  t.rows.push_back({std::string("results file"), std::filesystem::absolute(file.path()).string()});
  t.rows.push_back({std::string("results file SHA-256"), sha256});
  t.rows.push_back(
      {std::string("exported by"), fmt::format("cxsim {} (commit {})", kVersion, kGitCommit)});
  for (auto& [name, cell] : file.root_attributes()) t.rows.push_back({name, cell});
  return t;
}

Table text_table(std::string id, std::string sheet, std::string title, std::string note,
                 std::string source, const std::string& text) {
  Table t;
  t.id = std::move(id);
  t.sheet = std::move(sheet);
  t.title = std::move(title);
  t.note = std::move(note);
  t.sources = {std::move(source)};
  t.columns = {key("line", "line", Format::number), value("text", {}, Format::text)};
  std::size_t start = 0, n = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    t.rows.push_back({static_cast<double>(++n), text.substr(start, end - start)});
    start = end + 1;
  }
  return t;
}

}  // namespace cxsim::reports::parts
