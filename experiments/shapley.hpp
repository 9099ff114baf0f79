// Shapley values of the initiatives of a roadmap, replication by replication, from the metric of
// each coalition's sub-roadmap: exact (the weighted sum over every subset) or sampled (the mean
// marginal contribution along random orders, Castro, Gomez & Tejada 2009), and the mean share
// over replications with its standard error and 95% interval. Pure functions of their inputs.
#pragma once

#include <span>
#include <vector>

#include "experiments/coalitions.hpp"

namespace cxsim {

// One replication: values[c] is the metric of coalition c's sub-roadmap. The shares add up to
// values[full] - values[empty] (exactly in exact arithmetic; to rounding here: every sum is
// compensated). NaN in any value makes every share NaN.
std::vector<double> shapley_shares(const CoalitionPlan& plan, std::span<const double> values);

// Sampled plans: the marginal contribution of each player along each order, [permutation][player]
// (each row adds up to values[full] - values[empty]).
std::vector<double> marginal_contributions(const CoalitionPlan& plan,
                                           std::span<const double> values);

struct ShareEstimate {
  double mean;  // over replications (NaN excluded)
  double se;    // standard error of the mean
  double low;   // the 95% Student-t interval of the mean
  double high;
};

struct Attribution {
  int players = 0;
  int replications = 0;
  std::vector<double> shares;            // [player][replication]
  std::vector<double> total;             // [replication]: values[full] - values[empty]
  std::vector<ShareEstimate> estimates;  // [player]
};

// values: [coalition][replication]. The standard error is over replications; for a sampled plan
// it adds the orders' sampling error, var over orders of each order's mean marginal contribution
// (over replications) / permutations: conservative for the crossed design (the interaction term
// counts twice), with Welch-Satterthwaite degrees of freedom for the interval. NaN with fewer
// than two replications.
Attribution attribute(const CoalitionPlan& plan, std::span<const double> values, int replications);

}  // namespace cxsim
