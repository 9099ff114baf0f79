// KN on synthetic normal systems whose means are known: it selects the best within the
// indifference zone at least as often as it promises (slippage configuration, common random
// numbers), spends fewer observations than equal allocation with the same guarantee, decides
// the same whatever the prefetching, and stops at the budget with an estimate.
#include <gtest/gtest.h>

#include <boost/random/normal_distribution.hpp>
#include <cmath>
#include <map>
#include <vector>

#include "engine/core/rng.hpp"
#include "experiments/ranking_selection.hpp"

namespace {

using cxsim::ObservationSource;
using cxsim::SelectionEnd;
using cxsim::SelectionOptions;
using cxsim::SelectionResult;

// System i's observation j: mean[i] + common * z_j + own * e_ij, normal, from a seeded stream
// keyed by (i, j), so observations do not depend on the order they are asked for.
class NormalSystems : public ObservationSource {
 public:
  NormalSystems(std::vector<double> means, double common, double own, std::uint64_t seed,
                int lookahead = 1)
      : means_(std::move(means)), common_(common), own_(own), seed_(seed), lookahead_(lookahead) {}

  void prefetch(std::span<const std::pair<int, std::int64_t>> wanted) override {
    prefetched_ += static_cast<std::int64_t>(wanted.size());
  }
  double observe(int i, std::int64_t j) override {
    ++observed_;
    return means_[static_cast<std::size_t>(i)] + common_ * draw(0, j) + own_ * draw(i + 1, j);
  }
  int lookahead(int) const override { return lookahead_; }
  std::int64_t observed() const { return observed_; }

