// One run of pagmo2's gaco (extended ant colony optimiser, mixed integer) over integer decision
// vectors x with 0 <= x_i <= upper_i, each generation's vectors scored in one call.
//
// pagmo is not linked into cxsim: it lives in a module (experiments/gaco/), loaded on the first
// search. Loaded with the program, its static initialisers (the tables of its CEC benchmark
// problems) cost every cxsim process about 15 ms and 4 000 page faults at start and more at
// exit, whatever the command; only `cxsim optimize` on a space too large to race uses it.
#pragma once

#include <exception>
#include <functional>
#include <vector>

namespace cxsim {

struct GacoSearch {
  std::vector<double> upper;  // one integer bound per entry of the decision vector
  unsigned generations = 0;
  unsigned population = 0;  // also gaco's kernel size
  unsigned seed = 0;
  // The values to minimise of the given decision vectors, in order. What it throws ends the
  // search and is thrown again by run_gaco.
  std::function<std::vector<double>(const std::vector<std::vector<double>>&)> evaluate;
};

// Runs the search (the initial population, then `generations` generations of gaco, every
// evaluation through `evaluate`). std::runtime_error naming the module when it cannot be loaded.
void run_gaco(const GacoSearch& search);

// The module's entry point: runs the search; an exception (its own, pagmo's, or one thrown by
// `evaluate`) is returned in `error` rather than thrown across the module's boundary.
using GacoEntry = void (*)(const GacoSearch& search, std::exception_ptr& error);
inline constexpr const char* kGacoEntryName = "cxsim_gaco_run";
inline constexpr const char* kGacoModuleName = "libcxsim_gaco.so";

}  // namespace cxsim
