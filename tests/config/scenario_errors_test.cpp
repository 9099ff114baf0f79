// Bad scenario files: each problem reported with its line, key path and a clear message, all
// problems at once, and never a crash.
#include <gtest/gtest.h>

#include <random>

#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"
#include "scenario_fixtures.hpp"

namespace cxsim {
namespace {

using testing::kExample;
using testing::kMinimal;

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// kMinimal has 14 lines; text appended starts on line 15.
const std::string kLibrary =
    "touchpoints:\n"                                                                   // 15
    "  - name: billing\n"                                                              // 16
    "    contacts_per_month: 0.2\n"                                                    // 17
    "    failure_rate: 0.05\n"                                                         // 18
    "initiatives:\n"                                                                   // 19
    "  - name: billing_fix\n"                                                          // 20
    "    start_month: 2\n"                                                             // 21
    "    effects:\n"                                                                   // 22
    "      - {target: touchpoints.billing.failure_rate, op: multiply, value: 0.5}\n";  // 23

struct BadCase {
  const char* label;
  std::string text;
  int line;  // -1: not checked
  std::string path;
  std::vector<std::string> words;
  std::vector<std::string> sets = {};
};

std::vector<BadCase> bad_cases() {
  const std::string m = kMinimal;
  return {
      {"syntax_error", "name: x\nsegments: [unclosed\n", 3, "", {"YAML syntax error"}},
      {"empty_file", "", 0, "", {"empty"}},
      {"comments_only", "# nothing here\n", 0, "", {"empty"}},
      {"top_level_list", "- a\n- b\n", 1, "", {"top level must be a mapping", "a list"}},
      {"top_level_scalar", "hello\n", 1, "", {"top level must be a mapping"}},
      {"unknown_top_key",
       replace(m, "horizon_months:", "horizon_month:"),
       2,
       "horizon_month",
       {"unknown key 'horizon_month'", "did you mean 'horizon_months'"}},
      {"unknown_segment_key",
       replace(m, "share: 1", "sahre: 1"),
       8,
       "segments.consumer.sahre",
       {"unknown key 'sahre'", "did you mean 'share'"}},
      {"missing_segment_share",
       replace(m, "    share: 1\n", ""),
       7,
       "segments.consumer.share",
       {"missing required key"}},
      {"missing_horizon",
       replace(m, "horizon_months: 12\n", ""),
       1,
       "horizon_months",
       {"missing required key", "1, 600"}},
      {"wrong_type_horizon",
       replace(m, "horizon_months: 12", "horizon_months: twelve"),
       2,
       "horizon_months",
       {"wrong type", "'twelve'", "expected a number"}},
      {"fractional_horizon",
       replace(m, "horizon_months: 12", "horizon_months: 12.5"),
       2,
       "horizon_months",
       {"not a whole number", "12.5"}},
      {"horizon_out_of_range",
       replace(m, "horizon_months: 12", "horizon_months: 601"),
       2,
       "horizon_months",
       {"out of range", "601", "in [1, 600]"}},
      {"nan_agents",
       replace(m, "agents: 1000", "agents: .nan"),
       3,
       "agents",
       {"not a finite number", ".nan"}},
      {"inf_population",
       replace(m, "population: 10000", "population: .inf"),
       5,
       "market.population",
       {"not a finite number"}},
      {"distribution_on_structural",
       replace(m, "horizon_months: 12", "horizon_months: {normal: [12, 1]}"),
       2,
       "horizon_months",
       {"distributions are not allowed", "structural"}},
      {"distribution_on_share",
       replace(m, "share: 1", "share: {uniform: [0.9, 1]}"),
       8,
       "segments.consumer.share",
       {"distributions are not allowed"}},
      {"probability_out_of_range",
       m + "satisfaction:\n  memory: 1.5\n",
       16,
       "satisfaction.memory",
       {"out of range", "1.5", "in [0, 1]"}},
      {"negative_price",
       replace(m, "price: 40", "price: -5"),
       14,
       "segments.consumer.revenue.price",
       {"out of range", "-5", "in [0, 1e12]"}},
      {"shares_do_not_sum",
       replace(m, "share: 1", "share: 0.9"),
       6,
       "segments",
       {"do not sum to 1", "0.9", "1e-6"}},
      {"agents_above_population",
       replace(m, "agents: 1000", "agents: 20000"),
       3,
       "agents",
       {"more agents than people", "20000", "10000"}},
      {"unknown_distribution",
       replace(m, "performance: 7", "performance: {norml: [7, 1]}"),
       11,
       "segments.consumer.performance",
       {"unknown distribution 'norml'", "did you mean 'normal'"}},
      {"negative_sd",
       replace(m, "performance: 7", "performance: {normal: [7, -1]}"),
       11,
       "segments.consumer.performance",
       {"sd must be >= 0", "-1"}},
      {"triangular_arity",
       replace(m, "performance: 7", "performance: {triangular: [6, 7]}"),
       11,
       "segments.consumer.performance",
       {"triangular takes 3 numbers", "got 2"}},
      {"triangular_order",
       replace(m, "performance: 7", "performance: {triangular: [8, 7, 9]}"),
       11,
       "segments.consumer.performance",
       {"lo <= mode <= hi"}},
      {"distribution_mean_out_of_range",
       replace(m, "baseline_churn_monthly: 0.01", "baseline_churn_monthly: {uniform: [2, 3]}"),
       10,
       "segments.consumer.baseline_churn_monthly",
       {"mean out of range", "2.5"}},
      {"duplicate_segment",
       replace(m, "share: 1", "share: 0.5") +
           "  - {name: consumer, share: 0.5, initial_penetration: 0, baseline_churn_monthly: 0.01, "
           "performance: 7, satisfaction: {mean: 7}, expectation: {mean: 7}, revenue: {price: "
           "1}}\n",
       15,
       "segments.consumer.name",
       {"duplicate segment name", "'consumer'"}},
      {"per_segment_unknown_segment",
       m + "touchpoints:\n  - name: billing\n    contacts_per_month: {consumr: 1}\n"
           "    failure_rate: 0.1\n",
       17,
       "touchpoints.billing.contacts_per_month.consumr",
       {"unknown segment 'consumr'", "did you mean 'consumer'"}},
      {"per_segment_missing_segment",
       m + "touchpoints:\n  - name: billing\n    contacts_per_month: {consumr: 1}\n"
           "    failure_rate: 0.1\n",
       17,
       "touchpoints.billing.contacts_per_month",
       {"missing segment 'consumer'", "must name every segment"}},
      {"target_names_nothing",
       replace(m + kLibrary, "touchpoints.billing.failure_rate,",
               "touchpoints.billing.failure_rat,"),
       23,
       "initiatives.billing_fix.effects[0].target",
       {"names no parameter", "touchpoints.billing.failure_rat",
        "did you mean 'touchpoints.billing.failure_rate'"}},
      {"target_not_targetable",
       replace(m + kLibrary, "touchpoints.billing.failure_rate,",
               "segments.consumer.satisfaction.mean,"),
       23,
       "initiatives.billing_fix.effects[0].target",
       {"not a target"}},
      {"unknown_initiative_in_roadmap",
       m + kLibrary + "roadmaps:\n  - name: r\n    initiatives: [bilingfix]\n",
       26,
       "roadmaps.r.initiatives[0]",
       {"unknown initiative 'bilingfix'", "did you mean 'billing_fix'"}},
      {"start_month_past_horizon",
       replace(m + kLibrary, "start_month: 2", "start_month: 13"),
       21,
       "initiatives.billing_fix.start_month",
       {"past the horizon", "13", "1..12"}},
      {"end_before_start",
       replace(m + kLibrary, "start_month: 2", "start_month: 5\n    end_month: 3"),
       22,
       "initiatives.billing_fix.end_month",
       {"end_month outside", "got 3", "5..12"}},
      {"capex_past_horizon",
       replace(m + kLibrary, "start_month: 2", "start_month: 10\n    capex: {total: 5, months: 6}"),
       22,
       "initiatives.billing_fix.capex",
       {"past the horizon", "10..15"}},
      {"roadmap_override_past_horizon",
       m + kLibrary +
           "roadmaps:\n  - name: r\n    initiatives:\n      - {use: billing_fix, start_month: "
           "20}\n",
       27,
       "roadmaps.r.initiatives.billing_fix.start_month",
       {"past the horizon", "20"}},
      {"duplicate_roadmap",
       m + "roadmaps:\n  - name: a\n  - name: a\n",
       17,
       "roadmaps.a.name",
       {"duplicate roadmap name"}},
      {"duplicate_initiative",
       m + kLibrary + "  - name: billing_fix\n",
       24,
       "initiatives.billing_fix.name",
       {"duplicate initiative name"}},
      {"complete_network_with_wom",
       replace(m, "  population: 10000", "  population: 10000\n  network: {type: complete}"),
       6,
       "market.network.type",
       {"complete network", "satisfaction.wom_positive_effect", "churn.negative_wom"}},
      {"odd_ring_degree",
       replace(m, "  population: 10000",
               "  population: 10000\n  network: {type: ring, mean_degree: 3}"),
       6,
       "market.network.mean_degree",
       {"must be even", "3"}},
      {"degree_not_below_agents",
       replace(replace(m, "agents: 1000", "agents: 10"), "  population: 10000",
               "  population: 10000\n  network: {type: random, mean_degree: 10}"),
       6,
       "market.network.mean_degree",
       {"below the number of agents", "10"}},
      {"unknown_network_type",
       replace(m, "  population: 10000", "  population: 10000\n  network: {type: smallworld}"),
       6,
       "market.network.type",
       {"unknown value 'smallworld'", "did you mean 'small_world'"}},
      {"infinite_clv",
       replace(m, "baseline_churn_monthly: 0.01", "baseline_churn_monthly: 0") +
           "discount_rate_annual: 0\n",
       15,
       "discount_rate_annual",
       {"infinite customer lifetime value", "consumer"}},
      // Refused whatever terminal_value says: customer equity is reported every month.
      {"infinite_clv_without_terminal_value",
       replace(m, "baseline_churn_monthly: 0.01", "baseline_churn_monthly: 0") +
           "discount_rate_annual: 0\nterminal_value: none\n",
       15,
       "discount_rate_annual",
       {"infinite customer lifetime value", "consumer"}},
      // A discount-rate draw that can be 0, and a churn draw that can be 0.
      {"infinite_clv_from_draws",
       replace(m, "baseline_churn_monthly: 0.01", "baseline_churn_monthly: {uniform: [0, 0.02]}") +
           "discount_rate_annual: {triangular: [0, 0.05, 0.1]}\n",
       15,
       "discount_rate_annual",
       {"infinite customer lifetime value", "can be 0"}},
      // An initiative that can set churn to 0 (multiply by a factor that can reach 0).
      {"infinite_clv_from_an_effect",
       m + "discount_rate_annual: 0\n" +
           "initiatives:\n"
           "  - name: retain\n"
           "    effects:\n"
           "      - {target: segments.consumer.baseline_churn_monthly, op: multiply, value: "
           "{uniform: [0, 1]}}\n"
           "roadmaps:\n"
           "  - name: baseline\n"
           "  - name: keep\n"
           "    initiatives: [retain]\n",
       15,
       "discount_rate_annual",
       {"infinite customer lifetime value", "roadmap 'keep'", "consumer"}},
      {"absurd_size",
       replace(replace(m, "agents: 1000", "agents: 1e9"), "  population: 10000",
               "  population: 1e10\n  network: {type: random, mean_degree: 1000000}"),
       3,
       "agents",
       {"GiB", "1000000000"}},
      {"too_many_replications_for_the_memory",
       m + "replications: 10000000\nanalysis: {zero_defect_counterfactual: true}\nroadmaps:\n" +
           [] {
             std::string r;
             for (int i = 0; i < 200; ++i) r += "  - name: r" + std::to_string(i) + "\n";
             return r;
           }(),
       15,
       "replications",
       {"too many for this machine", "GiB", "400 roadmap runs"}},
      // Upper bounds: every accepted scenario gives finite results.
      {"price_near_overflow",
       replace(m, "price: 40", "price: 1e308"),
       14,
       "segments.consumer.revenue.price",
       {"out of range", "1e308", "in [0, 1e12]"}},
      {"population_far_too_large",
       replace(m, "population: 10000", "population: 1e300"),
       5,
       "market.population",
       {"out of range", "1e300", "in [1, 1e10]"}},
      {"agents_beyond_32_bits",
       replace(replace(m, "agents: 1000", "agents: 5e9"), "population: 10000", "population: 1e10"),
       3,
       "agents",
       {"out of range", "5e9", "in [1, 1e9]"}},
      {"replications_far_too_many",
       m + "replications: 1e300\n",
       15,
       "replications",
       {"out of range", "1e300", "in [1, 1e7]"}},
      {"mean_degree_too_large",
       replace(m, "  population: 10000",
               "  population: 10000\n  network: {type: random, mean_degree: 10000000}"),
       6,
       "market.network.mean_degree",
       {"out of range", "in [0, 1e6]"}},
      {"contacts_above_the_poisson_bound",
       replace(m + kLibrary, "contacts_per_month: 0.2", "contacts_per_month: 1e7"),
       17,
       "touchpoints.billing.contacts_per_month",
       {"out of range", "1e7", "in [0, 1e6]"}},
      {"purchases_above_the_poisson_bound",
       replace(m, "price: 40", "price: 40, purchases_per_month: 2e6"),
       14,
       "segments.consumer.revenue.purchases_per_month",
       {"out of range", "in [0, 1e6]"}},
      {"capex_above_the_money_bound",
       replace(m + kLibrary, "start_month: 2",
               "start_month: 2\n    capex: {total: 1e13, months: 2}"),
       22,
       "initiatives.billing_fix.capex.total",
       {"out of range", "1e13", "in [0, 1e12]"}},
      {"roadmap_opex_above_the_money_bound",
       m + kLibrary +
           "roadmaps:\n  - name: r\n    initiatives:\n      - {use: billing_fix, opex_per_month: "
           "1e200}\n",
       27,
       "roadmaps.r.initiatives.billing_fix.opex_per_month",
       {"out of range", "in [0, 1e12]"}},
      {"effect_value_above_the_bound",
       replace(m + kLibrary, "op: multiply, value: 0.5", "op: add, value: 1e300"),
       23,
       "initiatives.billing_fix.effects[0].value",
       {"out of range", "in [-1e12, 1e12]"}},
      {"distribution_parameter_too_large",
       replace(m, "performance: 7", "performance: {normal: [7, 1e300]}"),
       11,
       "segments.consumer.performance",
       {"at most 1e15 in magnitude", "1e+300"}},
      {"uniform_that_overflows",
       replace(m, "price: 40", "price: {uniform: [-1e308, 1e308]}"),
       14,
       "segments.consumer.revenue.price",
       {"at most 1e15 in magnitude"}},
      {"beta_that_draws_nan",
       replace(m + kLibrary, "failure_rate: 0.05", "failure_rate: {beta: [0.001, 0.001]}"),
       18,
       "touchpoints.billing.failure_rate",
       {"beta parameters must be in [0.05, 1e6]", "0.001"}},
      // multiply factors: never negative, constant or drawn; the message names the effect.
      {"negative_multiply_factor",
       replace(m + kLibrary, "op: multiply, value: 0.5", "op: multiply, value: -1e9"),
       23,
       "initiatives.billing_fix.effects[0].value",
       {"negative multiply factor", "-1000000000", "touchpoints.billing.failure_rate"}},
      {"multiply_factor_from_a_normal",
       replace(m + kLibrary, "op: multiply, value: 0.5",
               "op: multiply, value: {normal: [0.5, 0.1]}"),
       23,
       "initiatives.billing_fix.effects[0].value",
       {"multiply factor that can be negative", "{normal: [0.5, 0.1]}",
        "touchpoints.billing.failure_rate"}},
      {"multiply_factor_from_a_uniform_below_zero",
       replace(m + kLibrary, "op: multiply, value: 0.5",
               "op: multiply, value: {uniform: [-0.2, 0.8]}"),
       23,
       "initiatives.billing_fix.effects[0].value",
       {"multiply factor that can be negative", "touchpoints.billing.failure_rate"}},
      {"fractional_agents",
       replace(m, "agents: 1000", "agents: 1000.5"),
       3,
       "agents",
       {"not a whole number"}},
      {"invalid_name",
       replace(m, "name: minimal", "name: my scenario"),
       1,
       "name",
       {"invalid name", "'my scenario'"}},
      {"bad_op",
       replace(m + kLibrary, "op: multiply", "op: multiplyy"),
       23,
       "initiatives.billing_fix.effects[0].op",
       {"unknown value 'multiplyy'", "did you mean 'multiply'"}},
      {"heterogeneity_not_beta",
       m + "    heterogeneity: {baseline_churn_monthly: {normal: [0.01, 0.001]}}\n",
       15,
       "segments.consumer.heterogeneity.baseline_churn_monthly",
       {"only a beta"}},
      {"heterogeneity_bad_beta",
       m + "    heterogeneity: {baseline_churn_monthly: {beta: [0, 1]}}\n",
       15,
       "segments.consumer.heterogeneity.baseline_churn_monthly",
       {"beta parameters must be > 0"}},
      {"duplicate_key", "name: a\nname: b\n", 2, "name", {"duplicate key 'name'"}},
      {"bad_terminal_value",
       m + "terminal_value: forever\n",
       15,
       "terminal_value",
       {"unknown value 'forever'", "customer_equity_net | customer_equity | none"}},
      {"zero_change_capacity",
       m + "organization: {change_capacity: 0}\n",
       15,
       "organization.change_capacity",
       {"out of range", "in [1, 1e6]"}},
      {"negative_seed", m + "seed: -1\n", 15, "seed", {"out of range", "-1"}},
      {"zero_replications",
       m + "replications: 0\n",
       15,
       "replications",
       {"out of range", "in [1, 1e7]"}},
      {"quoted_number",
       replace(m, "price: 40", "price: \"40\""),
       14,
       "segments.consumer.revenue.price",
       {"wrong type", "\"40\""}},
      {"list_for_mapping",
       replace(m, "market:\n  population: 10000", "market: [1, 2]"),
       4,
       "market",
       {"wrong type", "a list", "expected a mapping"}},
      {"segments_not_a_list",
       replace(m, "segments:", "segments: 3\nold_segments:"),
       6,
       "segments",
       {"wrong type", "expected a list of segments"}},
      {"no_segments",
       replace(m, "segments:", "segments: []\nold_segments:"),
       6,
       "segments",
       {"no segments"}},
      {"initiative_used_twice",
       m + kLibrary + "roadmaps:\n  - name: r\n    initiatives: [billing_fix, billing_fix]\n",
       26,
       "roadmaps.r.initiatives.billing_fix",
       {"used twice"}},
      {"negative_capex",
       replace(m + kLibrary, "start_month: 2", "start_month: 2\n    capex: -3"),
       22,
       "initiatives.billing_fix.capex",
       {"out of range", "in [0, 1e12]"}},
      {"set_unknown_path",
       m,
       0,
       "market.populaton",
       {"did you mean 'population'"},
       {"market.populaton=5"}},
      {"set_wrong_type", m, 0, "horizon_months", {"wrong type", "'abc'"}, {"horizon_months=abc"}},
      // A problem an override causes is reported at the override, not at the file it changes.
      {"set_breaks_the_share_sum",
       m,
       0,
       "segments",
       {"do not sum to 1", "got 0.5"},
       {"segments.consumer.share=0.5"}},
      {"set_shortens_the_horizon",
       m + kLibrary,
       0,
       "initiatives.billing_fix.start_month",
       {"past the horizon", "1..1"},
       {"horizon_months=1"}},
      {"set_puts_agents_above_population",
       m,
       0,
       "agents",
       {"more agents than people"},
       {"agents=20000"}},
      {"set_makes_clv_infinite",
       m + "discount_rate_annual: 0\n",
       0,
       "discount_rate_annual",
       {"infinite customer lifetime value"},
       {"segments.consumer.baseline_churn_monthly=0"}},
      // Hostile YAML: refused with a message, never a crash or a misleading one.
      {"alias_to_itself",
       "a: &c [*c]\n",
       1,
       "a[0]",
       {"alias refers to itself or to a node containing it"}},
      {"alias_to_an_ancestor",
       m + "market2: &m {inner: {list: [1, *m]}}\n",
       15,
       "market2.inner.list[1]",
       {"alias refers to itself or to a node containing it"}},
      // Found by fuzzing: yaml-cpp 0.7's LoadAll looped for ever (and grew without bound) on
      // stray flow indicators at the top level.
      {"stray_comma_after_an_anchored_scalar",
       "&r kname\n, seg\n",
       2,
       "",
       {"YAML syntax error: stray content at the top level"}},
      {"stray_comma", ",\n", 1, "", {"stray content at the top level"}},
      {"stray_comma_in_a_set", m, -1, "seed", {"stray content"}, {"seed=,"}},
      {"deep_flow_nesting", std::string(200000, '['), -1, "", {"nested deeper than 64 levels"}},
      {"deep_block_nesting",
       [] {
         std::string t;
         for (int i = 0; i < 70; ++i)
           t += std::string(static_cast<std::size_t>(2 * i), ' ') + "a:\n";
         return t + std::string(140, ' ') + "x\n";
       }(),
       -1,
       "",
       {"nested deeper than 64 levels"}},
      {"deep_through_aliases",
       [] {
         // Each line nests the one before twice over: 40 levels of aliases inside lists.
         std::string t = "a0: &a0 [[1]]\n";
         for (int i = 1; i < 40; ++i) {
           t += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [[*a" +
                std::to_string(i - 1) + "]]\n";
         }
         return t;
       }(),
       -1,
       "",
       {"nested deeper than 64 levels"}},
      {"nul_byte", m + "description: a" + '\0' + "b\n", 15, "", {"not a text/YAML file", "NUL"}},
      {"binary_input",
       "\x7f"
       "ELF\x02\x01\x01\xff\xfe\n",
       1,
       "",
       {"not a text/YAML file", "not UTF-8"}},
      {"latin1_text", m + "description: caf\xe9\n", 15, "", {"not a text/YAML file", "\\xe9"}},
      {"raw_escape_character",
       m + "description: \x1b[31mred\n",
       15,
       "",
       {"control character", "\\x1b"}},
      {"string_tag_on_a_number",
       replace(m, "share: 1", "share: !!str 1"),
       8,
       "segments.consumer.share",
       {"wrong type", "\"1\"", "expected a number"}},
      {"string_tag_on_a_parameter",
       replace(m, "price: 40", "price: !!str 40"),
       14,
       "segments.consumer.revenue.price",
       {"wrong type", "expected a number"}},
      {"escape_in_name",
       replace(m, "name: minimal", "name: \"min\\eimal\""),
       1,
       "name",
       {"invalid name"}},
      {"bell_in_currency",
       m + "currency: \"US\\aD\"\n",
       15,
       "currency",
       {"control character", "character 3"}},
      {"nul_in_description",
       m + "description: \"cut\\0here\"\n",
       15,
       "description",
       {"control character", "character 4"}},
      {"c1_control_in_description",
       m + "description: \"csi\\x9b2J\"\n",
       15,
       "description",
       {"control character"}},
      {"name_too_long",
       replace(m, "name: minimal", "name: " + std::string(300, 'n')),
       1,
       "name",
       {"name too long", "300 characters", "1 to 100"}},
      {"segment_name_too_long",
       replace(m, "name: consumer", "name: " + std::string(101, 's')),
       7,
       "segments[0].name",
       {"name too long", "101 characters"}},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.label;
}

class BadScenario : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenario, ReportsLinePathAndMessage) {
  const BadCase& c = GetParam();
  try {
    load_scenario_text(c.text, "bad.yaml", LoadOptions{c.sets});
    FAIL() << c.label << ": loaded without error";
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& d : e.diagnostics()) {
      if (d.path != c.path) continue;
      bool words = true;
      for (const auto& w : c.words) words = words && d.message.find(w) != std::string::npos;
      if (!words) continue;
      found = true;
      if (c.line >= 0) {
        EXPECT_EQ(d.line, c.line) << c.label << ": " << d.format();
      }
      if (c.line > 0) {
        EXPECT_GT(d.column, 0) << d.format();
      }
      EXPECT_EQ(d.file, c.sets.empty() ? "bad.yaml" : "--set " + c.sets[0]) << d.format();
    }
    EXPECT_TRUE(found) << c.label << ": no diagnostic at '" << c.path
                       << "' with the expected words; got:\n"
                       << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BadScenario, ::testing::ValuesIn(bad_cases()),
                         [](const auto& info) { return std::string(info.param.label); });

// The negative control of the infinite-CLV cases: no discount, but churn that no draw or
// effect can bring to 0, is a valid scenario (the LTV validation case is one).
TEST(ScenarioErrors, NoDiscountWithChurnThatStaysPositiveIsAccepted) {
  const std::string text =
      replace(kMinimal, "baseline_churn_monthly: 0.01",
              "baseline_churn_monthly: {lognormal: [-4.6, 0.3]}") +
      "discount_rate_annual: 0\n"
      "initiatives:\n"
      "  - name: retain\n"
      "    effects:\n"
      "      - {target: segments.consumer.baseline_churn_monthly, op: multiply, value: "
      "{uniform: [0.5, 0.9]}}\n"
      "      - {target: segments.consumer.baseline_churn_monthly, op: set, value: 0.004}\n"
      "roadmaps:\n"
      "  - name: baseline\n"
      "  - name: keep\n"
      "    initiatives: [retain]\n";
  EXPECT_NO_THROW(load_scenario_text(text, "ok.yaml"));
}

TEST(ScenarioErrors, EveryProblemIsReportedAtOnce) {
  std::string text = replace(kMinimal, "horizon_months: 12", "horizon_months: 0");
  text = replace(text, "share: 1", "sahre: 1");
  text = replace(text, "price: 40", "price: cheap");
  text += "churn: {satisfaction: -1}\n";
  try {
    load_scenario_text(text, "bad.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_GE(e.diagnostics().size(), 5u) << e.what();
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.yaml:2:17: horizon_months: out of range"), std::string::npos) << what;
    EXPECT_NE(what.find("segments.consumer.revenue.price"), std::string::npos);
    EXPECT_NE(what.find("churn.satisfaction"), std::string::npos);
  }
}

TEST(ScenarioErrors, DeepNestingAndAliasBombsDoNotCrash) {
  std::string deep(5000, '[');
  EXPECT_THROW(load_scenario_text(deep, "deep.yaml"), ScenarioError);
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'h'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + prev;
    bomb += "]\n";
    prev = c;
  }
  EXPECT_THROW(load_scenario_text(bomb, "bomb.yaml"), ScenarioError);
}

// A key that failed its own check feeds no cross-check: each case gives exactly its own error,
// never a second one computed from a placeholder (mean_degree 0, the default population, a
// churn of 0, the default WOM effects).
TEST(ScenarioErrors, AKeyThatFailedItsOwnCheckFeedsNoCrossCheck) {
  struct Case {
    std::string text;
    std::string path;
  };
  const std::string m = kMinimal;
  const std::vector<Case> cases{
      {replace(m, "  population: 10000",
               "  population: 10000\n  network: {type: small_world, mean_degree: 10.5}"),
       "market.network.mean_degree"},
      {replace(replace(m, "agents: 1000", "agents: 20000"), "population: 10000",
               "population: .inf"),
       "market.population"},
      {replace(m, "population: 10000", "population: 1e300"), "market.population"},
      {replace(m, "baseline_churn_monthly: 0.01", "baseline_churn_monthly: 1.5") +
           "discount_rate_annual: 0\n",
       "segments.consumer.baseline_churn_monthly"},
      {m + "discount_rate_annual: 0\ninitiatives:\n  - name: keep\n    effects:\n"
           "      - {target: segments.consumer.baseline_churn_monthly, op: multiply, value: -2}\n"
           "roadmaps:\n  - name: baseline\n  - {name: k, initiatives: [keep]}\n",
       "initiatives.keep.effects[0].value"},
      {replace(m, "  population: 10000", "  population: 10000\n  network: {type: complete}") +
           "satisfaction: {wom_positive_effect: 11, wom_negative_effect: 0}\n"
           "churn: {negative_wom: 0}\n",
       "satisfaction.wom_positive_effect"},
  };
  for (const Case& c : cases) {
    try {
      load_scenario_text(c.text, "bad.yaml");
      ADD_FAILURE() << c.path << ": loaded";
    } catch (const ScenarioError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
      EXPECT_EQ(e.diagnostics()[0].path, c.path) << e.what();
    }
  }
}

// The negative control of the multiply rules: factors that cannot go below 0 are accepted,
// and a negative value is fine for add.
TEST(ScenarioErrors, NonNegativeMultiplyFactorsAndNegativeIncrementsAreAccepted) {
  for (const std::string value :
       {"0", "1e12", "{uniform: [0, 0.8]}", "{triangular: [0, 0.5, 0.9]}", "{beta: [2, 5]}",
        "{lognormal: [-0.5, 0.2]}", "{normal: [0.5, 0]}"}) {
    const std::string text =
        replace(kMinimal + kLibrary, "op: multiply, value: 0.5", "op: multiply, value: " + value);
    EXPECT_NO_THROW(load_scenario_text(text, "ok.yaml")) << value;
  }
  EXPECT_NO_THROW(load_scenario_text(
      replace(kMinimal + kLibrary, "op: multiply, value: 0.5", "op: add, value: -0.04"),
      "ok.yaml"));
}

// Control characters never reach the terminal raw: every message shows them escaped, and a NUL
// does not cut the message short.
TEST(ScenarioErrors, ControlCharactersAreShownEscaped) {
  const std::string text = replace(kMinimal, "name: minimal", "name: \"a\\eb\\0c\\ad\"") +
                           "currency: \"\\e[2J\"\ndescription: \"ok\\ttab\\nnewline \\x07\"\n";
  try {
    load_scenario_text(text, "bad.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_EQ(std::string(what.c_str()), what) << "a NUL cuts the message";
    for (const char c : what) {
      EXPECT_FALSE((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f)
          << "raw control character " << static_cast<int>(c) << " in\n"
          << what;
    }
    EXPECT_NE(what.find("name: invalid name (got \"a\\x1bb\\x00c\\x07d\""), std::string::npos)
        << what;
    EXPECT_NE(what.find("currency: control character in text (got '\\x1b' at character 1"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("description: control character in text (got '\\x07' at character 16"),
              std::string::npos)
        << what;
    EXPECT_EQ(e.diagnostics().size(), 3u) << what;
  }
}

// Tabs and line breaks are text in a description; everything printable is kept as written.
TEST(ScenarioErrors, TabsLineBreaksAndUnicodeAreTextInADescription) {
  const Scenario s = load_scenario_text(
      kMinimal + "description: \"tab\\there\\nnext line, caf\u00e9, \u65e5\u672c\"\n", "ok.yaml");
  EXPECT_EQ(s.description, "tab\there\nnext line, caf\u00e9, \u65e5\u672c");
}

// Old Mac files end lines with CR alone, Windows files with CR LF: both are line breaks.
TEST(ScenarioErrors, CarriageReturnLineEndingsAreLineBreaks) {
  std::string cr = kMinimal, crlf;
  for (char& c : cr) {
    if (c == '\n') c = '\r';
  }
  for (const char c : kMinimal) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(load_scenario_text(cr, "cr.yaml").name, "minimal");
  EXPECT_EQ(load_scenario_text(crlf, "crlf.yaml").name, "minimal");
  // Lines are still counted right.
  try {
    load_scenario_text(replace(cr, "share: 1", "sahre: 1"), "cr.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("cr.yaml:8:5: segments.consumer.sahre"), std::string::npos)
        << e.what();
  }
}

// A name of exactly 100 characters is a name.
TEST(ScenarioErrors, NamesUpToOneHundredCharactersAreAccepted) {
  EXPECT_EQ(load_scenario_text(replace(kMinimal, "name: minimal", "name: " + std::string(100, 'n')),
                               "ok.yaml")
                .name.size(),
            100u);
}

// Random damage to a valid file must give a Scenario or a ScenarioError, nothing else.
TEST(ScenarioErrors, MutatedFilesNeverCrash) {
  std::mt19937 rng(12345);
  const std::string alphabet = " :-[]{}.,0123456789ae\n#*&!\"'|>";
  for (int trial = 0; trial < 400; ++trial) {
    std::string text = kExample;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text.erase(at, 1 + rng() % 8);
          break;
        case 1:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          text[at] = alphabet[rng() % alphabet.size()];
      }
    }
    try {
      (void)load_scenario_text(text, "fuzz.yaml");
    } catch (const ScenarioError& e) {
      EXPECT_FALSE(e.diagnostics().empty());
    }
  }
}

}  // namespace
}  // namespace cxsim
