// The posterior's per-replication draws (scenario key posterior): one particle per replication,
// chosen by weight from a stream of its own; every listed parameter takes that particle's value;
// no other draw moves.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/parameter_paths.hpp"
#include "config/scenario_loader.hpp"
#include "engine/core/rng.hpp"
#include "engine/initial_population.hpp"
#include "engine/parameter_draws.hpp"

namespace cxsim {
namespace {

const std::string kFixtures = std::string(CXSIM_SOURCE_DIR) + "/tests/fixtures/posterior";

Scenario overlay() {
  return load_scenario(kFixtures + "/overlay.yaml");
}
Scenario base() {
  return load_scenario(kFixtures + "/base.yaml");
}

int slot_of(const Scenario& sc, const std::string& path) {
  return *find_slot(sc, path);
}

TEST(PosteriorDraws, ParticleFrequenciesFollowTheWeights) {
  Posterior p;
  p.weights = {0.1, 0.2, 0.3, 0.4};
  constexpr int kReplications = 40000;
  std::vector<int> counts(4, 0);
  for (int r = 0; r < kReplications; ++r) ++counts[p.choose_particle(20261201, r)];
  double worst_z_weights = 0.0;
  double worst_z_uniform = 0.0;
  for (std::size_t k = 0; k < 4; ++k) {
    const double f = static_cast<double>(counts[k]) / kReplications;
    auto z = [&](double q) { return std::fabs(f - q) / std::sqrt(q * (1 - q) / kReplications); };
    worst_z_weights = std::max(worst_z_weights, z(p.weights[k]));
    worst_z_uniform = std::max(worst_z_uniform, z(0.25));
  }
  // Each frequency within 4 standard errors of its weight (four tests: a false alarm has
  // probability about 2.5e-4).
  EXPECT_LT(worst_z_weights, 4.0);
  // Negative control: the same statistic tells these frequencies from equal weights (the
  // expected deviation there is 0.15 / 0.0022, about 69 standard errors).
  EXPECT_GT(worst_z_uniform, 20.0);
}

TEST(PosteriorDraws, UnnormalisedWeightsAndASingleParticle) {
  Posterior scaled;
  scaled.weights = {1.0, 2.0, 3.0, 4.0};
  Posterior unit;
  unit.weights = {0.1, 0.2, 0.3, 0.4};
  int same = 0;
  for (int r = 0; r < 1000; ++r) {
    same += scaled.choose_particle(7, r) == unit.choose_particle(7, r) ? 1 : 0;
  }
  EXPECT_EQ(same, 1000);  // the same stream; proportional weights choose the same particles
  Posterior one;
  one.weights = {3.0};
  for (int r = 0; r < 10; ++r) EXPECT_EQ(one.choose_particle(7, r), 0u);
}

TEST(PosteriorDraws, EveryReplicationUsesOneParticlesRow) {
  const Scenario sc = overlay();
  ASSERT_TRUE(sc.posterior);
  const Posterior& p = *sc.posterior;
  ASSERT_EQ(p.parameters.size(), 4u);
  const std::vector<std::string> recorded = recorded_parameters(sc);
  std::vector<int> seen(p.particles(), 0);
  for (int r = 0; r < 200; ++r) {
    const ParameterDraw d = draw_parameters(sc, r);
    ASSERT_GE(d.particle, 0);
    const auto k = static_cast<std::size_t>(d.particle);
    ++seen[k];
    ASSERT_EQ(d.uncertain.size(), recorded.size());
    for (std::size_t j = 0; j < p.parameters.size(); ++j) {
      const auto at = std::find(recorded.begin(), recorded.end(), p.parameters[j].name);
      ASSERT_NE(at, recorded.end()) << p.parameters[j].name;
      EXPECT_EQ(d.uncertain[static_cast<std::size_t>(at - recorded.begin())], p.value(k, j))
          << "replication " << r << ", " << p.parameters[j].name;
    }
    EXPECT_EQ(d.values[slot_of(sc, "segments.consumer.baseline_churn_monthly")], p.value(k, 0));
    EXPECT_EQ(d.values[slot_of(sc, "churn.satisfaction")], p.value(k, 1));
    // The per-agent churn distribution of the replication, and the mean that stands for it.
    ASSERT_EQ(d.heterogeneity.size(), 2u);
    EXPECT_EQ(d.heterogeneity[1].kind, DistributionKind::beta);
    EXPECT_EQ(d.heterogeneity[1].a, p.value(k, 2));
    EXPECT_EQ(d.heterogeneity[1].b, 198.0);
    EXPECT_DOUBLE_EQ(d.values[slot_of(sc, "segments.regular.baseline_churn_monthly")],
                     p.value(k, 2) / (p.value(k, 2) + 198.0));
    // A distribution parameter changes what is drawn, from the slot's own stream.
    const std::string path = "churn.unrecovered_failure";
    Stream stream(sc.seed, path_hash(path), static_cast<std::uint32_t>(r), 0, Purpose::parameters);
    const Distribution u{DistributionKind::uniform, 0.4, p.value(k, 3), 0.0};
    EXPECT_EQ(d.values[slot_of(sc, path)], u.sample(stream));
  }
  for (std::size_t k = 0; k < p.particles(); ++k) EXPECT_GT(seen[k], 0) << "particle " << k;
}

// A replication's heterogeneity distribution is the one its population is drawn from.
TEST(PosteriorDraws, ThePopulationDrawsFromTheReplicationsHeterogeneity) {
  const Scenario sc = base();
  const ParameterDraw d = draw_parameters(sc, 0);
  const StreamKey key{sc.seed, 0};
  auto regular_mean = [&](std::span<const Distribution> heterogeneity, double& se) {
    const Population pop = make_initial_population(sc, d.values, key, heterogeneity);
    double sum = 0.0, squares = 0.0;
    int n = 0;
    for (std::uint32_t i = 0; i < pop.size(); ++i) {
      if (pop.segment[i] != 1) continue;
      sum += pop.base_churn[i];
      squares += static_cast<double>(pop.base_churn[i]) * pop.base_churn[i];
      ++n;
    }
    const double mean = sum / n;
    se = std::sqrt((squares / n - mean * mean) / n);
    return mean;
  };
  double se = 0.0;
  const double written = regular_mean({}, se);  // beta(2, 198): mean 0.01
  EXPECT_NEAR(written, 0.01, 4 * se);
  const std::vector<Distribution> high{Distribution{}, {DistributionKind::beta, 4.5, 198, 0}};
  const double moved = regular_mean(high, se);  // beta(4.5, 198): mean 0.0222
  EXPECT_NEAR(moved, 4.5 / 202.5, 4 * se);
  // Negative control: the written distribution's mean is far outside the moved one's band.
  EXPECT_GT(std::fabs(written - 4.5 / 202.5), 10 * se);
}

TEST(PosteriorDraws, OtherDrawsDoNotMove) {
  const Scenario with = overlay();
  const Scenario without = base();
  ASSERT_EQ(with.slots.size(), without.slots.size());
  const std::vector<int> free = uncertain_slots(with);
  // Only the initiative's effect value is drawn as written (what `factors: scenario` studies).
  ASSERT_EQ(free.size(), 1u);
  EXPECT_EQ(with.slots[free[0]].path,
            "initiatives.billing_fix.effects.touchpoints.billing.failure_rate");
  for (int r = 0; r < 50; ++r) {
    const ParameterDraw a = draw_parameters(with, r);
    const ParameterDraw b = draw_parameters(without, r);
    for (const int i : free) EXPECT_EQ(a.values[i], b.values[i]) << with.slots[i].path;
  }
}

TEST(PosteriorDraws, WithoutAPosteriorDrawsAreThoseOfTheSlotStreams) {
  // The draws of a scenario without the key are what they were before it existed: each slot
  // from Stream(seed, path hash, replication, 0, parameters), no particle, no heterogeneity.
  const Scenario sc = base();
  EXPECT_FALSE(sc.posterior);
  std::vector<std::string> paths;
  for (const int i : uncertain_slots(sc)) paths.push_back(sc.slots[i].path);
  EXPECT_EQ(recorded_parameters(sc), paths);
  for (int r = 0; r < 20; ++r) {
    const ParameterDraw d = draw_parameters(sc, r);
    EXPECT_EQ(d.particle, -1);
    EXPECT_TRUE(d.heterogeneity.empty());
    for (std::size_t i = 0; i < sc.slots.size(); ++i) {
      const Slot& slot = sc.slots[i];
      if (slot.value.is_constant()) {
        EXPECT_EQ(d.values[i], slot.value.a);
        continue;
      }
      Stream stream(sc.seed, path_hash(slot.path), static_cast<std::uint32_t>(r), 0,
                    Purpose::parameters);
      double x = slot.value.sample(stream);
      clamp_to_bounds(slot, x);
      EXPECT_EQ(d.values[i], x) << slot.path;
    }
  }
}

}  // namespace
}  // namespace cxsim
