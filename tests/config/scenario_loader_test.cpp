// Loading valid scenarios: slots, structure, initiatives, extends, --set and targets.
#include "config/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include <filesystem>
#include <fstream>

#include "engine/core/errors.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

using testing::kExample;
using testing::kMinimal;

Scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
  try {
    return load_scenario_text(text, "test.yaml", LoadOptions{sets});
  } catch (const ScenarioError& e) {
    ADD_FAILURE() << e.what();
    throw;
  }
}

TEST(ScenarioLoader, ExampleStructure) {
  const Scenario sc = load(kExample);
  EXPECT_EQ(sc.name, "telecom_postpaid");
  EXPECT_EQ(sc.horizon_months, 36);
  EXPECT_EQ(sc.replications, 200);
  EXPECT_EQ(sc.seed, 20261122u);
  EXPECT_EQ(sc.agents, 100000);
  EXPECT_DOUBLE_EQ(sc.population, 2000000);
  EXPECT_DOUBLE_EQ(sc.agent_weight(), 20);
  EXPECT_EQ(sc.terminal_value, TerminalValue::customer_equity);
  EXPECT_EQ(sc.network.type, NetworkType::small_world);
  EXPECT_EQ(sc.network.mean_degree, 10);
  EXPECT_DOUBLE_EQ(sc.network.rewire_probability, 0.1);
  EXPECT_TRUE(sc.network.per_replication);
  EXPECT_EQ(sc.change_capacity, 2);
  EXPECT_TRUE(sc.zero_defect_counterfactual);
  ASSERT_EQ(sc.segments.size(), 2u);
  EXPECT_EQ(sc.segments[0].name, "consumer");
  EXPECT_DOUBLE_EQ(sc.segments[0].share, 0.85);
  EXPECT_DOUBLE_EQ(sc.segments[1].initial_penetration, 0.25);
  EXPECT_FALSE(sc.segments[0].transactional);
  EXPECT_TRUE(sc.segments[1].transactional);
  ASSERT_EQ(sc.touchpoints.size(), 2u);
  EXPECT_EQ(sc.touchpoints[1].name, "app");
  ASSERT_EQ(sc.roadmaps.size(), 3u);
  EXPECT_EQ(sc.baseline, 0);
  EXPECT_FALSE(sc.resolved_yaml.empty());
}

TEST(ScenarioLoader, ExampleModelSlots) {
  const Scenario sc = load(kExample);
  EXPECT_EQ(sc.layout.segments(), 2);
  EXPECT_EQ(sc.layout.touchpoints(), 2);
  // Globals, segments, touchpoints with contacts by segment, in layout order.
  EXPECT_EQ(sc.slots[sc.layout.global(GlobalParam::memory)].path, "satisfaction.memory");
  EXPECT_EQ(sc.slots[sc.layout.segment(0, SegmentParam::price)].path,
            "segments.consumer.revenue.price");
  EXPECT_DOUBLE_EQ(sc.slot(0, SegmentParam::price).value.a, 45.0);
  EXPECT_DOUBLE_EQ(sc.slot(1, SegmentParam::price).value.a, 120.0);
  EXPECT_DOUBLE_EQ(sc.slot(1, SegmentParam::purchases_per_month).value.a, 1.5);
  EXPECT_DOUBLE_EQ(sc.slot(0, SegmentParam::purchases_per_month).value.a, 1.0);  // default
  EXPECT_DOUBLE_EQ(sc.slot(1, SegmentParam::performance_sd).value.a, 1.0);       // default
  EXPECT_DOUBLE_EQ(sc.slot(1, SegmentParam::expectation_sd).value.a, 1.0);
  const Slot& churn = sc.slot(1, SegmentParam::baseline_churn_monthly);
  EXPECT_EQ(churn.value.kind, DistributionKind::normal);
  EXPECT_DOUBLE_EQ(churn.value.a, 0.01);
  EXPECT_DOUBLE_EQ(churn.value.b, 0.002);
  EXPECT_DOUBLE_EQ(churn.lo, 0);
  EXPECT_DOUBLE_EQ(churn.hi, 1);
  EXPECT_TRUE(churn.hi_exclusive);
  EXPECT_TRUE(churn.target_ok);
  EXPECT_FALSE(sc.slot(0, SegmentParam::satisfaction_mean).target_ok);
  EXPECT_EQ(sc.slots[sc.layout.contacts(0, 1)].path,
            "touchpoints.billing.contacts_per_month.business");
  EXPECT_DOUBLE_EQ(sc.slots[sc.layout.contacts(0, 0)].value.a, 0.25);
  EXPECT_DOUBLE_EQ(sc.slots[sc.layout.contacts(0, 1)].value.a, 0.6);
  EXPECT_DOUBLE_EQ(sc.slots[sc.layout.contacts(1, 0)].value.a, 1.5);  // one number: all segments
  EXPECT_DOUBLE_EQ(sc.slots[sc.layout.contacts(1, 1)].value.a, 1.5);
  EXPECT_EQ(sc.slot(1, TouchpointParam::failure_rate).value.kind, DistributionKind::beta);
  EXPECT_DOUBLE_EQ(sc.slot(1, TouchpointParam::recovery_rate).value.a, 0.0);
  EXPECT_DOUBLE_EQ(sc.slot(GlobalParam::discount_rate_annual).value.a, 0.10);
  for (int i = 0; i < sc.layout.model_count(); ++i) EXPECT_FALSE(sc.slots[i].path.empty()) << i;
}

