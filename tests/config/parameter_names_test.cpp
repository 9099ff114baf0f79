// The names of a scenario's uncertain numbers (EXPERIMENTS.md) and --set with exactly those
// names: every slot of every bundled scenario can be set alone, effects by target (#2 for a
// repeat), roadmap overrides by initiative, capex {total, months} by its total, and one parameter
// of a written distribution by <path>.<kind>.<index>.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "config/parameter_paths.hpp"
#include "config/scenario_loader.hpp"
#include "config/yaml_merge.hpp"
#include "engine/core/errors.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

using testing::kExample;
using testing::kMinimal;

const char* const kBundled[] = {"telecom", "banking", "retail_transactional"};

std::string scenario_file(const std::string& name) {
  return std::string(CXSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

// The bundled scenarios and the validation cases.
std::vector<std::string> every_scenario_file() {
  std::vector<std::string> out;
  for (const char* name : kBundled) out.push_back(scenario_file(name));
  std::vector<std::string> cases;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CXSIM_SOURCE_DIR) +
                                                           "/scenarios/validation")) {
    if (e.path().extension() == ".yaml") cases.push_back(e.path().string());
  }
  std::sort(cases.begin(), cases.end());
  out.insert(out.end(), cases.begin(), cases.end());
  return out;
}

bool same_slot(const Slot& a, const Slot& b) {
  return a.path == b.path && a.value.kind == b.value.kind && a.value.a == b.value.a &&
         a.value.b == b.value.b && a.value.c == b.value.c && a.lo == b.lo && a.hi == b.hi &&
         a.hi_exclusive == b.hi_exclusive && a.target_ok == b.target_ok;
}

// The indices of the slots that differ (the slot lists must have the same paths).
std::vector<int> changed_slots(const Scenario& a, const Scenario& b) {
  std::vector<int> out;
  EXPECT_EQ(a.slots.size(), b.slots.size());
  for (std::size_t i = 0; i < std::min(a.slots.size(), b.slots.size()); ++i) {
    if (!same_slot(a.slots[i], b.slots[i])) out.push_back(static_cast<int>(i));
  }
  return out;
}

// A constant other than the slot's value, within its bounds.
double other_value(const Slot& s) {
  if (!s.value.is_constant()) return std::clamp(s.value.mean(), s.lo, s.hi);
  const double v = s.value.a;
  for (const double x : {v * 0.9, v * 1.1, v + 0.01, v - 0.01, 0.5 * (v + s.lo)}) {
    if (x != v && x >= s.lo && (s.hi_exclusive ? x < s.hi : x <= s.hi)) return x;
  }
  ADD_FAILURE() << "no other value for " << s.path;
  return v;
}

