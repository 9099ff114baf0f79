// The observed-history CSV: split into fields (double quotes allowed), each cell checked where it
// is written, so every message names file:line:col.
#include "experiments/observed_history.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "config/did_you_mean.hpp"
#include "config/input_file.hpp"
#include "config/yaml_values.hpp"
#include "engine/core/printable.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Field {
  std::string text;
  int column = 1;  // 1-based
};

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return std::string(s.substr(a, b - a));
}

// Splits a line at commas outside double quotes; nullopt when a quote is left open.
std::optional<std::vector<Field>> split_line(const std::string& line) {
  std::vector<Field> out;
  std::string cur;
  int start = 1;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back({trim(cur), start});
      cur.clear();
      start = static_cast<int>(i) + 2;
    } else {
      cur += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back({trim(cur), start});
  return out;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A cell or line as a message shows it: control characters escaped, at most 60 characters.
std::string excerpt(std::string_view s) {
  return printable(s.substr(0, 60)) + (s.size() > 60 ? "..." : "");
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The range a metric's values keep, by its units: counts are >= 0, NPS and satisfaction on their
// scales; money and ratios may be anything.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  const char* what = "";
};
Range metric_range(std::string_view name, std::string_view units) {
  if (units == "people" || units == "messages" || units == "count")
    return {0, Range{}.hi, "a count"};
  if (name == "nps") return {-100, 100, "NPS points"};
  if (name == "satisfaction_mean") return {0, 10, "satisfaction on 0..10"};
  return {};
}

}  // namespace

int ObservedHistory::observed_cells() const {
  int n = 0;
  for (const auto& s : series) {
    for (const double v : s.values) n += std::isnan(v) ? 0 : 1;
  }
  return n;
}

ObservedHistory parse_observed_history(const std::string& text, const std::string& display,
                                       const Scenario& base, std::vector<Diagnostic>& diagnostics) {
  ObservedHistory out;
  out.file = display;
  out.horizon = base.horizon_months;
  const std::size_t before = diagnostics.size();
  auto error = [&](int line, int column, const std::string& path, std::string message) {
    diagnostics.push_back({display, line, column, path, std::move(message)});
  };
  if (text.find('\0') != std::string::npos) {
    error(1, 1, "",
          "not a CSV file (got binary data; expected comma-separated text: a header line "
          "'month,customers,...' then one line per month)");
    return out;
  }

  std::vector<std::string> total_names, segment_names, segments;
  for (const auto& m : metric_infos()) total_names.emplace_back(m.name);
  for (const auto& m : segment_metric_infos()) segment_names.emplace_back(m.name);
  for (const auto& s : base.segments) segments.push_back(s.name);
  std::vector<std::string> allowed = total_names;
  allowed.push_back("segment");

  // Lines, numbered from 1; comments and blank lines skipped.
  std::vector<std::pair<int, std::string>> lines;
  {
    int number = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      const std::size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      ++number;
      const std::string t = trim(line);
      if (!t.empty() && t[0] != '#') lines.emplace_back(number, line);
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
  }
  if (lines.empty()) {
    error(1, 1, "",
          "no header (got an empty file; expected a header line 'month,customers,...' then one "
          "line per month)");
    return out;
  }

  // The header.
  const auto [header_line, header_text] = lines[0];
  const auto header = split_line(header_text);
  if (!header || header->size() < 2 || (*header)[0].text != "month") {
    const bool looks_csv = header && header->size() >= 2;
    error(header_line, 1, "",
          fmt::format("not a history header (got '{}'; expected a CSV header whose first column is "
                      "month, then timeseries names such as customers,churned{})",
                      excerpt(header_text),
                      looks_csv ? "" : ": this does not look like comma-separated text"));
    return out;
  }
  int segment_column = -1;
  std::vector<int> metric_of_column(header->size(), -1);  // Metric index; -1: month or segment
  std::set<std::string> seen;
  for (std::size_t c = 1; c < header->size(); ++c) {
    const Field& f = (*header)[c];
    if (!seen.insert(f.text).second) {
      error(header_line, f.column, f.text,
            fmt::format("a column named twice (got {} again; expected each column once)", f.text));
      continue;
    }
    if (f.text == "segment") {
      segment_column = static_cast<int>(c);
      continue;
    }
    const auto it = std::find(total_names.begin(), total_names.end(), f.text);
    if (it == total_names.end()) {
      error(header_line, f.column, f.text,
            fmt::format("unknown column '{}'{} (expected month, segment or a timeseries of "
                        "RESULTS.md: {})",
                        f.text, did_you_mean(f.text, allowed), join(total_names)));
      continue;
    }
    metric_of_column[c] = static_cast<int>(it - total_names.begin());
  }
  if (diagnostics.size() > before) return out;

  // Series: one per (metric column, segment or total), created as first seen.
  std::map<std::pair<std::size_t, int>, std::size_t> series_of;  // (column, segment) -> index
  std::set<std::pair<int, int>> months_seen;                     // (segment, month)
  const int T = base.horizon_months;
  for (std::size_t li = 1; li < lines.size(); ++li) {
    const auto& [number, line] = lines[li];
    const auto fields = split_line(line);
    if (!fields) {
      error(number, 1, "", "an unclosed double quote (expected \"...\" around a quoted cell)");
      continue;
    }
    if (fields->size() != header->size()) {
      error(number, 1, "",
            fmt::format("a row of {} cells (got {}; expected {}, one per header column)",
                        fields->size(), fields->size(), header->size()));
      continue;
    }
    const Field& mf = (*fields)[0];
    const auto month = parse_number(mf.text);
    if (!month || *month != std::floor(*month)) {
      error(
          number, mf.column, "month",
          fmt::format("not a month (got '{}'; expected a whole month 1..{})", excerpt(mf.text), T));
      continue;
    }
    if (*month < 1 || *month > T) {
      error(number, mf.column, "month",
            fmt::format("a month outside the horizon (got {}; expected 1..{}, the scenario's "
                        "horizon_months)",
                        format_number(*month), T));
      continue;
    }
    const int m = static_cast<int>(*month);
    int segment = -1;
    if (segment_column >= 0) {
      const Field& sf = (*fields)[static_cast<std::size_t>(segment_column)];
      if (!sf.text.empty()) {
        const auto it = std::find(segments.begin(), segments.end(), sf.text);
        if (it == segments.end()) {
          error(number, sf.column, "segment",
                fmt::format("unknown segment '{}'{} (expected one of the scenario's segments: {}, "
                            "or an empty cell for the totals)",
                            excerpt(sf.text), did_you_mean(sf.text, segments), join(segments)));
          continue;
        }
        segment = static_cast<int>(it - segments.begin());
      }
    }
    if (!months_seen.insert({segment, m}).second) {
      error(number, mf.column, "month",
            fmt::format(
                "month {} twice{} (expected one row per month{})", m,
                segment >= 0 ? " for segment " + segments[static_cast<std::size_t>(segment)] : "",
                segment_column >= 0 ? " and segment" : ""));
      continue;
    }
    for (std::size_t c = 1; c < fields->size(); ++c) {
      if (metric_of_column[c] < 0) continue;
      const Field& f = (*fields)[c];
      if (f.text.empty()) continue;
      const std::string& name = (*header)[c].text;
      const auto v = parse_number(f.text);
      if (!v) {
        error(number, f.column, name,
              fmt::format("not a number (got '{}'; expected a number, or an empty cell for a "
                          "missing value)",
                          excerpt(f.text)));
        continue;
      }
      int metric = metric_of_column[c];
      std::string_view units = metric_infos()[static_cast<std::size_t>(metric)].units;
      if (segment >= 0) {
        const auto it = std::find(segment_names.begin(), segment_names.end(), name);
        if (it == segment_names.end()) {
          error(
              number, f.column, name,
              fmt::format("{} has no by-segment series (got a value in a row of segment {}; "
                          "expected an empty cell, or one of: {})",
                          name, segments[static_cast<std::size_t>(segment)], join(segment_names)));
          continue;
        }
        metric = static_cast<int>(it - segment_names.begin());
        units = segment_metric_infos()[static_cast<std::size_t>(metric)].units;
      }
      const Range range = metric_range(name, units);
      if (*v < range.lo || *v > range.hi) {
        error(number, f.column, name,
              fmt::format("out of range (got {}; expected {}{}{})", format_number(*v), range.what,
                          std::isfinite(range.hi) ? fmt::format(" in [{}, {}]", range.lo, range.hi)
                                                  : ", >= 0",
                          ""));
        continue;
      }
      auto [it, fresh] = series_of.try_emplace({c, segment}, out.series.size());
      if (fresh) {
        ObservedSeries s;
        s.metric = name;
        s.metric_index = metric;
        s.segment_index = segment;
        s.segment = segment >= 0 ? segments[static_cast<std::size_t>(segment)] : "";
        s.values.assign(static_cast<std::size_t>(T), kNaN);
        out.series.push_back(std::move(s));
      }
      out.series[it->second].values[static_cast<std::size_t>(m - 1)] = *v;
    }
  }
  if (diagnostics.size() > before) return out;
  if (out.observed_cells() == 0) {
    error(lines.back().first, 1, "",
          "no observed value (got a header and no numbers; expected one row per month with the "
          "observed values)");
    return out;
  }
  // Totals first, then by segment; columns in file order within each.
  std::stable_sort(out.series.begin(), out.series.end(),
                   [](const ObservedSeries& a, const ObservedSeries& b) {
                     return a.segment_index < b.segment_index;
                   });
  return out;
}

