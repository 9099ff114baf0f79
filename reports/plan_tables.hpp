// The tables of an optimize file (`cxsim optimize`) and of an attribution file (`cxsim
// attribute`; EXPERIMENTS.md "Results"), in the shape of the finance tables, so that the
// workbook and the tidy CSV writers render them unchanged. Numbers read from a dataset are
// copied exactly; every table names the datasets its numbers come from.
#pragma once

#include <filesystem>

#include "reports/finance_tables.hpp"

namespace cxsim::reports {

// A complete optimize or attribution file (format 1.x, root attribute experiment = optimize or
// attribute). Tables, in workbook order:
//   optimize: choice (the chosen plan, P(correct selection), replications spent), frontier (a
//             list of capex budgets), candidates (every plan's /optimize/<x> [candidate]);
//   attribute: shares (each initiative's Shapley share with its 95% interval, share of the
//             total, value alone), shapley (the shares and their total per replication),
//             coalitions (each sub-roadmap's mean value);
// then provenance, experiment, scenario. IoError for another kind or an incomplete file.
FinanceTables read_plan_tables(const std::filesystem::path& file);

}  // namespace cxsim::reports