std::vector<Diagnostic> load_errors(const std::string& text, const std::vector<std::string>& sets) {
  try {
    load_scenario_text(text, "test.yaml", LoadOptions{sets});
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

const Slot& slot_named(const Scenario& sc, const std::string& path) {
  const std::optional<int> i = find_slot(sc, path);
  if (!i) throw std::invalid_argument("no slot " + path);
  return sc.slots[static_cast<std::size_t>(*i)];
}

// The model slots, in layout order, are the YAML paths of their keys.
std::vector<std::string> model_paths(const Scenario& sc) {
  std::vector<std::string> out(static_cast<std::size_t>(sc.layout.model_count()));
  for (int g = 0; g < ParamLayout::kGlobals; ++g) {
    out[static_cast<std::size_t>(sc.layout.global(static_cast<GlobalParam>(g)))] =
        std::string(global_params()[static_cast<std::size_t>(g)].key);
  }
  for (int s = 0; s < sc.layout.segments(); ++s) {
    for (int j = 0; j < ParamLayout::kPerSegment; ++j) {
      out[static_cast<std::size_t>(sc.layout.segment(s, static_cast<SegmentParam>(j)))] =
          "segments." + sc.segments[static_cast<std::size_t>(s)].name + "." +
          std::string(segment_params()[static_cast<std::size_t>(j)].key);
    }
  }
  for (int k = 0; k < sc.layout.touchpoints(); ++k) {
    const std::string prefix = "touchpoints." + sc.touchpoints[static_cast<std::size_t>(k)].name;
    for (int j = 0; j < ParamLayout::kPerTouchpointFixed; ++j) {
      out[static_cast<std::size_t>(sc.layout.touchpoint(k, static_cast<TouchpointParam>(j)))] =
          prefix + "." + std::string(touchpoint_params()[static_cast<std::size_t>(j)].key);
    }
    for (int s = 0; s < sc.layout.segments(); ++s) {
      out[static_cast<std::size_t>(sc.layout.contacts(k, s))] =
          prefix + ".contacts_per_month." + sc.segments[static_cast<std::size_t>(s)].name;
    }
  }
  return out;
}

TEST(ParameterNames, EverySlotOfEveryScenarioHasItsExperimentsName) {
  const std::regex initiative_key(
      R"(initiatives\.[A-Za-z0-9_-]+\.(capex|opex_per_month|sustaining_opex_per_month))");
  const std::regex effect(
      R"(initiatives\.[A-Za-z0-9_-]+\.effects\.(segments|touchpoints)\.[A-Za-z0-9_*.-]+(#[2-9][0-9]*)?)");
  const std::regex override(
      R"(roadmaps\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.(capex|opex_per_month|sustaining_opex_per_month))");
  for (const std::string& file : every_scenario_file()) {
    SCOPED_TRACE(file);
    const Scenario sc = load_scenario(file);
    const std::vector<std::string> model = model_paths(sc);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < sc.slots.size(); ++i) {
      const std::string& path = sc.slots[i].path;
      EXPECT_TRUE(seen.insert(path).second) << "twice: " << path;
      EXPECT_EQ(path.find('['), std::string::npos) << path;
      if (i < model.size()) {
        EXPECT_EQ(path, model[i]);
      } else {
        EXPECT_TRUE(std::regex_match(path, initiative_key) || std::regex_match(path, effect) ||
                    std::regex_match(path, override))
            << path;
      }
    }
    // Each effect's value is named by its initiative and target.
    for (const Roadmap& r : sc.roadmaps) {
      for (const Initiative& init : r.initiatives) {
        for (const Effect& e : init.effects) {
          const std::string& path = sc.slots[static_cast<std::size_t>(e.value_slot)].path;
          EXPECT_EQ(path.rfind("initiatives." + init.name + ".effects." + e.target, 0), 0u) << path;
        }
      }
    }
  }
}

TEST(ParameterNames, TelecomNamesAsInTheContract) {
  const Scenario sc = load_scenario(scenario_file("telecom"));
  for (const char* path : {"initiatives.digital_app.effects.touchpoints.app.failure_rate",
                           "initiatives.closed_loop.effects.touchpoints.*.recovered_severity",
                           "initiatives.billing_fix.capex", "initiatives.fcr_programme.capex",
                           "touchpoints.billing.contacts_per_month.consumer",
                           "segments.consumer.baseline_churn_monthly", "churn.satisfaction"}) {
    EXPECT_TRUE(find_slot(sc, path).has_value()) << path;
  }
}

TEST(SetEverySlot, ADifferentConstantChangesThatSlotAlone) {
  for (const char* name : kBundled) {
    const std::string file = scenario_file(name);
    const Scenario base = load_scenario(file);
    for (std::size_t i = 0; i < base.slots.size(); ++i) {
      const Slot& s = base.slots[i];
      const std::string set = s.path + "=" + Distribution::constant(other_value(s)).to_yaml();
      SCOPED_TRACE(std::string(name) + ": --set " + set);
      try {
        const Scenario changed = load_scenario(file, LoadOptions{{set}});
        EXPECT_EQ(changed_slots(base, changed), std::vector<int>{static_cast<int>(i)});
      } catch (const ScenarioError& e) {
        ADD_FAILURE() << e.diagnostics()[0].format();
      }
    }
  }
}

TEST(SetEverySlot, ItsOwnValueWrittenBackReproducesTheScenario) {
  for (const char* name : kBundled) {
    const std::string file = scenario_file(name);
    const Scenario base = load_scenario(file);
    for (const Slot& s : base.slots) {
      const std::string set = s.path + "=" + s.value.to_yaml();
      SCOPED_TRACE(std::string(name) + ": --set " + set);
      try {
        const Scenario again = load_scenario(file, LoadOptions{{set}});
        EXPECT_TRUE(changed_slots(base, again).empty());
      } catch (const ScenarioError& e) {
        ADD_FAILURE() << e.diagnostics()[0].format();
      }
    }
  }
}

// kExample with a second effect on billing's failure rate in billing_fix.
std::string with_repeated_effect() {
  std::string text = kExample;
  const std::string line =
      "      - {target: touchpoints.billing.failure_rate, op: multiply, value: {triangular: "
      "[0.4, 0.55, 0.8]}}\n";
  const std::size_t at = text.find(line);
  EXPECT_NE(at, std::string::npos);
  text.insert(at + line.size(),
              "      - {target: touchpoints.billing.failure_rate, op: add, value: -0.01}\n");
  return text;
}

TEST(EffectNames, ARepeatedTargetIsNamedWithHashTwo) {
  const std::string text = with_repeated_effect();
  const Scenario sc = load_scenario_text(text, "test.yaml");
  const std::string first = "initiatives.billing_fix.effects.touchpoints.billing.failure_rate";
  EXPECT_EQ(slot_named(sc, first).value.kind, DistributionKind::triangular);
  EXPECT_EQ(slot_named(sc, first + "#2").value.a, -0.01);

  const Scenario set = load_scenario_text(text, "test.yaml", LoadOptions{{first + "#2=-0.02"}});
  ASSERT_EQ(changed_slots(sc, set), std::vector<int>{*find_slot(sc, first + "#2")});
  EXPECT_EQ(slot_named(set, first + "#2").value.a, -0.02);
  const Scenario set_first = load_scenario_text(text, "test.yaml", LoadOptions{{first + "=0.5"}});
  EXPECT_EQ(changed_slots(sc, set_first), std::vector<int>{*find_slot(sc, first)});

  const std::vector<Diagnostic> d = load_errors(text, {first + "#3=0.5"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].file, "--set " + first + "#3=0.5");
  EXPECT_EQ(d[0].path, first + "#3");
  EXPECT_EQ(d[0].message, "no effect " + first +
                              "#3 in initiatives.billing_fix (got 2 effects on "
                              "touchpoints.billing.failure_rate; expected #2 for the repeat)");
  const std::vector<Diagnostic> once = load_errors(kExample, {first + "#2=0.5"});
  ASSERT_EQ(once.size(), 1u);
  EXPECT_NE(once[0].message.find("got 1 effect on touchpoints.billing.failure_rate; expected the "
                                 "target without #2"),
            std::string::npos)
      << once[0].format();
}

TEST(EffectNames, ATargetWithAStarIsNamedAsWritten) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const std::string path = "initiatives.app_revamp.effects.touchpoints.*.recovery_rate";
  ASSERT_TRUE(find_slot(sc, path).has_value());
  const Scenario set = load_scenario_text(kExample, "test.yaml", LoadOptions{{path + "=0.2"}});
  EXPECT_EQ(changed_slots(sc, set), std::vector<int>{*find_slot(sc, path)});
  EXPECT_EQ(slot_named(set, path).value.a, 0.2);
}

