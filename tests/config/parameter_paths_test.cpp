// config/parameter_paths: the names of uncertain numbers, and factor patterns matched against a
// loaded scenario's slots.
#include "config/parameter_paths.hpp"

#include <gtest/gtest.h>

#include "config/scenario_loader.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

using testing::kExample;
using testing::kMinimal;
using Paths = std::vector<std::string>;

Scenario example() {
  return load_scenario_text(kExample, "test.yaml");
}

TEST(ParameterPaths, NamesOfNumbersWithoutAKeyOfTheirOwn) {
  EXPECT_EQ(effect_slot_path("digital_app", "touchpoints.app.failure_rate", 1),
            "initiatives.digital_app.effects.touchpoints.app.failure_rate");
  EXPECT_EQ(effect_slot_path("digital_app", "touchpoints.app.failure_rate", 2),
            "initiatives.digital_app.effects.touchpoints.app.failure_rate#2");
  EXPECT_EQ(roadmap_override_path("phased", "digital_app", "capex"),
            "roadmaps.phased.digital_app.capex");
  EXPECT_EQ(heterogeneity_path("regular"), "segments.regular.heterogeneity.baseline_churn_monthly");
}

TEST(ParameterPaths, SplitsTheDistributionParameterForm) {
  const auto p =
      split_distribution_parameter("segments.regular.heterogeneity.baseline_churn_monthly.beta.1");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->path, "segments.regular.heterogeneity.baseline_churn_monthly");
  EXPECT_EQ(p->kind, DistributionKind::beta);
  EXPECT_EQ(p->index, 1);
  const auto t = split_distribution_parameter(
      "initiatives.x.effects.touchpoints.*.failure_rate#2.triangular.2");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "initiatives.x.effects.touchpoints.*.failure_rate#2");
  EXPECT_EQ(t->kind, DistributionKind::triangular);
  EXPECT_EQ(t->index, 2);
  for (const char* not_one : {"touchpoints.billing.failure_rate", "beta.1", "x.beta.one",
                              "x.constant.0", "x.beta.", "x.beta.-1", "x.gamma.0"}) {
    EXPECT_FALSE(split_distribution_parameter(not_one).has_value()) << not_one;
  }
  EXPECT_EQ(distribution_arity(DistributionKind::triangular), 3);
  EXPECT_EQ(distribution_arity(DistributionKind::constant), 0);
  EXPECT_EQ(distribution_parameter_names(DistributionKind::lognormal), "[mu, sigma]");
}

TEST(ParameterPaths, FindSlotIsAnExactMatch) {
  const Scenario sc = example();
  const std::optional<int> i = find_slot(sc, "touchpoints.app.failure_rate");
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(*i, sc.layout.touchpoint(1, TouchpointParam::failure_rate));
  EXPECT_FALSE(find_slot(sc, "touchpoints.*.failure_rate").has_value());
  EXPECT_FALSE(find_slot(sc, "touchpoints.app").has_value());
  EXPECT_FALSE(find_slot(sc, "touchpoints.app.failure_rate.beta.0").has_value());
}

TEST(ParameterPaths, EverySlotPathNamesItselfAlone) {
  const Scenario sc = example();
  for (const Slot& s : sc.slots) {
    EXPECT_EQ(expand_parameter_pattern(sc, s.path), Paths{s.path}) << s.path;
    EXPECT_EQ(pattern_mismatch(sc, s.path), "");
  }
}

TEST(ParameterPaths, AStarMatchesExactlyOneComponentInSlotOrder) {
  const Scenario sc = example();
  EXPECT_EQ(expand_parameter_pattern(sc, "touchpoints.*.failure_rate"),
            (Paths{"touchpoints.billing.failure_rate", "touchpoints.app.failure_rate"}));
  EXPECT_EQ(
      expand_parameter_pattern(sc, "segments.*.adoption.innovation"),
      (Paths{"segments.consumer.adoption.innovation", "segments.business.adoption.innovation"}));
  EXPECT_EQ(expand_parameter_pattern(sc, "touchpoints.app.contacts_per_month.*"),
            (Paths{"touchpoints.app.contacts_per_month.consumer",
                   "touchpoints.app.contacts_per_month.business"}));
  EXPECT_EQ(expand_parameter_pattern(sc, "initiatives.*.capex"),
            (Paths{"initiatives.billing_fix.capex", "initiatives.app_revamp.capex"}));
  EXPECT_EQ(expand_parameter_pattern(sc, "roadmaps.*.*.capex"),
            (Paths{"roadmaps.app_then_billing.billing_fix.capex"}));
  // One component, never several: segments.*.satisfaction stops short of .mean / .sd.
  EXPECT_TRUE(expand_parameter_pattern(sc, "segments.*.satisfaction").empty());
  EXPECT_EQ(expand_parameter_pattern(sc, "*.satisfaction"), (Paths{"churn.satisfaction"}));
}

