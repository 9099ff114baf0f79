// A calibration's posterior carried by a scenario (the `posterior:` key): particles with weights
// over named parameters. Each replication uses one particle, chosen with probability proportional
// to its weight from a stream of its own, so every parameter takes that particle's value and the
// correlations between parameters are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cxsim {

// What one posterior parameter name sets.
struct PosteriorTarget {
  enum class Kind {
    slot,                    // a slot's value (a number or a distribution in the scenario)
    distribution_parameter,  // one parameter of a slot's distribution (<path>.<kind>.<index>)
    heterogeneity_parameter  // one parameter of a segment's per-agent churn distribution
  };
  std::string name;  // as listed in posterior.parameters
  Kind kind = Kind::slot;
  int slot = -1;     // slot and distribution_parameter: the slot
  int segment = -1;  // heterogeneity_parameter: the segment
  int index = 0;     // the distribution parameter (0-based)
  // heterogeneity_parameter: the segment's baseline churn slot when it holds the per-agent
  // distribution's mean (baseline_churn_monthly not written), which then follows the
  // replication's distribution; else -1.
  int mean_slot = -1;
};

struct Posterior {
  std::string source;  // the calibration's results file, as written (relative to the overlay)
  std::string sha256;  // its SHA-256, 64 lowercase hex digits, as written (recorded, not checked)
  // `source` resolved against the folder of the file that names it ("" when written by --set):
  // never read, but no output may overwrite it.
  std::string source_file;
  std::vector<PosteriorTarget> parameters;
  std::vector<double> values;   // particle-major: values[p * parameters.size() + j]
  std::vector<double> weights;  // one per particle, positive, as written (not normalised)

  std::size_t particles() const { return weights.size(); }
  double value(std::size_t particle, std::size_t parameter) const {
    return values[particle * parameters.size() + parameter];
  }

  // The particle replication `replication` uses: index k with probability weights[k] / sum,
  // from the stream (seed, purpose posterior, replication), which no other draw reads.
  std::size_t choose_particle(std::uint64_t seed, std::int64_t replication) const;

  // Kish's effective sample size, (sum w)^2 / sum w^2.
  double effective_sample_size() const;
  // The weighted mean of a parameter, and its weighted quantile q: the smallest particle value
  // whose normalised cumulative weight (particles sorted by value) reaches q.
  double weighted_mean(std::size_t parameter) const;
  double weighted_quantile(std::size_t parameter, double q) const;
};

}  // namespace cxsim