TEST(EffectNames, AnUnknownTargetListsTheInitiativesTargets) {
  const std::vector<Diagnostic> d =
      load_errors(kExample, {"initiatives.billing_fix.effects.touchpoints.app.failure_rate=1"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message,
            "no effect on 'touchpoints.app.failure_rate' in initiatives.billing_fix (got effects "
            "on touchpoints.billing.failure_rate; expected one of those targets as written, #2, #3 "
            "for a repeated one, optionally followed by .<kind>.<index>)");
}

TEST(EffectNames, WhatFollowsTheTargetMustBeReadable) {
  const std::string effect = "initiatives.billing_fix.effects.touchpoints.billing.failure_rate";
  for (const std::string rest : {".triangular.2.x", "[0]", ".weight"}) {
    SCOPED_TRACE(rest);
    const std::vector<Diagnostic> d = load_errors(kExample, {effect + rest + "=1"});
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].message, "nothing to set after the effect " + effect + " (got '" +
                                rest.substr(rest[0] == '.' ? 1 : 0) +
                                "'; expected the target alone for its value, .<kind>.<index> for "
                                "one parameter of it, or .value, .op or .target)");
  }
}

TEST(EffectNames, TheOlderPositionalFormStillSetsTheValue) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const Scenario set = load_scenario_text(
      kExample, "test.yaml", LoadOptions{{"initiatives.app_revamp.effects[1].value=0.8"}});
  const std::string path = "initiatives.app_revamp.effects.touchpoints.app.contacts_per_month";
  EXPECT_EQ(changed_slots(sc, set), std::vector<int>{*find_slot(sc, path)});
  EXPECT_EQ(slot_named(set, path).value.a, 0.8);
  // A key of the effect after its target.
  const Scenario op =
      load_scenario_text(kExample, "test.yaml",
                         LoadOptions{{"initiatives.app_revamp.effects.touchpoints.app."
                                      "contacts_per_month.op=add"}});
  EXPECT_EQ(op.roadmaps[2].initiatives[0].effects[1].op, EffectOp::add);
}

