// --set overrides: `*` over every segment or touchpoint, a wildcard that matches nothing, and an
// empty value, which is an error rather than a silent default.
#include <gtest/gtest.h>

#include "config/scenario_loader.hpp"
#include "config/yaml_merge.hpp"
#include "engine/core/errors.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

using testing::kExample;
using testing::kMinimal;

YamlTree parse(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  std::optional<YamlTree> doc = parse_yaml(text, "test.yaml", diagnostics);
  EXPECT_TRUE(doc.has_value());
  return doc ? *doc : YamlTree{};
}

// The text of the scalar at `a.b` below list item `item` of `list`.
std::string item_value(const YamlTree& doc, const std::string& list, const std::string& item,
                       const std::vector<std::string>& keys) {
  for (const auto& i : doc.find(list)->items) {
    if (i.item_name() != item) continue;
    const YamlTree* node = &i;
    for (const auto& k : keys) {
      node = node->find(k);
      if (node == nullptr) return "<missing>";
    }
    return node->is_scalar() ? node->text : "<not a scalar>";
  }
  return "<no item>";
}

// The diagnostics of loading `text` with `sets`, or none when it loads.
std::vector<Diagnostic> load_errors(const std::string& text, const std::vector<std::string>& sets) {
  try {
    load_scenario_text(text, "test.yaml", LoadOptions{sets});
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(ScenarioOverrides, StarSetsEveryTouchpointAndEverySegment) {
  YamlTree doc = parse(kExample);
  std::vector<Diagnostic> diagnostics;
  apply_override(doc, "touchpoints.*.failure_rate=0", diagnostics);
  apply_override(doc, "segments.*.revenue.price=50", diagnostics);
  ASSERT_TRUE(diagnostics.empty()) << diagnostics[0].format();
  EXPECT_EQ(item_value(doc, "touchpoints", "billing", {"failure_rate"}), "0");
  EXPECT_EQ(item_value(doc, "touchpoints", "app", {"failure_rate"}), "0");  // was a distribution
  EXPECT_EQ(item_value(doc, "segments", "consumer", {"revenue", "price"}), "50");
  EXPECT_EQ(item_value(doc, "segments", "business", {"revenue", "price"}), "50");
  // Only the named key changes: the rest of each item stays.
  EXPECT_EQ(item_value(doc, "segments", "business", {"revenue", "variable_cost"}), "40.0");
}

TEST(ScenarioOverrides, StarLoadsIntoTheScenario) {
  const Scenario sc = load_scenario_text(
      kExample, "test.yaml",
      LoadOptions{{"touchpoints.*.failure_rate=0", "segments.*.revenue.price=50"}});
  const std::string& y = sc.resolved_yaml;
  EXPECT_EQ(y.find("failure_rate: 0.06"), std::string::npos) << y;
  EXPECT_EQ(y.find("beta: [2, 50]"), std::string::npos) << y;
  EXPECT_EQ(y.find("price: 45"), std::string::npos) << y;
  EXPECT_EQ(y.find("price: 120"), std::string::npos) << y;
  EXPECT_NE(y.find("price: 50"), std::string::npos) << y;
}

TEST(ScenarioOverrides, StarSkipsItemsWithoutTheRestOfThePath) {
  // Every roadmap entry, in the roadmaps that have any (baseline has none).
  YamlTree doc = parse(kExample);
  std::vector<Diagnostic> diagnostics;
  apply_override(doc, "roadmaps.*.initiatives.*.start_month=5", diagnostics);
  ASSERT_TRUE(diagnostics.empty()) << diagnostics[0].format();
  const YamlTree* roadmaps = doc.find("roadmaps");
  EXPECT_EQ(roadmaps->items[0].find("initiatives"), nullptr);  // baseline untouched
  for (std::size_t r = 1; r < roadmaps->items.size(); ++r) {
    for (const auto& entry : roadmaps->items[r].find("initiatives")->items) {
      ASSERT_TRUE(entry.is_map());
      EXPECT_EQ(entry.find("start_month")->text, "5");
    }
  }
}

TEST(ScenarioOverrides, StarThatMatchesNothingIsAnErrorNamingThePath) {
  // kMinimal has no touchpoints and no initiatives.
  for (const std::string set : {"touchpoints.*.failure_rate=0", "initiatives.*.capex=0"}) {
    const std::vector<Diagnostic> d = load_errors(kMinimal, {set});
    ASSERT_FALSE(d.empty()) << set;
    const std::string path = set.substr(0, set.find('='));
    EXPECT_EQ(d[0].path, path);
    EXPECT_EQ(d[0].file, "--set " + set);
    EXPECT_NE(d[0].message.find("'*' matches nothing"), std::string::npos) << d[0].format();
  }
  // On a mapping, not a list.
  const std::vector<Diagnostic> d = load_errors(kMinimal, {"market.*=1"});
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].path, "market.*");
  EXPECT_NE(d[0].message.find("matches nothing in market"), std::string::npos) << d[0].format();
  // A misspelt name after `*` that no item has.
  const std::vector<Diagnostic> typo =
      load_errors(kExample, {"roadmaps.*.initiatives.billing_fx.start_month=3"});
  ASSERT_FALSE(typo.empty());
  EXPECT_EQ(typo[0].path, "roadmaps.*.initiatives.billing_fx.start_month");
  EXPECT_NE(typo[0].message.find("billing_fx"), std::string::npos) << typo[0].format();
}

TEST(ScenarioOverrides, EmptyValueIsAnErrorNotTheDefault) {
  for (const std::string set :
       {"seed=", "discount_rate_annual=", "market.network=", "segments.*.revenue.price= "}) {
    const std::vector<Diagnostic> d = load_errors(kExample, {set});
    ASSERT_EQ(d.size(), 1u) << set;
    EXPECT_EQ(d[0].file, "--set " + set);
    EXPECT_EQ(d[0].path, set.substr(0, set.find('=')));
    EXPECT_NE(d[0].message.find("a value is required"), std::string::npos) << d[0].format();
  }
}

TEST(ScenarioOverrides, ExplicitNullMeansTheDefault) {
  const Scenario sc = load_scenario_text(kExample, "test.yaml", LoadOptions{{"seed=null"}});
  EXPECT_EQ(sc.seed, 1u);  // docs/parameters.md: seed defaults to 1
}

}  // namespace
}  // namespace cxsim
