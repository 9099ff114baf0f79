// Fully sequential selection of the best of k systems on paired (common random number)
// observations: Kim & Nelson's KN procedure (Kim and Nelson 2001, ACM TOMACS 11(3)). It drops a
// system as soon as its cumulative mean falls below another's by more than a boundary that
// shrinks with every stage, and stops when one system is left: the best, within the indifference
// zone, with probability at least `confidence` when the observations are normal. The procedure
// never touches seeds: observation j of every system comes from the source, which pairs them.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace cxsim {

// Where observations come from: observation j (0-based) of system i. Observation j of every
// system shares its random numbers (common random numbers), so differences are paired.
class ObservationSource {
 public:
  virtual ~ObservationSource() = default;
  // A hint: these (system, j) pairs are wanted soon; a source may compute them together.
  virtual void prefetch(std::span<const std::pair<int, std::int64_t>> wanted) = 0;
  virtual double observe(int system, std::int64_t j) = 0;
  // How many stages ahead to prefetch for `survivors` systems (extra observations of systems
  // dropped meanwhile are computed for nothing, never used).
  virtual int lookahead(int survivors) const {
    (void)survivors;
    return 1;
  }
  // Called after each stage's observations (the first stage included) were taken.
  virtual void stage_done() {}
  // True once the caller wants the procedure to end (an interrupt): it returns unfinished.
  virtual bool stopped() const { return false; }
};

struct SelectionOptions {
  double indifference_zone = 1.0;  // delta > 0
  double confidence = 0.95;        // 1 - alpha
  int first_stage = 10;            // n0 >= 2
  std::int64_t budget = 0;         // observations over all systems (0: no limit)
  // NaN: the objective is the mean. Else this percentile (0..100) of each system's
  // observations, with pair variances from a paired bootstrap of the first stage: an
  // asymptotic version of the procedure, whose probability of correct selection is an estimate.
  double percentile = 0.0 / 0.0;
  std::uint64_t seed = 0;  // the bootstrap's resamples (Purpose::design streams)
  int bootstrap = 200;
};

enum class SelectionEnd {
  one_left,   // every other system eliminated
  truncated,  // the boundaries closed (KN's last stage): the largest estimate among the rest
  budget,     // the budget ran out with several systems left: the largest estimate of them
  stopped,    // interrupted: no selection
};
const char* to_string(SelectionEnd end);

struct SelectionResult {
  int best = -1;
  SelectionEnd end = SelectionEnd::stopped;
  std::vector<std::int64_t> n;        // observations used, per system
  std::vector<double> eliminated_at;  // observations over all systems when dropped; NaN never
  std::vector<int> eliminated_by;     // the system it fell behind; -1 never
  std::vector<double> estimate;       // the objective over the system's observations
  std::vector<double> mean, se;       // of the observations (se = sd / sqrt(n))
  std::vector<double>
      estimate_se;  // mean: se; percentile: bootstrap se of the first stage / sqrt(n / n0)
  // The best minus each system, observation by observation over those they share: mean and se.
  std::vector<double> paired_difference, paired_difference_se;
  std::int64_t total = 0;  // sum of n
  double p_correct = 0.0 / 0.0;
  bool p_correct_guaranteed = false;  // the procedure's bound (mean objective, not cut short)
  double eta = 0.0, h2 = 0.0;         // KN's constants
  // Observations that equal allocation needs for the same guarantee: k times the per-system
  // count of the paired Bonferroni two-stage procedure (Nelson & Matejcik 1995) on the same
  // first stage, N = max(n0, ceil((t S / delta)^2)), t = t_{1 - alpha/(k-1), n0 - 1}, S^2 the
  // largest first-stage variance of a paired difference.
  double equal_allocation = 0.0 / 0.0;
};

// Runs KN on `systems` systems (at least 2). Throws std::invalid_argument on bad options or
// when the first stage alone exceeds the budget.
SelectionResult select_best(int systems, const SelectionOptions& options,
                            ObservationSource& source);

}  // namespace cxsim
