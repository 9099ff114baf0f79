// The tables of an experiment file (`cxsim sweep`, `cxsim sensitivity`; EXPERIMENTS.md
// "Results"), in the shape of the finance tables, so that the workbook and the tidy CSV writers
// render them unchanged: the design, every point's statistics, a sweep's paired differences
// against the base scenario, the sensitivity indices and the provenance. Numbers read from a
// dataset are copied exactly; every table names the datasets its numbers come from.
#pragma once

#include <filesystem>

#include "reports/finance_tables.hpp"

namespace cxsim::reports {

// Reads a complete sweep or sensitivity file (format 1.x); an optimize or attribution file goes
// to read_plan_tables (reports/plan_tables.hpp). IoError when it cannot be read, is
// not a cxsim experiment file, or is incomplete (an interrupted experiment: finish it with
// --resume first). Tables, in workbook order: design, points, paired_difference (sweeps),
// sensitivity (sensitivity studies), provenance, experiment, scenario; a sensitivity study puts
// its indices first.
FinanceTables read_experiment_tables(const std::filesystem::path& experiment_file);

// read_experiment_tables for a file whose root has the attribute `experiment`, else
// read_finance_tables.
FinanceTables read_results_tables(const std::filesystem::path& file);

}  // namespace cxsim::reports
