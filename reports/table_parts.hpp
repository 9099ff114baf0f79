// Pieces the finance tables (finance_tables.cpp) and the experiment tables
// (experiment_tables.cpp) both build with: cells, columns, number formats by units, the
// provenance table and a text dataset line by line.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/results_file.hpp"
#include "reports/table.hpp"

namespace cxsim::reports::parts {

using Dims = std::vector<std::pair<std::string, std::string>>;

// A number cell; NaN is an empty cell.
Cell number(double v);

// A key column (it identifies the row) and a value column.
Column key(std::string id, std::string header, Format format = Format::text);
Column value(std::string header, Dims dims, Format format, std::string source = "");

// How a summary metric's numbers are shown, from its units (RESULTS.md) and name.
Format format_for_units(std::string_view units, std::string_view name);

// The format of summary metric `name` (engine/metrics.hpp); Format::number when unknown.
Format format_of_metric(std::string_view name);

// Appends `source` to the table's sources unless it is listed already.
void add_source(Table& t, const std::string& source);

// The results file and its SHA-256, the cxsim that exported it, then every root attribute of
// the file (string arrays joined with ", ").
Table provenance_table(const ResultsFile& file, const std::string& sha256, std::string note);

// A text dataset (/scenario, /experiment) one row per line, on the given sheet.
Table text_table(std::string id, std::string sheet, std::string title, std::string note,
                 std::string source, const std::string& text);

}  // namespace cxsim::reports::parts
