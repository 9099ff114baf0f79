// One month of one roadmap in one replication (MODEL.md s.2 steps 2-11), as two parallel passes
// over fixed agent blocks: "experience and speak", then "listen, adopt and settle".
#pragma once

#include <cstdint>
#include <vector>

#include "agents/big_array.hpp"
#include "agents/network.hpp"
#include "agents/population.hpp"
#include "engine/metrics.hpp"
#include "engine/month_parameters.hpp"

namespace cxsim {

// Agents per block: the unit of parallel work and of deterministic reduction. Fixed, so sums
// are added in the same order whatever the thread count.
inline constexpr std::uint32_t kAgentBlock = 4096;

// Where the streams of a roadmap run come from.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;  // the counter word; common to every roadmap of a replication
};

// Per-month totals in agent units (not yet weighted), by segment and touchpoint.
struct MonthTotals {
  struct PerSegment {
    double active_during = 0, satisfaction_sum = 0, promoters = 0, detractors = 0;
    double revenue = 0, variable_cost = 0, churned = 0, acquisitions = 0, winbacks = 0;
    double acquisition_cost = 0, customers_end = 0, prospects_end = 0, lapsed_end = 0;
    // Customers at the end of the month: sum of 1 / (d + h_i) (months), and their equity.
    double discounted_lifetime = 0;
    double customer_equity = 0;
  };
  struct PerTouchpoint {
    double contacts = 0, failures = 0, recovered = 0, failure_cost = 0, cost_to_serve = 0;
  };
  std::vector<PerSegment> segments;
  std::vector<PerTouchpoint> touchpoints;
  double wom_positive = 0, wom_negative = 0;
  double positive_talkers = 0, negative_talkers = 0, broadcast_lambda = 0;

  MonthTotals() = default;
  MonthTotals(int n_segments, int n_touchpoints)
      : segments(n_segments), touchpoints(n_touchpoints) {}
  void add(const MonthTotals& other);
};

// Scratch space reused month to month (one per roadmap run in flight).
struct KernelScratch {
  std::vector<MonthTotals> blocks;
  // What each agent hears this month: positive talkers among its neighbours in the low word,
  // negative ones in the high word. A talker adds itself to its neighbours' entries in the
  // speaking pass, so only talkers' lists are read (rather than every agent's whole list in the
  // listening pass). Entries of agents outside the talker's block are listed in `remote` and
  // added, with atomic integer additions, once every block has spoken; an entry inside the block
  // is written only by the block's own thread.
  BigArray<std::uint64_t> heard;                   // [agent]
  std::vector<std::vector<std::uint64_t>> remote;  // [block]: agent << 1 | negative
  std::vector<double> log_survive_imitation;       // [segment][degree]: the listening pass's table
  std::vector<double> log_survive_deterrence;      // [segment]
  // survive_each_from_log of those logs for small message counts, filled as prospects need them.
  std::vector<double> imitation_survival;   // [segment][degree][messages]
  std::vector<double> deterrence_survival;  // [segment][messages]
  // Stream::words_below of the adoption of a prospect who heard nothing.
  std::vector<std::uint64_t> quiet_adoption_words;  // [segment][prospect, lapsed]

  // Bytes per agent of the arrays above that grow with the population (for memory estimates).
  static constexpr std::size_t bytes_per_agent() { return sizeof(std::uint64_t); }
};

// Simulates month `month` in place and returns its totals.
MonthTotals simulate_month(const MonthParameters& params, const Network& network,
                           const StreamKey& key, int month, Population& population,
                           KernelScratch& scratch);

// Customer equity of the population at t = 0 (agent units), valued with month-1 parameters.
double initial_customer_equity(const MonthParameters& params, const Population& population);

}  // namespace cxsim