TEST(ScenarioLoader, ExampleInitiativesShareLibrarySlots) {
  const Scenario sc = load(kExample);
  const Roadmap& fix = sc.roadmaps[1];
  const Roadmap& app = sc.roadmaps[2];
  ASSERT_EQ(fix.initiatives.size(), 1u);
  ASSERT_EQ(app.initiatives.size(), 2u);
  const Initiative& a = fix.initiatives[0];
  EXPECT_EQ(a.name, "billing_fix");
  EXPECT_EQ(a.start_month, 1);
  EXPECT_EQ(a.ramp_months, 6);
  EXPECT_EQ(a.end_month, 0);
  EXPECT_EQ(a.capex_months, 6);
  EXPECT_EQ(sc.slots[a.capex_slot].path, "initiatives.billing_fix.capex");
  EXPECT_DOUBLE_EQ(sc.slots[a.capex_slot].value.a, 1500000);
  EXPECT_DOUBLE_EQ(sc.slots[a.capex_slot].lo, 0);
  EXPECT_DOUBLE_EQ(sc.slots[a.opex_slot].value.a, 20000);
  ASSERT_EQ(a.effects.size(), 1u);
  EXPECT_EQ(a.effects[0].op, EffectOp::multiply);
  EXPECT_EQ(a.effects[0].slots,
            std::vector<int>{sc.layout.touchpoint(0, TouchpointParam::failure_rate)});
  EXPECT_EQ(sc.slots[a.effects[0].value_slot].path,
            "initiatives.billing_fix.effects.touchpoints.billing.failure_rate");
  EXPECT_EQ(sc.slots[a.effects[0].value_slot].value.kind, DistributionKind::triangular);

  const Initiative& b = app.initiatives[1];
  EXPECT_EQ(b.name, "billing_fix");
  EXPECT_EQ(b.start_month, 13);
  // Not overridden: the same draw as in fix_billing_first.
  EXPECT_EQ(b.opex_slot, a.opex_slot);
  EXPECT_EQ(b.effects[0].value_slot, a.effects[0].value_slot);
  // Overridden capex: its own slot, a plain total spent in one month.
  EXPECT_NE(b.capex_slot, a.capex_slot);
  EXPECT_EQ(sc.slots[b.capex_slot].path, "roadmaps.app_then_billing.billing_fix.capex");
  EXPECT_DOUBLE_EQ(sc.slots[b.capex_slot].value.a, 2000000);
  EXPECT_EQ(b.capex_months, 1);

  const Initiative& r = app.initiatives[0];
  EXPECT_EQ(r.name, "app_revamp");
  EXPECT_EQ(r.start_month, 3);
  EXPECT_EQ(r.end_month, 30);
  EXPECT_DOUBLE_EQ(sc.slots[r.opex_slot].value.a, 0);  // absent: 0
  ASSERT_EQ(r.effects.size(), 3u);
  // touchpoints.*.recovery_rate: both touchpoints.
  EXPECT_EQ(r.effects[0].slots,
            (std::vector<int>{sc.layout.touchpoint(0, TouchpointParam::recovery_rate),
                              sc.layout.touchpoint(1, TouchpointParam::recovery_rate)}));
  EXPECT_EQ(r.effects[0].op, EffectOp::add);
  // A per-segment map path covers every segment.
  EXPECT_EQ(r.effects[1].slots,
            (std::vector<int>{sc.layout.contacts(1, 0), sc.layout.contacts(1, 1)}));
  EXPECT_EQ(r.effects[2].slots, (std::vector<int>{sc.layout.segment(0, SegmentParam::innovation),
                                                  sc.layout.segment(1, SegmentParam::innovation)}));
  EXPECT_EQ(r.effects[2].op, EffectOp::set);
  EXPECT_EQ(r.effects[2].target, "segments.*.adoption.innovation");
  // Model slots, then initiative slots; initiative slots bounded by the money bound.
  for (std::size_t i = static_cast<std::size_t>(sc.layout.model_count()); i < sc.slots.size();
       ++i) {
    EXPECT_EQ(sc.slots[i].hi, kMaxMoney);
    EXPECT_FALSE(sc.slots[i].target_ok);
  }
  // Every slot, model or initiative, has finite bounds: no draw or effect leaves them.
  for (const Slot& slot : sc.slots) {
    EXPECT_TRUE(std::isfinite(slot.lo) && std::isfinite(slot.hi)) << slot.path;
  }
}

