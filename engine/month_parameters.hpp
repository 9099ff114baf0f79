// This month's parameters in the shape the kernel reads them, derived from the flat parameter
// vector after the roadmap's effects (MODEL.md s.2 step 1).
#pragma once

#include <boost/random/poisson_distribution.hpp>
#include <optional>
#include <span>
#include <vector>

#include "agents/behaviour.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

// A Poisson draw with its setup done once a month; mean 0 is skipped (Boost asserts on it).
class PoissonDraw {
 public:
  PoissonDraw() = default;
  explicit PoissonDraw(double mean) : mean_(mean) {
    if (mean > 0.0) dist_.emplace(mean);
  }
  double mean() const { return mean_; }
  template <class Engine>
  std::uint32_t operator()(Engine& engine) const {
    return dist_ ? static_cast<std::uint32_t>((*dist_)(engine)) : 0u;
  }

 private:
  double mean_ = 0.0;
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
  double innovation;      // p
  double imitation;       // q
  double deterrence;      // nu
  double promoter_talk;   // pi_plus
  double detractor_talk;  // pi_minus
  double broadcast_reach;
  double winback;
  double margin;       // m_s: expected monthly margin of a customer (MODEL.md s.3)
  bool heterogeneous;  // h0 drawn per agent
};

struct TouchpointMonth {
  double failure_rate;
  double recovery_rate;
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

// Shapes the parameter vector `v` (laid out by scenario.layout) for the kernel.
MonthParameters shape_month_parameters(const Scenario& scenario, std::span<const double> v);

// Monthly discount rate from an annual one: (1 + annual)^(1/12) - 1.
double monthly_discount_rate(double annual);

}  // namespace cxsim
