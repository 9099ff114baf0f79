// The behaviour rules of one customer (MODEL.md s.2), as pure functions the month kernel calls
// and the tests pin down one by one.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/core/branchless.hpp"

namespace cxsim::rules {

// The clamps and the signs of d and of the price gap below are selections without a branch
// (engine/core/branchless.hpp): the same bits as std::clamp, std::max and std::min.
inline double clamp10(double x) {
  return branchless_clamp(x, 0.0, 10.0);
}

// Step 4: relative price gap against the reference price (0 when there is no reference).
inline double price_gap(double price, double reference) {
  return reference > 0.0 ? (price - reference) / reference : 0.0;
}

// Step 4: the reference price moves toward the current price.
inline double updated_reference(double reference, double price, double theta) {
  return (1.0 - theta) * reference + theta * price;
}

struct SatisfactionWeights {
  double memory;      // alpha
  double gain;        // delta_gain
  double loss;        // delta_loss
  double price_gain;  // eta_gain
  double price_loss;  // eta_loss
};

// Step 5: asymmetric disconfirmation (Oliver 1980; Anderson & Sullivan 1993) and
// loss-averse reference price (Kalyanaram & Winer 1995); returns the new S.
inline double updated_satisfaction(double s, double perceived, double expectation, double gap,
                                   const SatisfactionWeights& w) {
  const double d = perceived - expectation;
  const double z = perceived + w.gain * branchless_max(d, 0.0) + w.loss * branchless_min(d, 0.0) -
                   w.price_loss * branchless_max(gap, 0.0) +
                   w.price_gain * branchless_max(-gap, 0.0);
  return clamp10((1.0 - w.memory) * s + w.memory * z);
}

// Step 6: expectations adapt toward experience and drift up with the market.
inline double updated_expectation(double e, double perceived, double beta, double drift_per_year) {
  return clamp10((1.0 - beta) * e + beta * perceived + drift_per_year / 12.0);
}

// Step 7: NPS classes on the 0-10 answer (S rounded half up).
inline bool is_promoter(double s) {
  return s >= 8.5;
}
inline bool is_detractor(double s) {
  return s < 6.5;
}

inline double logit(double p) {
  return std::log(p / (1.0 - p));
}
// logistic(x) from exp(-x), for a caller that computes the exponentials in a batch: the same
// bits as logistic(x) when exp_minus_x is std::exp(-x)'s.
inline double logistic_from_exp_minus(double exp_minus_x) {
  return 1.0 / (1.0 + exp_minus_x);
}
inline double logistic(double x) {
  return logistic_from_exp_minus(std::exp(-x));
}

// Step 8: monthly churn hazard from the log-odds of the baseline plus the drivers.
// A baseline of 0 means the customer never churns, whatever the drivers.
inline double churn_hazard(double h0, double log_odds_drivers) {
  if (h0 <= 0.0) return 0.0;
  return logistic(logit(h0) + log_odds_drivers);
}

// The same with logit(h0) computed beforehand (the kernel does it once a month per segment).
inline double churn_hazard(double h0, double log_odds_h0, double log_odds_drivers) {
  if (h0 <= 0.0) return 0.0;
  return logistic(log_odds_h0 + log_odds_drivers);
}

// (1 - x)^m, accurate when x is tiny and m large (log1p keeps the digits pow(1 - x) loses).
inline double survive_each(double x, std::uint32_t m) {
  if (m == 0) return 1.0;
  if (x >= 1.0) return 0.0;
  return std::exp(static_cast<double>(m) * std::log1p(-x));
}

// survive_each(x, m) from log_survive(x), computed once for many m: the same bits (x >= 1 is
// -inf, and exp(m * -inf) is the 0 that survive_each returns for m > 0).
inline double log_survive(double x) {
  return x >= 1.0 ? -std::numeric_limits<double>::infinity() : std::log1p(-x);
}
inline double survive_each_from_log(double log_survive_x, std::uint32_t m) {
  if (m == 0) return 1.0;
  return std::exp(static_cast<double>(m) * log_survive_x);
}

// Step 10: network Bass adoption, deterred by negative messages; in double precision because
// (1 - q/k)^m with k ~ 1e6 is lost in float.
inline double adoption_probability(double p, double q, double degree, std::uint32_t positive,
                                   double nu, std::uint32_t negative) {
  // Without positive messages the imitation factor is exactly 1: skip its division (most
  // prospects hear nothing in a month).
  const double imitation = positive > 0 ? survive_each(q / std::max(degree, 1.0), positive) : 1.0;
  const double no_adopt = (1.0 - p) * imitation;
  return (1.0 - no_adopt) * survive_each(nu, negative);
}

// The same from (1 - q / max(degree, 1))^positive and (1 - nu)^negative, or from their logs,
// log_survive(q / max(degree, 1)) and log_survive(nu), which the month kernel computes once per
// segment and degree rather than once per prospect.
inline double adoption_probability_from_survivals(double p, double imitation_survival,
                                                  double deterrence_survival) {
  const double no_adopt = (1.0 - p) * imitation_survival;
  return (1.0 - no_adopt) * deterrence_survival;
}
inline double adoption_probability_from_logs(double p, double log_survive_q, std::uint32_t positive,
                                             double log_survive_nu, std::uint32_t negative) {
  return adoption_probability_from_survivals(p, survive_each_from_log(log_survive_q, positive),
                                             survive_each_from_log(log_survive_nu, negative));
}

// The smallest d + h a lifetime divides by: a lifetime of at most 1e12 months. The loader
// refuses d + h = 0 that a draw or an effect can reach; this keeps a hazard that the churn
// drivers push below 1e-300 (logistic underflow) or a discount of 1e-300 from making customer
// equity infinite. No customer with a hazard above 1e-12 a month is affected.
inline constexpr double kMinLifetimeRate = 1e-12;

// MODEL.md s.3: value of a customer active at the end of a month (payment of the next month
// certain, each later one needs one more month of survival).
inline double lifetime_value(double margin, double monthly_discount, double hazard) {
  return margin / std::max(monthly_discount + hazard, kMinLifetimeRate);
}

// Discounted remaining lifetime in months of a customer with that hazard: the payments that
// lifetime_value counts, 1 / (1 + d - r) with r = 1 - h.
inline double discounted_lifetime(double monthly_discount, double hazard) {
  return 1.0 / std::max(monthly_discount + hazard, kMinLifetimeRate);
}

}  // namespace cxsim::rules