TEST(ScenarioLoader, MinimalDefaults) {
  const Scenario sc = load(kMinimal);
  EXPECT_EQ(sc.replications, 100);
  EXPECT_EQ(sc.seed, 1u);
  EXPECT_EQ(sc.description, "");
  EXPECT_EQ(sc.terminal_value, TerminalValue::customer_equity_net);
  EXPECT_EQ(sc.network.type, NetworkType::none);
  EXPECT_EQ(sc.network.mean_degree, 10);
  EXPECT_EQ(sc.change_capacity, 0);
  EXPECT_FALSE(sc.zero_defect_counterfactual);
  ASSERT_EQ(sc.roadmaps.size(), 1u);
  EXPECT_EQ(sc.roadmaps[0].name, "baseline");
  EXPECT_TRUE(sc.roadmaps[0].initiatives.empty());
  EXPECT_EQ(static_cast<int>(sc.slots.size()), sc.layout.model_count());
  EXPECT_DOUBLE_EQ(sc.slot(GlobalParam::memory).value.a, 0.3);
  EXPECT_DOUBLE_EQ(sc.slot(GlobalParam::churn_competitor).value.a, 1.0);
}

TEST(ScenarioLoader, EffectsResolveWithoutTouchpoints) {
  // With no touchpoints key, effects on segment and global parameters must still name their
  // slots (they were once left empty, so the initiative silently did nothing).
  const Scenario sc =
      load(kMinimal +
           "initiatives:\n"
           "  - name: better\n"
           "    effects:\n"
           "      - {target: segments.consumer.performance, op: add, value: 1}\n"
           "      - {target: churn.price, op: multiply, value: 2}\n"
           "roadmaps:\n  - name: baseline\n  - name: b\n    initiatives: [better]\n");
  ASSERT_EQ(sc.roadmaps.size(), 2u);
  ASSERT_EQ(sc.roadmaps[1].initiatives.size(), 1u);
  const auto& effects = sc.roadmaps[1].initiatives[0].effects;
  ASSERT_EQ(effects.size(), 2u);
  EXPECT_EQ(effects[0].slots, std::vector<int>{sc.layout.segment(0, SegmentParam::performance)});
  EXPECT_EQ(effects[1].slots, std::vector<int>{sc.layout.global(GlobalParam::churn_price)});
}

