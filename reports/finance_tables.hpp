// What finance reads from a results file, as tables (reports/table.hpp): the decision, the
// roadmaps' value and payback, the cash-flow statement by plan year, cumulative delta cash, the
// avoidable cost of failures (direct ledger, total, by line, by touchpoint), every replication's
// summary metrics, the assumptions drawn and the provenance. Numbers read from a dataset are
// copied exactly; numbers computed here (sums over months, percentiles of those) use the
// definitions of /statistics (engine/statistics.hpp) and name the datasets they come from.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reports/table.hpp"

namespace cxsim::reports {

struct FinanceTables {
  std::filesystem::path file;
  // Facts about the run the renderers need: scenario_name, description, currency,
  // terminal_value, baseline, best, runner_up, file_sha256, engine_version, replications,
  // horizon_months, zero_defect ("1"/"0"), by_touchpoint ("1"/"0"), best_stays_best ("1"/"0").
  std::map<std::string, std::string> facts;
  std::vector<std::string> roadmaps;
  std::vector<std::string> touchpoints;
  std::vector<Table> tables;  // in workbook order

  const Table* find(std::string_view id) const;
  std::string fact(const std::string& name) const;
};

// Reads a complete results file (format 1.x). IoError when it cannot be read, is not a cxsim
// results file, or is incomplete (an interrupted run: finish it with --resume first).
FinanceTables read_finance_tables(const std::filesystem::path& results_file);

// SHA-256 (lower-case hex) of a file's bytes.
std::string file_sha256(const std::filesystem::path& file);

}  // namespace cxsim::reports
