// Pins the steps of one month (MODEL.md s.2) with zero-variance settings where the answer is
// exact, and with standard-error tolerances where it is statistical.
#include "engine/month_kernel.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/initial_population.hpp"
#include "engine/parameter_draws.hpp"
#include "engine/replication.hpp"
#include "scenario_fixture.hpp"

namespace cxsim {
namespace {

using testing::set;

// Satisfaction, expectation and fit with no spread, no noise: every customer identical.
Scenario deterministic(std::int64_t agents, int months, int touchpoints = 0) {
  Scenario sc = testing::make_scenario(agents, months, touchpoints);
  set(sc, "segments.a.performance_sd", 0.0);
  set(sc, "segments.a.experience_noise", 0.0);
  set(sc, "segments.a.satisfaction.sd", 0.0);
  set(sc, "segments.a.expectation.sd", 0.0);
  return sc;
}

const RoadmapRun& baseline(const ReplicationResult& r) {
  return r.roadmaps[0];
}

TEST(MonthKernel, PerceivedPerformanceAndSatisfactionFollowDisconfirmation) {
  Scenario sc = deterministic(100, 1);
  set(sc, "segments.a.performance", 8.0);
  set(sc, "segments.a.expectation.mean", 6.0);
  set(sc, "segments.a.satisfaction.mean", 7.0);
  set(sc, "satisfaction.memory", 0.5);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  // D = 2: z = 8 + 0.3 * 2 = 8.6; S = 0.5 * 7 + 0.5 * 8.6 = 7.8
  EXPECT_NEAR(baseline(r).at(Metric::satisfaction_mean, 1), 7.8, 1e-12);
  EXPECT_EQ(baseline(r).at(Metric::promoters, 1), 0.0);
  EXPECT_EQ(baseline(r).at(Metric::nps, 1), 0.0);
}

TEST(MonthKernel, ExpectationsDriftUpAndEraseSatisfaction) {
  Scenario sc = deterministic(50, 24);
  set(sc, "market.expectation_drift_per_year", 1.2);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  // With P = E = S = 7 and a rising bar, disconfirmation turns negative and S falls.
  EXPECT_LT(baseline(r).at(Metric::satisfaction_mean, 24),
            baseline(r).at(Metric::satisfaction_mean, 2));
}

TEST(MonthKernel, EveryContactFailingCostsExactly) {
  Scenario sc = deterministic(1000, 3, 1);
  set(sc, "touchpoints.t0.contacts_per_month.a", 2.0);
  set(sc, "touchpoints.t0.failure_rate", 1.0);
  set(sc, "touchpoints.t0.recovery_rate", 0.0);
  set(sc, "touchpoints.t0.cost_per_contact", 3.0);
  set(sc, "touchpoints.t0.failure_cost", 10.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  for (int t = 1; t <= 3; ++t) {
    const double contacts = baseline(r).at(TouchpointMetric::contacts, t, 0);
    EXPECT_EQ(baseline(r).at(TouchpointMetric::failures, t, 0), contacts);
    EXPECT_EQ(baseline(r).at(TouchpointMetric::recovered, t, 0), 0.0);
    EXPECT_EQ(baseline(r).at(Metric::cost_to_serve, t), 3.0 * contacts);
    EXPECT_EQ(baseline(r).at(Metric::failure_cost, t), 10.0 * contacts);
    // Poisson(2) contacts for 1000 customers: mean 2000, sd sqrt(2000).
    EXPECT_NEAR(contacts, 2000.0, 4 * std::sqrt(2000.0));
  }
}

TEST(MonthKernel, RecoveryIsBinomialAmongFailures) {
  Scenario sc = deterministic(20000, 1, 1);
  set(sc, "touchpoints.t0.contacts_per_month.a", 1.0);
  set(sc, "touchpoints.t0.failure_rate", 0.5);
  set(sc, "touchpoints.t0.recovery_rate", 0.3);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const double n = baseline(r).at(TouchpointMetric::contacts, 1, 0);
  const double f = baseline(r).at(TouchpointMetric::failures, 1, 0);
  const double rec = baseline(r).at(TouchpointMetric::recovered, 1, 0);
  EXPECT_NEAR(f, 0.5 * n, 4 * std::sqrt(n * 0.25));
  EXPECT_NEAR(rec, 0.3 * f, 4 * std::sqrt(f * 0.21));
  // Negative control: the same check rejects a recovery rate of 0.35.
  EXPECT_GT(std::abs(rec - 0.35 * f), 4 * std::sqrt(f * 0.35 * 0.65));
}

TEST(MonthKernel, UnrecoveredFailuresLowerSatisfactionMoreThanRecoveredOnes) {
  auto satisfaction_with_recovery = [](double rho) {
    Scenario sc = deterministic(2000, 1, 1);
    set(sc, "touchpoints.t0.contacts_per_month.a", 1.0);
    set(sc, "touchpoints.t0.failure_rate", 1.0);
    set(sc, "touchpoints.t0.recovery_rate", rho);
    set(sc, "touchpoints.t0.severity", 2.0);
    set(sc, "touchpoints.t0.recovered_severity", 0.5);
    return baseline(run_replication(sc, 0, nullptr)).at(Metric::satisfaction_mean, 1);
  };
  EXPECT_LT(satisfaction_with_recovery(0.0), satisfaction_with_recovery(1.0));
}

TEST(MonthKernel, PriceRiseRaisesChurnMoreThanACutLowersIt) {
  auto churn_after_price_change = [](double factor) {
    Scenario sc = deterministic(40000, 1);
    set(sc, "segments.a.baseline_churn_monthly", 0.05);
    Effect e;
    e.slots = {testing::slot_index(sc, "segments.a.revenue.price")};
    e.op = EffectOp::multiply;
    e.value_slot = testing::add_slot(sc, "price_change", Distribution::constant(factor));
    Initiative in;
    in.name = "price";
    in.effects = {e};
    sc.roadmaps.push_back({"price", {in}});
    const ReplicationResult r = run_replication(sc, 0, nullptr);
    return r.roadmaps[1].at(Metric::churned, 1) - r.roadmaps[0].at(Metric::churned, 1);
  };
  const double up = churn_after_price_change(1.1);
  const double down = churn_after_price_change(0.9);
  EXPECT_GT(up, 0.0);
  EXPECT_LT(down, 0.0);
  EXPECT_GT(up, -down);
}

TEST(MonthKernel, ChurnersPayForTheirLastMonthAndLeaveAtItsEnd) {
  Scenario sc = deterministic(1000, 2);
  set(sc, "segments.a.baseline_churn_monthly", 0.5);
  set(sc, "churn.satisfaction", 0.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const RoadmapRun& b = baseline(r);
  EXPECT_EQ(b.at(Metric::revenue, 1), 10.0 * 1000);
  EXPECT_EQ(b.at(Metric::customers, 1), 1000 - b.at(Metric::churned, 1));
  EXPECT_EQ(b.at(Metric::lapsed, 1), b.at(Metric::churned, 1));
  EXPECT_EQ(b.at(Metric::revenue, 2), 10.0 * b.at(Metric::customers, 1));
}

TEST(MonthKernel, InnovationAloneAdoptsAtRateP) {
  Scenario sc = deterministic(50000, 1);
  sc.segments[0].initial_penetration = 0.0;
  set(sc, "segments.a.adoption.innovation", 0.02);
  set(sc, "segments.a.acquisition_cost", 100.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const double acquired = baseline(r).at(Metric::acquisitions, 1);
  EXPECT_NEAR(acquired, 1000.0, 4 * std::sqrt(50000 * 0.02 * 0.98));
  EXPECT_EQ(baseline(r).at(Metric::acquisition_cost, 1), 100.0 * acquired);
  EXPECT_EQ(baseline(r).at(Metric::revenue, 1), 0.0);  // new customers pay from next month
  EXPECT_EQ(baseline(r).at(Metric::customers, 1), acquired);
}

TEST(MonthKernel, LapsedCustomersComeBackWithWinbackProbability) {
  Scenario sc = deterministic(20000, 2);
  set(sc, "segments.a.baseline_churn_monthly", 0.999);
  set(sc, "churn.satisfaction", 0.0);
  set(sc, "segments.a.winback_probability", 0.1);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const RoadmapRun& b = baseline(r);
  EXPECT_EQ(b.at(Metric::winbacks, 1), 0.0);  // cannot be won back in the month they churn
  const double lapsed = b.at(Metric::lapsed, 1);
  EXPECT_NEAR(b.at(Metric::winbacks, 2), 0.1 * lapsed, 4 * std::sqrt(lapsed * 0.09));
  EXPECT_EQ(b.at(Metric::winbacks, 2), b.at(Metric::acquisitions, 2));
}

TEST(MonthKernel, TransactionalRevenueIsPoissonPurchasesTimesPrice) {
  Scenario sc = deterministic(10000, 1);
  sc.segments[0].transactional = true;
  set(sc, "segments.a.revenue.purchases_per_month", 2.0);
  set(sc, "segments.a.revenue.variable_cost", 4.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const double revenue = baseline(r).at(Metric::revenue, 1);
  EXPECT_NEAR(revenue, 10.0 * 20000, 4 * 10.0 * std::sqrt(20000.0));
  EXPECT_NEAR(baseline(r).at(Metric::variable_cost, 1), 0.4 * revenue, 1e-6);
}

TEST(MonthKernel, ReportsAreInRealWorldUnits) {
  Scenario sc = deterministic(1000, 1);
  sc.population = 50000;  // each agent stands for 50 people
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  EXPECT_EQ(baseline(r).at(Metric::customers, 1), 50000.0);
  EXPECT_EQ(baseline(r).at(Metric::revenue, 1), 500000.0);
}

// 20 000 agents for one month on `network`, a share `penetration` of them customers, every one a
// promoter (satisfied, experience at expectation) who talks.
Scenario talking_promoters(double penetration, const NetworkConfig& network) {
  Scenario sc = deterministic(20000, 1);
  sc.segments[0].initial_penetration = penetration;
  sc.network = network;
  set(sc, "segments.a.satisfaction.mean", 9.0);
  set(sc, "segments.a.performance", 9.0);
  set(sc, "segments.a.expectation.mean", 9.0);
  set(sc, "segments.a.wom.promoter_talk_probability", 1.0);
  return sc;
}

TEST(MonthKernel, PromotersTalkAndProspectsListen) {
  Scenario sc = talking_promoters(0.5, {NetworkType::ring, 2, 0.0, true});
  set(sc, "segments.a.adoption.imitation", 1.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const RoadmapRun& b = baseline(r);
  EXPECT_EQ(b.at(Metric::promoters, 1), 10000.0);
  // Every customer tells both ring neighbours: 20000 messages; with q = 1 and k = 2 a prospect
  // with one talking neighbour adopts with 1/2, with two surely.
  EXPECT_EQ(b.at(Metric::wom_positive, 1), 20000.0);
  EXPECT_GT(b.at(Metric::acquisitions, 1), 0.0);
}

TEST(MonthKernel, EveryTalkerReachesEveryNeighbourAcrossBlocks) {
  // Everyone a customer and a talking promoter on a random graph: nearly every link joins agents
  // of different 4096-agent blocks, so almost every message goes through a block's remote list.
  // Each agent hears each of its neighbours once: 2 x edges messages in all.
  const Scenario sc = talking_promoters(1.0, {NetworkType::random, 10, 0.0, true});
  const Network network = build_network(sc.network, 20000, sc.seed, 0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  EXPECT_EQ(baseline(r).at(Metric::promoters, 1), 20000.0);
  EXPECT_EQ(baseline(r).at(Metric::wom_positive, 1), 2.0 * static_cast<double>(network.edges()));
  EXPECT_GT(network.edges(), 90000u);
}

TEST(MonthKernel, BroadcastReachSpreadsNegativeMessagesToEveryone) {
  Scenario sc = deterministic(20000, 1);
  set(sc, "segments.a.satisfaction.mean", 3.0);
  set(sc, "segments.a.performance", 3.0);
  set(sc, "segments.a.expectation.mean", 3.0);
  set(sc, "segments.a.wom.detractor_talk_probability", 1.0);
  set(sc, "segments.a.wom.broadcast_reach", 2.0);
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  // 20000 talking detractors reach Poisson(2) agents each: 40000 messages in expectation.
  EXPECT_NEAR(baseline(r).at(Metric::wom_negative, 1), 40000.0, 4 * std::sqrt(40000.0));
  EXPECT_EQ(baseline(r).at(Metric::detractors, 1), 20000.0);
  EXPECT_EQ(baseline(r).at(Metric::nps, 1), -100.0);
}

TEST(MonthKernel, CompleteNetworkCountsEveryoneButOneself) {
  // Two agents, one a talking promoter, q = 1, p = 0: on the complete graph the prospect's
  // degree is N - 1 = 1 and its one message makes adoption certain (with degree N it would be
  // a coin flip).
  Scenario sc = deterministic(2, 1);
  sc.segments[0].initial_penetration = 0.5;
  sc.network = {NetworkType::complete, 1, 0.0, true};
  set(sc, "segments.a.satisfaction.mean", 9.5);
  set(sc, "segments.a.performance", 9.5);
  set(sc, "segments.a.expectation.mean", 9.5);
  set(sc, "segments.a.wom.promoter_talk_probability", 1.0);
  set(sc, "segments.a.adoption.imitation", 1.0);
  for (int rep = 0; rep < 20; ++rep) {
    const ReplicationResult r = run_replication(sc, rep, nullptr);
    EXPECT_EQ(baseline(r).at(Metric::wom_positive, 1), 1.0);  // the talker does not hear itself
    EXPECT_EQ(baseline(r).at(Metric::acquisitions, 1), 1.0) << "replication " << rep;
  }
}

TEST(MonthKernel, CustomerCountsAreConserved) {
  Scenario sc = testing::make_scenario(5000, 24, 2);
  sc.segments[0].initial_penetration = 0.3;
  sc.network = {NetworkType::small_world, 6, 0.1, true};
  set(sc, "segments.a.baseline_churn_monthly", 0.03);
  set(sc, "segments.a.adoption.innovation", 0.01);
  set(sc, "segments.a.adoption.imitation", 0.3);
  set(sc, "segments.a.winback_probability", 0.05);
  set(sc, "segments.a.wom.promoter_talk_probability", 0.3);
  set(sc, "segments.a.wom.detractor_talk_probability", 0.3);
  set(sc, "touchpoints.t0.contacts_per_month.a", 0.5);
  set(sc, "touchpoints.t0.failure_rate", 0.2);
  const ReplicationResult r = run_replication(sc, 3, nullptr);
  const RoadmapRun& b = baseline(r);
  double previous = 1500;
  for (int t = 1; t <= 24; ++t) {
    EXPECT_EQ(b.at(Metric::customers, t) + b.at(Metric::prospects, t) + b.at(Metric::lapsed, t),
              5000.0);
    EXPECT_EQ(b.at(Metric::customers, t),
              previous - b.at(Metric::churned, t) + b.at(Metric::acquisitions, t));
    previous = b.at(Metric::customers, t);
  }
}

TEST(MonthKernel, EffectsOnBaselineChurnReachHeterogeneousCustomers) {
  Scenario sc = deterministic(40000, 1);
  sc.segments[0].churn_heterogeneity = Distribution{DistributionKind::beta, 2.0, 98.0};
  set(sc, "segments.a.baseline_churn_monthly", 0.02);  // the beta's mean, as the loader sets it
  set(sc, "churn.satisfaction", 0.0);
  Effect e;
  e.slots = {testing::slot_index(sc, "segments.a.baseline_churn_monthly")};
  e.op = EffectOp::multiply;
  e.value_slot = testing::add_slot(sc, "halve", Distribution::constant(0.5));
  Initiative in;
  in.name = "loyalty";
  in.effects = {e};
  sc.roadmaps.push_back({"loyalty", {in}});
  const ReplicationResult r = run_replication(sc, 0, nullptr);
  const double base = r.roadmaps[0].at(Metric::churned, 1);
  const double halved = r.roadmaps[1].at(Metric::churned, 1);
  EXPECT_NEAR(base, 800.0, 4 * std::sqrt(800.0));
  EXPECT_NEAR(halved, 400.0, 4 * std::sqrt(400.0));
}

}  // namespace
}  // namespace cxsim