TEST(ScenarioLoader, BaselineIsTheRoadmapNamedBaseline) {
  const Scenario sc = load(kMinimal + "roadmaps:\n  - name: first\n  - name: baseline\n");
  EXPECT_EQ(sc.baseline, 1);
  const Scenario sc2 = load(kMinimal + "roadmaps:\n  - name: first\n  - name: second\n");
  EXPECT_EQ(sc2.baseline, 0);
}

TEST(ScenarioLoader, HeterogeneityAndFloatAgents) {
  std::string text = kMinimal;
  text.replace(text.find("agents: 1000"), 12, "agents: 1.0e3");
  text += "    heterogeneity: {baseline_churn_monthly: {beta: [0.668, 3.806]}}\n";
  const Scenario sc = load(text);
  EXPECT_EQ(sc.agents, 1000);
  ASSERT_TRUE(sc.segments[0].churn_heterogeneity.has_value());
  EXPECT_EQ(sc.segments[0].churn_heterogeneity->kind, DistributionKind::beta);
  EXPECT_DOUBLE_EQ(sc.segments[0].churn_heterogeneity->a, 0.668);
}

TEST(ScenarioLoader, SetOverrides) {
  const Scenario sc =
      load(kExample,
           {"segments.consumer.revenue.price=50", "replications=20", "market.network.type=ring",
            "seed=7", "touchpoints.billing.failure_rate={normal: [0.05, 0.01]}",
            "roadmaps.app_then_billing.initiatives.app_revamp.ramp_months=4"});
  EXPECT_DOUBLE_EQ(sc.slot(0, SegmentParam::price).value.a, 50);
  EXPECT_EQ(sc.replications, 20);
  EXPECT_EQ(sc.network.type, NetworkType::ring);
  EXPECT_EQ(sc.seed, 7u);
  EXPECT_EQ(sc.slot(0, TouchpointParam::failure_rate).value.kind, DistributionKind::normal);
  EXPECT_EQ(sc.roadmaps[2].initiatives[0].ramp_months, 4);
  EXPECT_NE(sc.resolved_yaml.find("type: ring"), std::string::npos);
}

TEST(ScenarioLoader, SetOfAbsentKeyUsesTheKnownPath) {
  const Scenario sc = load(kMinimal, {"organization.change_capacity=3"});
  EXPECT_EQ(sc.change_capacity, 3);
}

TEST(ScenarioLoader, SetUnknownPathIsAnError) {
  try {
    load_scenario_text(kMinimal, "test.yaml", LoadOptions{{"segments.consumer.revenue.prise=50"}});
    FAIL() << "expected ScenarioError";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].path, "segments.consumer.revenue.prise");
    EXPECT_NE(e.diagnostics()[0].message.find("did you mean 'price'"), std::string::npos);
    EXPECT_NE(e.diagnostics()[0].file.find("--set"), std::string::npos);
  }
  EXPECT_THROW(load_scenario_text(kMinimal, "t", LoadOptions{{"segments.retail.share=1"}}),
               ScenarioError);
  EXPECT_THROW(load_scenario_text(kMinimal, "t", LoadOptions{{"no_equals_sign"}}), ScenarioError);
}

class ExtendsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cxsim_extends_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "sub");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(ExtendsTest, LayersMergeMapsAndNamedLists) {
  write("base.yaml", kExample);
  write("sub/middle.yaml",
        "extends: ../base.yaml\n"
        "horizon_months: 48\n"
        "segments:\n"
        "  - name: consumer\n"
        "    revenue: {price: 50}\n");
  const std::string top = write("top.yaml",
                                "extends: sub/middle.yaml\n"
                                "name: variant\n"
                                "market: {network: {type: ring}}\n"
                                "touchpoints:\n"
                                "  - name: shop\n"
                                "    contacts_per_month: 0.1\n"
                                "    failure_rate: 0.02\n");
  const Scenario sc = load_scenario(top);
  EXPECT_EQ(sc.name, "variant");
  EXPECT_EQ(sc.horizon_months, 48);
  EXPECT_EQ(sc.network.type, NetworkType::ring);
  EXPECT_EQ(sc.network.mean_degree, 10);  // from the base
  ASSERT_EQ(sc.segments.size(), 2u);
  EXPECT_DOUBLE_EQ(sc.slot(0, SegmentParam::price).value.a, 50);
  EXPECT_DOUBLE_EQ(sc.slot(0, SegmentParam::variable_cost).value.a, 14);  // kept from the base
  ASSERT_EQ(sc.touchpoints.size(), 3u);  // billing, app, then shop appended
  EXPECT_EQ(sc.touchpoints[2].name, "shop");
  EXPECT_EQ(sc.file, top);
}