TEST(RoadmapOverrideNames, NamedByRoadmapAndInitiative) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const std::string path = "roadmaps.app_then_billing.billing_fix.capex";
  ASSERT_TRUE(find_slot(sc, path).has_value());
  for (const std::string& set :
       {path + "=3000000", std::string("roadmaps.app_then_billing.initiatives.billing_fix."
                                       "capex=3000000")}) {
    SCOPED_TRACE(set);
    const Scenario s = load_scenario_text(kExample, "test.yaml", LoadOptions{{set}});
    EXPECT_EQ(changed_slots(sc, s), std::vector<int>{*find_slot(sc, path)});
    EXPECT_EQ(slot_named(s, path).value.a, 3e6);
  }
}

TEST(RoadmapOverrideNames, ABareNameInTheRoadmapTakesTheOverride) {
  // app_revamp is a bare name in app_then_billing's list.
  const Scenario s = load_scenario_text(
      kExample, "test.yaml",
      LoadOptions{{"roadmaps.app_then_billing.app_revamp.start_month=5",
                   "roadmaps.fix_billing_first.billing_fix.opex_per_month=25000"}});
  EXPECT_EQ(s.roadmaps[2].initiatives[0].start_month, 5);
  EXPECT_EQ(slot_named(s, "roadmaps.fix_billing_first.billing_fix.opex_per_month").value.a, 25000);
  // Every roadmap that uses billing_fix, the others skipped.
  const Scenario all = load_scenario_text(kExample, "test.yaml",
                                          LoadOptions{{"roadmaps.*.billing_fix.start_month=2"}});
  EXPECT_EQ(all.roadmaps[1].initiatives[0].start_month, 2);
  EXPECT_EQ(all.roadmaps[2].initiatives[1].start_month, 2);
  EXPECT_EQ(all.roadmaps[2].initiatives[0].start_month, 3);  // app_revamp keeps its own
  // Every initiative of one roadmap.
  const Scenario every = load_scenario_text(
      kExample, "test.yaml", LoadOptions{{"roadmaps.app_then_billing.*.start_month=4"}});
  EXPECT_EQ(every.roadmaps[2].initiatives[0].start_month, 4);
  EXPECT_EQ(every.roadmaps[2].initiatives[1].start_month, 4);
  EXPECT_EQ(every.roadmaps[1].initiatives[0].start_month, 1);
}