TEST(ParameterPaths, ASlotWhoseTargetHoldsAStarIsNamedByItsOwnPath) {
  const Scenario sc = example();
  const std::string path = "initiatives.app_revamp.effects.touchpoints.*.recovery_rate";
  EXPECT_EQ(expand_parameter_pattern(sc, path), Paths{path});
  EXPECT_EQ(expand_parameter_pattern(sc, "initiatives.app_revamp.effects.touchpoints.*.*"),
            (Paths{path, "initiatives.app_revamp.effects.touchpoints.app.contacts_per_month"}));
}

TEST(ParameterPaths, ADistributionParameterPatternKeepsSlotsOfThatKind) {
  const Scenario sc = example();
  EXPECT_EQ(expand_parameter_pattern(sc, "touchpoints.*.failure_rate.beta.1"),
            Paths{"touchpoints.app.failure_rate.beta.1"});
  EXPECT_EQ(expand_parameter_pattern(sc, "initiatives.*.effects.*.*.*.triangular.0"),
            Paths{"initiatives.billing_fix.effects.touchpoints.billing.failure_rate.triangular.0"});
  EXPECT_EQ(expand_parameter_pattern(sc, "segments.business.baseline_churn_monthly.normal.1"),
            Paths{"segments.business.baseline_churn_monthly.normal.1"});
  EXPECT_TRUE(expand_parameter_pattern(sc, "touchpoints.*.failure_rate.beta.2").empty());
}

TEST(ParameterPaths, HeterogeneityIsNamedThroughItsParameters) {
  const Scenario sc = load_scenario_text(
      kMinimal + "    heterogeneity: {baseline_churn_monthly: {beta: [3, 297]}}\n", "test.yaml");
  const std::string het = "segments.consumer.heterogeneity.baseline_churn_monthly";
  EXPECT_EQ(expand_parameter_pattern(sc, "segments.*.heterogeneity.baseline_churn_monthly.beta.1"),
            Paths{het + ".beta.1"});
  EXPECT_EQ(expand_parameter_pattern(sc, het + ".beta.0"), Paths{het + ".beta.0"});
  EXPECT_TRUE(expand_parameter_pattern(sc, het).empty());
  EXPECT_EQ(pattern_mismatch(sc, het),
            "a per-agent distribution is not one number (got '" + het +
                "', written as {beta: [3, 297]}; expected one of its parameters, " + het +
                ".beta.0 to " + het + ".beta.1)");
}

TEST(ParameterPaths, MismatchesSayWhatWasFoundAndWhatIsAllowed) {
  const Scenario sc = example();
  EXPECT_EQ(pattern_mismatch(sc, "touchpoints.billing.failure_rat"),
            "names no parameter (got 'touchpoints.billing.failure_rat' (did you mean "
            "'touchpoints.billing.failure_rate'?); expected a slot path such as "
            "touchpoints.<name>.failure_rate, initiatives.<name>.effects.<target> or "
            "roadmaps.<roadmap>.<initiative>.capex, with `*` for one component, optionally "
            "followed by .<kind>.<index>)");
  EXPECT_EQ(pattern_mismatch(sc, "touchpoints.billing.failure_rate.beta.0"),
            "not a distribution (got 0.06 at touchpoints.billing.failure_rate; expected a key "
            "written as {beta: [a, b]} to name its parameter beta.0)");
  const std::string effect = "initiatives.billing_fix.effects.touchpoints.billing.failure_rate";
  EXPECT_EQ(pattern_mismatch(sc, effect + ".beta.1"),
            "distribution kind mismatch (got {triangular: [0.4, 0.55, 0.8]} at " + effect +
                "; expected beta.1 only where the key is written as {beta: [a, b]}; this one takes "
                "triangular.0 to triangular.2)");
  EXPECT_EQ(pattern_mismatch(sc, effect + ".triangular.3"),
            "distribution parameter index out of range (got triangular.3 at " + effect +
                ", written as {triangular: [0.4, 0.55, 0.8]}; expected an index from 0 to 2 into "
                "triangular [lo, mode, hi])");
}

}  // namespace
}  // namespace cxsim
