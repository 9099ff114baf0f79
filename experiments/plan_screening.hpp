// Screening a space of plans too large to race (docs/experiments.md, "Screening large spaces"):
// pagmo's extended ant colony optimiser (gaco, mixed integer) over one integer per candidate
// initiative (0: left out, m: its m-th allowed start month), each plan scored by its objective
// over the same replications 0..n-1 (common random numbers, so plans are compared on the same
// draws), a generation's new plans simulated together. The best distinct plans found become the
// short list that KN races beside the plan with no initiative, so the final choice and its
// guarantee come from KN, among the short list. Deterministic: the search's seed comes from the
// experiment's, and a plan's score does not depend on the plans simulated beside it.
#pragma once

#include <atomic>
#include <stdexcept>
#include <vector>

#include "experiments/experiment_file.hpp"
#include "experiments/optimize_spec.hpp"

namespace cxsim {

// Thrown when the stop flag is set between generations: nothing of the screening is kept.
struct ScreeningStopped : std::runtime_error {
  ScreeningStopped() : std::runtime_error("the screening was interrupted") {}
};

// The plan of a decision vector (each entry rounded: 0 left out, m the m-th allowed start),
// repaired by leaving initiatives out, last in block order first, until it meets the
// constraints; `code` gets the repaired vector (a plan's identity in the search).
Plan decode_plan(const OptimizeBlock& block, const std::vector<double>& x, std::vector<int>& code);

// Runs the search of the block's screening settings; ScenarioError when the scenario refuses a
// plan, ScreeningStopped on `stop`.
ScreeningOutcome screen_plans(const LoadedExperiment& experiment, int threads,
                              const std::atomic<bool>* stop = nullptr);

// The block's plans become the plan with no initiative, then the short list, best first.
void apply_screening(OptimizeBlock& block, ScreeningOutcome outcome);

}  // namespace cxsim