TEST(RoadmapOverrideNames, AnInitiativeTheRoadmapDoesNotUseIsAnError) {
  const std::vector<Diagnostic> d =
      load_errors(kExample, {"roadmaps.fix_billing_first.app_revamp.capex=1"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "roadmaps.fix_billing_first.app_revamp.capex");
  EXPECT_EQ(d[0].message,
            "no initiative 'app_revamp' in roadmap roadmaps.fix_billing_first (got uses of "
            "billing_fix; expected an initiative the roadmap uses, or a roadmap key: name, "
            "initiatives)");
  // The roadmap's own keys keep their meaning.
  const Scenario renamed = load_scenario_text(
      kExample, "test.yaml", LoadOptions{{"roadmaps.fix_billing_first.name=billing_only"}});
  EXPECT_EQ(renamed.roadmaps[1].name, "billing_only");
}

TEST(CapexNames, ANumberSetsTheTotalAndKeepsTheMonths) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const std::string path = "initiatives.billing_fix.capex";
  const Scenario s = load_scenario_text(kExample, "test.yaml", LoadOptions{{path + "=2000000"}});
  EXPECT_EQ(changed_slots(sc, s), std::vector<int>{*find_slot(sc, path)});
  EXPECT_EQ(slot_named(s, path).value.a, 2e6);
  EXPECT_EQ(s.roadmaps[1].initiatives[0].capex_months, 6);
  const Scenario d = load_scenario_text(
      kExample, "test.yaml", LoadOptions{{path + "={triangular: [1000000, 1500000, 2000000]}"}});
  EXPECT_EQ(slot_named(d, path).value.kind, DistributionKind::triangular);
  EXPECT_EQ(d.roadmaps[1].initiatives[0].capex_months, 6);
  // One of the total's parameters.
  const Scenario p =
      load_scenario_text(kExample, "test.yaml",
                         LoadOptions{{path + "={triangular: [1000000, 1500000, 2000000]}",
                                      path + ".triangular.2=3e6"}});
  EXPECT_EQ(slot_named(p, path).value.c, 3e6);
  EXPECT_EQ(p.roadmaps[1].initiatives[0].capex_months, 6);
  // A mapping of its own replaces the whole.
  const Scenario m = load_scenario_text(kExample, "test.yaml",
                                        LoadOptions{{path + "={total: 900000, months: 3}"}});
  EXPECT_EQ(slot_named(m, path).value.a, 9e5);
  EXPECT_EQ(m.roadmaps[1].initiatives[0].capex_months, 3);
}

TEST(ContactsNames, OneNumberForEverySegmentChangesOnlyTheNamedSegment) {
  // app: contacts_per_month: 1.5 for consumer and business.
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const std::string path = "touchpoints.app.contacts_per_month.business";
  const Scenario s = load_scenario_text(kExample, "test.yaml", LoadOptions{{path + "=2"}});
  EXPECT_EQ(changed_slots(sc, s), std::vector<int>{*find_slot(sc, path)});
  EXPECT_EQ(slot_named(s, "touchpoints.app.contacts_per_month.consumer").value.a, 1.5);
}

// kMinimal with per-agent churn.
std::string heterogeneous() {
  return kMinimal + "    heterogeneity: {baseline_churn_monthly: {beta: [3, 297]}}\n";
}

TEST(DistributionParameterNames, SetsOneParameterOfAHeterogeneityBeta) {
  const Scenario s = load_scenario_text(
      heterogeneous(), "test.yaml",
      LoadOptions{{"segments.consumer.heterogeneity.baseline_churn_monthly.beta.1=197"}});
  ASSERT_TRUE(s.segments[0].churn_heterogeneity.has_value());
  EXPECT_EQ(s.segments[0].churn_heterogeneity->a, 3);
  EXPECT_EQ(s.segments[0].churn_heterogeneity->b, 197);
}

TEST(DistributionParameterNames, SetsOneParameterOfAnEffectsTriangular) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml");
  const std::string path = "initiatives.billing_fix.effects.touchpoints.billing.failure_rate";
  const Scenario s =
      load_scenario_text(kExample, "test.yaml", LoadOptions{{path + ".triangular.2=0.9"}});
  EXPECT_EQ(changed_slots(sc, s), std::vector<int>{*find_slot(sc, path)});
  const Distribution& d = slot_named(s, path).value;
  EXPECT_EQ(d.kind, DistributionKind::triangular);
  EXPECT_EQ(d.a, 0.4);
  EXPECT_EQ(d.b, 0.55);
  EXPECT_EQ(d.c, 0.9);
  // Of a model parameter, and after the repeat suffix.
  const Scenario m = load_scenario_text(kExample, "test.yaml",
                                        LoadOptions{{"touchpoints.app.failure_rate.beta.0=3"}});
  EXPECT_EQ(slot_named(m, "touchpoints.app.failure_rate").value.a, 3);
  EXPECT_EQ(slot_named(m, "touchpoints.app.failure_rate").value.b, 50);
  const Scenario r = load_scenario_text(
      with_repeated_effect(), "test.yaml",
      LoadOptions{{path + "#2={uniform: [-0.02, 0]}", path + "#2.uniform.0=-0.03"}});
  EXPECT_EQ(slot_named(r, path + "#2").value.a, -0.03);
  EXPECT_EQ(slot_named(r, path).value.a, 0.4);
}

struct BadParameter {
  std::string text;
  std::string set;
  std::string message;
};