 private:
  double draw(int who, std::int64_t j) const {
    cxsim::Stream s(seed_, static_cast<std::uint32_t>(who), static_cast<std::uint32_t>(j), 0,
                    cxsim::Purpose::design);
    return boost::random::normal_distribution<double>(0.0, 1.0)(s);
  }
  std::vector<double> means_;
  double common_, own_;
  std::uint64_t seed_;
  int lookahead_;
  std::int64_t prefetched_ = 0;
  std::int64_t observed_ = 0;
};

// Slippage: system 0 is the best by exactly delta, the other k - 1 tie below it.
std::vector<double> slippage(int k, double delta) {
  std::vector<double> m(static_cast<std::size_t>(k), 0.0);
  m[0] = delta;
  return m;
}

TEST(RankingSelection, SelectsTheBestAtLeastAsOftenAsPromised) {
  SelectionOptions o;
  o.indifference_zone = 1.0;
  o.confidence = 0.95;
  o.first_stage = 10;
  const int studies = 400;
  int correct = 0;
  double spent = 0, equal = 0;
  for (int m = 0; m < studies; ++m) {
    NormalSystems s(slippage(6, 1.0), 3.0, 2.0, 1000 + static_cast<std::uint64_t>(m));
    const SelectionResult r = cxsim::select_best(6, o, s);
    correct += r.best == 0 ? 1 : 0;
    spent += static_cast<double>(r.total);
    equal += r.equal_allocation;
    EXPECT_EQ(r.total, s.observed());
    EXPECT_TRUE(r.p_correct_guaranteed);
    EXPECT_DOUBLE_EQ(r.p_correct, 0.95);
  }
  const double pcs = static_cast<double>(correct) / studies;
  // KN is conservative: at the slippage configuration it errs less than alpha. A binomial 0.95
  // over 400 studies falls below 0.92 with probability about 0.002.
  EXPECT_GE(pcs, 0.92) << correct << " of " << studies;
  // And cheaper than equal allocation with the same guarantee on the same first stage.
  EXPECT_LT(spent, 0.8 * equal) << spent / studies << " vs " << equal / studies;
}

TEST(RankingSelection, ALowerConfidenceIsSeenAsOneNegativeControl) {
  // The test above can fail: with confidence 0.6 the same configuration errs far more often.
  SelectionOptions o;
  o.indifference_zone = 1.0;
  o.confidence = 0.6;
  o.first_stage = 5;
  int correct = 0;
  for (int m = 0; m < 400; ++m) {
    NormalSystems s(slippage(6, 1.0), 3.0, 2.0, 5000 + static_cast<std::uint64_t>(m));
    correct += cxsim::select_best(6, o, s).best == 0 ? 1 : 0;
  }
  EXPECT_LT(correct, 0.92 * 400);
}

TEST(RankingSelection, CommonRandomNumbersCancelTheSharedNoise) {
  // The shared part (sd 30) drops out of every paired difference; with the same total noise
  // drawn independently per system, the differences are 100 times noisier in variance.
  SelectionOptions o;
  o.indifference_zone = 1.0;
  o.first_stage = 10;
  NormalSystems paired(slippage(4, 1.0), 30.0, 2.0, 77);
  NormalSystems independent(slippage(4, 1.0), 0.0, std::sqrt(904.0), 77);
  const SelectionResult a = cxsim::select_best(4, o, paired);
  const SelectionResult b = cxsim::select_best(4, o, independent);
  EXPECT_LT(20 * a.total, b.total) << a.total << " vs " << b.total;
}

TEST(RankingSelection, DecisionsDoNotDependOnPrefetching) {
  SelectionOptions o;
  o.indifference_zone = 0.5;
  o.first_stage = 8;
  const std::vector<double> means{0.0, 0.4, 1.0, 0.9, 0.2};
  for (const bool percentile : {false, true}) {
    if (percentile) o.percentile = 25;
    NormalSystems one(means, 1.0, 1.0, 9, 1), many(means, 1.0, 1.0, 9, 13);
    const SelectionResult a = cxsim::select_best(5, o, one), b = cxsim::select_best(5, o, many);
    EXPECT_EQ(a.best, b.best);
    EXPECT_EQ(a.n, b.n);
    EXPECT_EQ(a.total, b.total);
    for (std::size_t i = 0; i < a.n.size(); ++i) {
      EXPECT_TRUE(a.eliminated_at[i] == b.eliminated_at[i] ||
                  (std::isnan(a.eliminated_at[i]) && std::isnan(b.eliminated_at[i])));
      EXPECT_EQ(a.estimate[i], b.estimate[i]);
    }
  }
}

TEST(RankingSelection, TheBudgetEndsItWithAnEstimate) {
  SelectionOptions o;
  o.indifference_zone = 0.1;  // a zone far below the noise: many stages needed
  o.first_stage = 5;
  o.budget = 60;
  NormalSystems s({0.0, 0.05, 0.3}, 0.0, 1.0, 3);
  const SelectionResult r = cxsim::select_best(3, o, s);
  EXPECT_EQ(r.end, SelectionEnd::budget);
  EXPECT_LE(r.total, 60);
  EXPECT_FALSE(r.p_correct_guaranteed);
  EXPECT_GE(r.p_correct, 0.0);
  EXPECT_LT(r.p_correct, 0.95);
  // The first stage alone beyond the budget is refused.
  o.budget = 14;
  EXPECT_THROW(cxsim::select_best(3, o, s), std::invalid_argument);
}

TEST(RankingSelection, IdenticalSystemsEndWhenTheBoundariesClose) {
  // Zero variance of every difference: the boundaries are closed at the first stage, the tie
  // goes to the lowest index.
  SelectionOptions o;
  o.first_stage = 4;
  NormalSystems s({1.0, 1.0, 1.0}, 5.0, 0.0, 11);
  const SelectionResult r = cxsim::select_best(3, o, s);
  EXPECT_EQ(r.best, 0);
  EXPECT_EQ(r.total, 12);
  EXPECT_EQ(r.end, SelectionEnd::truncated);
}

TEST(RankingSelection, KnConstantsFollowThePaper) {
  // eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2, h^2 = 2 eta (n0 - 1).
  SelectionOptions o;
  o.first_stage = 10;
  o.confidence = 0.95;
  NormalSystems s({0.0, 5.0}, 0.0, 1.0, 1);
  const SelectionResult r = cxsim::select_best(2, o, s);
  const double eta = 0.5 * (std::pow(0.1, -2.0 / 9.0) - 1.0);
  EXPECT_NEAR(r.eta, eta, 1e-12);
  EXPECT_NEAR(r.h2, 18.0 * eta, 1e-12);
  EXPECT_EQ(r.best, 1);
}

TEST(RankingSelection, APercentileObjectiveRanksByThePercentile) {
  // System 1 has the higher mean but a wide spread: its 10th percentile is lower.
  class Spread : public ObservationSource {
   public:
    void prefetch(std::span<const std::pair<int, std::int64_t>>) override {}
    double observe(int i, std::int64_t j) override {
      cxsim::Stream s(5, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j), 0,
                      cxsim::Purpose::design);
      const double z = boost::random::normal_distribution<double>(0.0, 1.0)(s);
      return i == 0 ? 10.0 + 0.5 * z : 11.0 + 5.0 * z;
    }
  } source;
  SelectionOptions o;
  o.indifference_zone = 0.5;
  o.first_stage = 20;
  o.percentile = 10;
  const SelectionResult r = cxsim::select_best(2, o, source);
  EXPECT_EQ(r.best, 0);
  EXPECT_FALSE(r.p_correct_guaranteed);
  o.percentile = std::nan("");
  EXPECT_EQ(cxsim::select_best(2, o, source).best, 1);
}

}  // namespace