AbcObserved observed_cells(const ObservedHistory& history) {
  AbcObserved o;
  o.series_count = static_cast<int>(history.series.size());
  for (std::size_t s = 0; s < history.series.size(); ++s) {
    for (const double v : history.series[s].values) {
      o.values.push_back(v);
      o.series.push_back(static_cast<int>(s));
    }
  }
  return o;
}

AbcObserved observed_totals(const ObservedHistory& history) {
  AbcObserved o;
  o.series_count = static_cast<int>(history.series.size());
  for (std::size_t s = 0; s < history.series.size(); ++s) {
    double sum = 0;
    for (const double v : history.series[s].values) sum += std::isnan(v) ? 0.0 : v;
    o.values.push_back(sum);
    o.series.push_back(static_cast<int>(s));
  }
  return o;
}

std::vector<double> series_totals(const ObservedHistory& history, std::span<const double> monthly) {
  std::vector<double> out;
  const auto T = static_cast<std::size_t>(history.horizon);
  for (std::size_t s = 0; s < history.series.size(); ++s) {
    double sum = 0;
    for (std::size_t t = 0; t < T; ++t) {
      if (!std::isnan(history.series[s].values[t])) sum += monthly[s * T + t];
    }
    out.push_back(sum);
  }
  return out;
}

ObservedHistory read_observed_history(const std::string& path, const std::string& display,
                                      const Scenario& base, std::vector<Diagnostic>& diagnostics) {
  ReadProblem problem;
  const std::optional<std::string> text = read_input_file(path, problem);
  if (!text) {
    diagnostics.push_back({display, 0, 0, "", problem.message()});
    return {};
  }
  return parse_observed_history(*text, display, base, diagnostics);
}

}  // namespace cxsim
