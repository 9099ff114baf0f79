// Renderings of the finance tables: a native Excel workbook, tidy CSV files, a self-contained
// HTML report (docs/finance-outputs.md says what each holds and where its numbers come from).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "reports/finance_tables.hpp"

namespace cxsim::reports {

// One sheet per table (tables sharing a sheet stacked), frozen header rows, number formats in
// the currency, and native charts where their tables are: on the Summary sheet (cumulative delta
// cash per roadmap, avoidable cost by touchpoint), on an experiment's Sensitivity sheet (the first
// output's main index per factor). Every number is the table's double exactly. Written to
// <out>.partial and renamed.
void write_workbook(const FinanceTables& tables, const std::filesystem::path& out);

// One tidy (long) CSV per table in `dir` (created if missing): the key columns, then one column
// per dimension (metric, statistic, year, ...), then value and source; numbers as the shortest
// text that reads back exactly, NaN as an empty field. Returns the files written.
std::vector<std::filesystem::path> write_csv_tables(const FinanceTables& tables,
                                                    const std::filesystem::path& dir);

// The tables as JSON for reports/make_report.py (numbers exact; NaN as null).
std::string tables_json(const FinanceTables& tables);

// Options of the HTML report.
struct ReportOptions {
  std::string python = "/usr/bin/python3";  // the interpreter with matplotlib
  std::filesystem::path script;             // make_report.py; empty: found (report_script())
};

// Runs make_report.py on the tables; IoError when it fails (its message included).
void write_html_report(const FinanceTables& tables, const std::filesystem::path& out,
                       const ReportOptions& options = {});

// make_report.py: $CXSIM_REPORT_SCRIPT, else installed next to the program
// (<prefix>/share/cxsim/reports/), else the source tree's reports/.
std::filesystem::path report_script();

}  // namespace cxsim::reports