TEST(DistributionParameterNames, MismatchesAreErrorsSayingWhatWasFoundAndWhatIsAllowed) {
  const std::string effect = "initiatives.billing_fix.effects.touchpoints.billing.failure_rate";
  const std::string het = "segments.consumer.heterogeneity.baseline_churn_monthly";
  const std::vector<BadParameter> cases{
      {kExample, effect + ".beta.1=2",
       "distribution kind mismatch (got {triangular: [0.4, 0.55, 0.8]} at " + effect +
           "; expected beta.1 only where the key is written as {beta: [a, b]}; this one takes "
           "triangular.0 to triangular.2)"},
      {kExample, effect + ".triangular.3=2",
       "distribution parameter index out of range (got triangular.3 at " + effect +
           ", written as {triangular: [0.4, 0.55, 0.8]}; expected an index from 0 to 2 into "
           "triangular [lo, mode, hi])"},
      {heterogeneous(), het + ".beta.2=2",
       "distribution parameter index out of range (got beta.2 at " + het +
           ", written as {beta: [3, 297]}; expected an index from 0 to 1 into beta [a, b])"},
      {heterogeneous(), het + ".triangular.0=2",
       "distribution kind mismatch (got {beta: [3, 297]} at " + het +
           "; expected triangular.0 only where the key is written as {triangular: [lo, mode, "
           "hi]}; this one takes beta.0 to beta.1)"},
      {kExample, "touchpoints.billing.failure_rate.beta.0=2",
       "not a distribution (got 0.06 at touchpoints.billing.failure_rate; expected a key written "
       "as {beta: [a, b]} to name its parameter beta.0)"},
      {kMinimal, het + ".beta.0=2",
       "not a distribution (got nothing: the key is not written at " + het +
           "; expected a key written as {beta: [a, b]} to name its parameter beta.0)"},
      {kExample, "initiatives.app_revamp.capex.normal.1=5",
       "not a distribution (got 800000 at initiatives.app_revamp.capex; expected a key written as "
       "{normal: [mean, sd]} to name its parameter normal.1)"},
      {kExample, effect + ".triangular.0={uniform: [0, 1]}",
       "a distribution parameter is one number (got a mapping for triangular.0 of " + effect +
           "; expected a number)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.set);
    const std::vector<Diagnostic> d = load_errors(c.text, {c.set});
    ASSERT_EQ(d.size(), 1u) << (d.empty() ? std::string("loaded") : d[1].format());
    EXPECT_EQ(d[0].file, "--set " + c.set);
    EXPECT_EQ(d[0].line, 0);
    EXPECT_EQ(d[0].path, c.set.substr(0, c.set.find('=')));
    EXPECT_EQ(d[0].message, c.message);
  }
}

TEST(DistributionParameterNames, UnderAStarItemsOfAnotherKindAreSkipped) {
  // billing's failure rate is a number, app's a beta.
  const Scenario s = load_scenario_text(kExample, "test.yaml",
                                        LoadOptions{{"touchpoints.*.failure_rate.beta.1=40"}});
  EXPECT_EQ(slot_named(s, "touchpoints.app.failure_rate").value.b, 40);
  EXPECT_EQ(slot_named(s, "touchpoints.billing.failure_rate").value.a, 0.06);
}

TEST(ApplyOverride, AParsedValueIsLocatedWhereTheCallerSays) {
  std::vector<Diagnostic> diagnostics;
  std::optional<YamlTree> doc = parse_yaml(kExample, "test.yaml", diagnostics);
  ASSERT_TRUE(doc.has_value());
  std::optional<YamlTree> value = parse_yaml("2", "x", diagnostics);
  ASSERT_TRUE(value.has_value());
  const SourceLoc where{"experiment.yaml", 12, 7};
  apply_override(*doc, "initiatives.billing_fix.effects.touchpoints.billing.failure_rate.beta.0",
                 *value, where, diagnostics);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].file, "experiment.yaml");
  EXPECT_EQ(diagnostics[0].line, 12);
  EXPECT_EQ(diagnostics[0].column, 7);
  EXPECT_NE(diagnostics[0].message.find("distribution kind mismatch"), std::string::npos);
  diagnostics.clear();
  apply_override(*doc, "initiatives.billing_fix.effects.touchpoints.billing.failure_rate", *value,
                 where, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
}

}  // namespace
}  // namespace cxsim
