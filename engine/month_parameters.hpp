// This month's parameters in the shape the kernel reads them, derived from the flat parameter
// vector after the roadmap's effects (MODEL.md s.2 step 1).
#pragma once

#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "agents/behaviour.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

// A Poisson draw with its setup done once a month; mean 0 is skipped (Boost asserts on it).
//
// Below a mean of 10 Boost samples by inversion from exactly one engine word; from_word() is that
// same arithmetic (u = word * 2^-32, then the same running sum in the same order), so the kernel
// can feed it a word computed in a batch and get Boost's answer without a Stream. Larger means
// go to Boost itself.
class PoissonDraw {
 public:
  PoissonDraw() = default;
  explicit PoissonDraw(double mean) : mean_(mean) {
    if (mean > 0.0) {
      dist_.emplace(mean);
      inversion_ = mean < 10;
      exp_mean_ = std::exp(-mean);  // as boost::random::poisson_distribution::init()
      zero_words_ = static_cast<std::uint64_t>(std::floor(exp_mean_ * 0x1p32));
    }
  }
  double mean() const { return mean_; }
  // True when one word decides the draw (from_word() applies).
  bool one_word() const { return inversion_ || !dist_; }
  template <class Engine>
  std::uint32_t operator()(Engine& engine) const {
    static_assert(Engine::min() == 0 && Engine::max() == 0xffffffffu, "32-bit words expected");
    if (!dist_) return 0u;
    if (inversion_) return from_word(engine());
    return static_cast<std::uint32_t>((*dist_)(engine));
  }
  // The draw when one_word(): boost::random::poisson_distribution::invert() on this word.
  std::uint32_t from_word(std::uint32_t word) const {
    // u <= exp(-mean) ends the inversion at 0 before it starts: word 2^-32 <= exp(-mean) exactly
    // when word <= floor(exp(-mean) 2^32), both products exact. Mean 0 draws 0 from every word.
    if (word <= zero_words_) return 0u;
    double p = exp_mean_;
    int x = 0;
    double u = static_cast<double>(word) * 0x1p-32;  // new_uniform_01 of a 32-bit engine
    while (u > p) {
      u = u - p;
      ++x;
      p = mean_ * p / x;
    }
    return static_cast<std::uint32_t>(x);
  }

 private:
  double mean_ = 0.0;
  double exp_mean_ = 1.0;
  std::uint64_t zero_words_ = std::uint64_t{1} << 32;  // the words that draw 0 (all for mean 0)
  bool inversion_ = false;
  std::optional<boost::random::poisson_distribution<int, double>> dist_;
};

struct SegmentMonth {
  double baseline_churn;  // h0 (the segment's value; heterogeneous segments use the agent's)
  double baseline_churn_log_odds;  // logit(h0), once a month instead of once per customer
  double performance;              // P_base
  double performance_sd;           // sd of the fit drawn for new customers
  double experience_noise;         // sd of e
  double satisfaction_ref;         // S_ref = initial satisfaction mean
  double satisfaction_sd;
  double expectation_mean;
  double expectation_sd;
  double price;
  double variable_cost;
  bool transactional;
  PoissonDraw purchases;
  double acquisition_cost;
  double innovation;                   // p
  double imitation;                    // q
  double deterrence;                   // nu
  double promoter_talk;                // pi_plus
  double detractor_talk;               // pi_minus
  std::uint64_t promoter_talk_words;   // Stream::words_below(promoter_talk)
  std::uint64_t detractor_talk_words;  // Stream::words_below(detractor_talk)
  double broadcast_reach;
  double winback;
  double margin;       // m_s: expected monthly margin of a customer (MODEL.md s.3)
  bool heterogeneous;  // h0 drawn per agent
  // For heterogeneous segments: this month's baseline churn over the replication's drawn one,
  // so initiative effects on baseline churn scale every person's own rate.
  double churn_scale;
};

struct TouchpointMonth {
  double failure_rate;
  double recovery_rate;
  std::uint64_t failure_words;   // Stream::words_below(failure_rate)
  std::uint64_t recovery_words;  // Stream::words_below(recovery_rate)
  double cost_per_contact;
  double failure_cost;
  double severity;
  double recovered_severity;
  std::vector<PoissonDraw> contacts;  // by segment
};

struct MonthParameters {
  rules::SatisfactionWeights weights;
  double expectation_adaptation;  // beta
  double expectation_drift;       // per year
  double reference_adaptation;    // theta
  double wom_positive_effect;     // omega_plus
  double wom_negative_effect;     // omega_minus
  double churn_satisfaction;
  double churn_price;
  double churn_failure;
  double churn_wom;
  double churn_competitor;
  double competitor_pressure;
  double monthly_discount;  // d
  std::vector<SegmentMonth> segments;
  std::vector<TouchpointMonth> touchpoints;
};

// Shapes the parameter vector `v` (laid out by scenario.layout) for the kernel; `base` is the
// replication's draw before effects (empty: same as `v`).
MonthParameters shape_month_parameters(const Scenario& scenario, std::span<const double> v,
                                       std::span<const double> base = {});

// Monthly discount rate from an annual one: (1 + annual)^(1/12) - 1.
double monthly_discount_rate(double annual);

}  // namespace cxsim