TEST_F(ExtendsTest, CycleIsAnErrorNamingTheChain) {
  write("a.yaml", "extends: b.yaml\nname: a\n");
  write("b.yaml", "extends: a.yaml\nname: b\n");
  try {
    load_scenario((dir_ / "a.yaml").string());
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.path, "extends");
    EXPECT_EQ(d.line, 1);
    EXPECT_NE(d.message.find("cycle"), std::string::npos);
    EXPECT_NE(d.message.find("a.yaml -> "), std::string::npos);
    EXPECT_NE(d.message.find("b.yaml"), std::string::npos);
  }
}

TEST_F(ExtendsTest, MissingBaseIsAnError) {
  const std::string top = write("top.yaml", "name: x\nextends: nowhere.yaml\n");
  try {
    load_scenario(top);
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].line, 2);
    EXPECT_NE(e.diagnostics()[0].message.find("cannot read base scenario"), std::string::npos);
    EXPECT_NE(e.diagnostics()[0].message.find("nowhere.yaml"), std::string::npos);
  }
}

TEST_F(ExtendsTest, ErrorsInTheBasePointAtTheBaseFile) {
  std::string bad = kMinimal;
  bad.replace(bad.find("share: 1"), 8, "shar: 1");
  const std::string base = write("base.yaml", bad);
  const std::string top = write("top.yaml", "extends: base.yaml\nname: child\n");
  try {
    load_scenario(top);
    FAIL();
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& d : e.diagnostics()) {
      if (d.path == "segments.consumer.shar") {
        found = true;
        EXPECT_EQ(d.file, base);
        EXPECT_EQ(d.line, 8);
      }
    }
    EXPECT_TRUE(found) << e.what();
  }
}

// A base that is not a scenario at all (empty, a device, a syntax error) is reported at the
// `extends` line of the file that names it, then in the base itself.
TEST_F(ExtendsTest, AnUnusableBaseNamesTheFileThatExtendsIt) {
  write("empty.yaml", "");
  write("broken.yaml", "name: [unclosed\n");
  struct Case {
    std::string base;
    std::string words;
    std::size_t diagnostics;
  };
  for (const Case& c : std::vector<Case>{
           {"empty.yaml", "got 1 error in it", 2},
           {"broken.yaml", "got 1 error in it", 2},
           {"/dev/null", "not a regular file (got a character device", 1},
           {"sub", "not a regular file (got a directory", 1},
       }) {
    const std::string top = write("top.yaml", "name: x\nextends: " + c.base + "\n");
    try {
      load_scenario(top);
      FAIL() << c.base;
    } catch (const ScenarioError& e) {
      ASSERT_EQ(e.diagnostics().size(), c.diagnostics) << e.what();
      const Diagnostic& d = e.diagnostics()[0];
      EXPECT_EQ(d.file, top) << e.what();
      EXPECT_EQ(d.line, 2) << e.what();
      EXPECT_EQ(d.path, "extends") << e.what();
      EXPECT_NE(d.message.find(c.words), std::string::npos) << e.what();
    }
  }
}

// A scenario that cannot be read is bad input like any other (exit code 2), with the reason.
TEST(ScenarioLoader, MissingFileIsAScenarioErrorWithTheReason) {
  try {
    load_scenario("/nonexistent/dir/scenario.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, "/nonexistent/dir/scenario.yaml");
    EXPECT_NE(e.diagnostics()[0].message.find("No such file or directory"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cxsim
