// The limiting cases of MODEL.md s.7, run through the real engine on the scenarios of
// scenarios/validation/: shared by the validation tests (small sizes) and the validation report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim::validation {

// How a simulated number must relate to its expected value.
enum class Sense {
  equal,     // |sim - exp| <= k SE + slack
  at_most,   // sim <= exp + k SE + slack
  at_least,  // sim >= exp - k SE - slack
  below,     // sim < exp - k SE - slack (clearly below)
  above,     // sim > exp + k SE + slack (clearly above)
  exact      // sim == exp, bit for bit
};

const char* to_string(Sense sense);

struct Check {
  std::string label;  // e.g. "month 12", "r = 0.9"
  double expected = 0.0;
  double simulated = 0.0;
  double se = 0.0;
  double k = 4.0;      // tolerance in standard errors
  double slack = 0.0;  // absolute allowance on top of k SE
  Sense sense = Sense::equal;

  bool passed() const;
  double z() const;       // (simulated - expected) / se; NaN when se is 0
  double excess() const;  // how far past its tolerance (> 0 fails; a ranking, not a unit)
};

// One statement of a case, checked at one or more points: it holds when every check passes.
// A negative control is a deliberately wrong expectation that the same check must reject.
struct Claim {
  std::string name;
  std::string se_source;  // "replications", "binomial", "exact" ...
  bool negative_control = false;
  std::vector<Check> checks;

  bool passed() const;
  const Check& worst() const;  // the check closest to (or furthest past) failing
};

struct Curve {
  std::string file;  // image and CSV stem
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<double> x;
  std::vector<std::string> names;         // one per series
  std::vector<std::vector<double>> y;     // [series][point]
  std::vector<std::vector<double>> y_se;  // [series][point]; empty rows for lines without SE
};

struct CaseResult {
  std::string name;      // MODEL.md s.7 row
  std::string scenario;  // scenario file(s), relative to the repository
  std::vector<Claim> claims;
  std::vector<Curve> curves;
};

struct Options {
  std::string source_dir;  // repository root (scenarios/validation/ below it)
  int scale = 1;           // replications are multiplied by this (the report runs larger)
  int threads = 0;         // 0: every core
};

// Each case loads its scenario(s) with load_scenario, runs them with run_replications and
// compares with expectations computed from the loaded scenario's slots.
CaseResult bass_mean_field(const Options& options, const std::string& scenario_file);
CaseResult bass_networks(const Options& options);
CaseResult retention(const Options& options, const std::string& scenario_file);
CaseResult clv(const Options& options);
CaseResult clv_gupta_lehmann(const Options& options);
CaseResult ltv_transactional(const Options& options);
CaseResult heterogeneity_sbg(const Options& options);
CaseResult satisfaction_asymmetry(const Options& options);
CaseResult price_loss_aversion(const Options& options);
CaseResult crn_identical_roadmap(const Options& options);
CaseResult thread_independence(const Options& options);
CaseResult failure_direction(const Options& options);

// Every case above, in MODEL.md s.7 order.
std::vector<CaseResult> run_all_cases(const Options& options);

// Helpers the cases use, exposed for tests.
double slot_value(const Scenario& sc, const std::string& path);  // constant slot's value
std::vector<ReplicationResult> simulate(const Scenario& sc, std::int64_t replications,
                                        int threads = 0);

}  // namespace cxsim::validation
