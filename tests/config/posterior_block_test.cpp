// The posterior block of a scenario: every problem located (file:line:col, key), said and
// reported at once; describe shows it and prints it so that it loads back.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/posterior_block.hpp"
#include "config/scenario_describe.hpp"
#include "config/scenario_loader.hpp"
#include "engine/core/errors.hpp"

namespace cxsim {
namespace {

const std::string kFixtures = std::string(CXSIM_SOURCE_DIR) + "/tests/fixtures/posterior";

// An overlay of the fixture's base: line 1 extends, line 2 `posterior:`, the block from line 3.
std::string overlay(const std::string& block) {
  return "extends: base.yaml\nposterior:\n" + block;
}

const std::string kSource = "  source: cal.h5\n";
const std::string kSha =
    "  sha256: \"3f2a9c0d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8\"\n";

Scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
  LoadOptions options;
  options.overrides = sets;
  return build_scenario(read_scenario_text(text, "overlay.yaml", kFixtures), options);
}

std::vector<Diagnostic> problems(const std::string& text,
                                 const std::vector<std::string>& sets = {}) {
  try {
    load(text, sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

struct BadPosterior {
  const char* label;
  std::string block;
  int line;
  std::string path;
  std::vector<std::string> words;
};

std::vector<BadPosterior> bad_posteriors() {
  const std::string good_names = "  parameters: [churn.satisfaction, churn.competitor]\n";
  const std::string good_rows = "  particles:\n    - [0.4, 1.0]\n    - [0.5, 1.2]\n";
  const std::string good_weights = "  weights: [1, 3]\n";
  const std::string good = kSource + kSha + good_names + good_rows + good_weights;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string b = good;
    b.replace(b.find(from), from.size(), to);
    return b;
  };
  return {
      {"unknown_name",
       with("churn.competitor]", "churn.competiter]"),
       5,
       "posterior.parameters[1]",
       {"names no parameter", "churn.competiter", "did you mean 'churn.competitor'"}},
      {"listed_twice",
       with("churn.competitor]", "churn.satisfaction]"),
       5,
       "posterior.parameters[1]",
       {"listed twice", "churn.satisfaction"}},
      {"number_and_its_parameter",
       with("churn.competitor]", "churn.satisfaction.triangular.1]"),
       5,
       "posterior.parameters[1]",
       {"overlaps 'churn.satisfaction'"}},
      {"a_pattern",
       with("churn.competitor]", "segments.*.adoption.innovation]"),
       5,
       "posterior.parameters[1]",
       {"a pattern, not one parameter", "expected each name"}},
      {"kind_mismatch",
       with("churn.competitor]", "churn.satisfaction.beta.0]"),
       5,
       "posterior.parameters[1]",
       {"distribution kind mismatch", "triangular"}},
      {"per_agent_distribution",
       with("churn.competitor]", "segments.regular.heterogeneity.baseline_churn_monthly]"),
       5,
       "posterior.parameters[1]",
       {"per-agent distribution is not one number", "beta.0"}},
      {"short_row",
       with("    - [0.5, 1.2]\n", "    - [0.5]\n"),
       8,
       "posterior.particles[1]",
       {"wrong length", "got 1 values; expected 2"}},
      {"not_a_number", with("[0.5, 1.2]", "[0.5, abc]"), 8, "posterior.particles[1][1]", {"abc"}},
      {"not_finite", with("[0.5, 1.2]", "[.nan, 1.2]"), 8, "posterior.particles[1][0]", {"finite"}},
      {"out_of_bounds",
       with("[0.5, 1.2]", "[-0.5, 1.2]"),
       8,
       "posterior.particles[1][0]",
       {"out of range", "-0.5", "churn.satisfaction", "in [0, 100]"}},
      {"invalid_distribution",
       kSource + kSha +
           "  parameters: [churn.satisfaction, "
           "segments.regular.heterogeneity.baseline_churn_monthly.beta.0]\n" +
           "  particles:\n    - [0.4, 0.01]\n    - [0.5, 2]\n" + good_weights,
       7,
       "posterior.particles[0]",
       {"invalid distribution", "{beta: [0.01, 198]}"}},
      {"no_particles",
       with(good_rows, "  particles: []\n"),
       6,
       "posterior.particles",
       {"no particles"}},
      {"weight_count",
       with("[1, 3]", "[1, 3, 4]"),
       9,
       "posterior.weights",
       {"wrong count", "got 3 weights; expected 2"}},
      {"weight_zero", with("[1, 3]", "[1, 0]"), 9, "posterior.weights[1]", {"not positive"}},
      {"weight_negative", with("[1, 3]", "[-1, 3]"), 9, "posterior.weights[0]", {"not positive"}},
      {"weight_infinite", with("[1, 3]", "[.inf, 3]"), 9, "posterior.weights[0]", {"finite"}},
      {"bad_sha256",
       with(kSha, "  sha256: ABC\n"),
       4,
       "posterior.sha256",
       {"not a SHA-256", "'ABC'", "64 lowercase hexadecimal"}},
      {"missing_weights", with(good_weights, ""), 2, "posterior.weights", {"missing required key"}},
      {"unknown_key",
       good + "  weigths: [1, 1]\n",
       10,
       "posterior.weigths",
       {"unknown key 'weigths'", "did you mean 'weights'"}},
  };
}

TEST(PosteriorBlock, TheFixtureLoads) {
  const Scenario sc = load_scenario(kFixtures + "/overlay.yaml");
  ASSERT_TRUE(sc.posterior);
  EXPECT_EQ(sc.posterior->source, "cal.h5");
  EXPECT_EQ(sc.posterior->particles(), 4u);
  EXPECT_EQ(sc.posterior->parameters[2].kind, PosteriorTarget::Kind::heterogeneity_parameter);
  EXPECT_EQ(sc.posterior->parameters[3].kind, PosteriorTarget::Kind::distribution_parameter);
}

TEST(PosteriorBlock, EachProblemIsLocatedAndSaid) {
  for (const BadPosterior& c : bad_posteriors()) {
    SCOPED_TRACE(c.label);
    const std::vector<Diagnostic> found = problems(overlay(c.block));
    ASSERT_EQ(found.size(), 1u) << (found.empty() ? "no error" : found[1].format());
    const Diagnostic& d = found.front();
    EXPECT_EQ(d.file, "overlay.yaml");
    EXPECT_EQ(d.line, c.line) << d.format();
    EXPECT_GT(d.column, 0) << d.format();
    EXPECT_EQ(d.path, c.path) << d.format();
    for (const std::string& w : c.words) {
      EXPECT_NE(d.message.find(w), std::string::npos) << "'" << w << "' not in " << d.format();
    }
  }
}

TEST(PosteriorBlock, EveryProblemIsReportedAtOnce) {
  const std::string block =
      "  source: cal.h5\n  sha256: abc\n"
      "  parameters: [churn.satisfaction, churn.nope]\n"
      "  particles:\n    - [0.4, 1.0]\n    - [2]\n"
      "  weights: [1, -1, 2]\n  extra: 1\n";
  const std::vector<Diagnostic> found = problems(overlay(block));
  std::vector<std::string> paths;
  for (const auto& d : found) paths.push_back(d.path);
  for (const char* p : {"posterior.extra", "posterior.sha256", "posterior.parameters[1]",
                        "posterior.particles[1]", "posterior.weights", "posterior.weights[1]"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end()) << p;
  }
}

// The loader's checks across keys see every particle, not only the values written.
TEST(PosteriorBlock, CrossChecksSeeEveryParticle) {
  const std::string names =
      "  parameters: [discount_rate_annual, segments.consumer.baseline_churn_monthly]\n";
  const std::string fine = "  particles:\n    - [0.1, 0.01]\n    - [0.05, 0.02]\n";
  const std::string zero = "  particles:\n    - [0.1, 0.01]\n    - [0, 0]\n";
  const std::string weights = "  weights: [1, 1]\n";
  EXPECT_TRUE(problems(overlay(kSource + kSha + names + fine + weights)).empty());
  const std::vector<Diagnostic> found = problems(overlay(kSource + kSha + names + zero + weights));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].path, "discount_rate_annual");
  EXPECT_NE(found[0].message.find("infinite customer lifetime value"), std::string::npos);
}

TEST(PosteriorBlock, OverridesOfAPosteriorParameterAreRefused) {
  const std::string path = kFixtures + "/overlay.yaml";
  for (const std::string set : {"churn.satisfaction=0.5", "churn.unrecovered_failure.uniform.1=0.9",
                                "segments.regular.heterogeneity.baseline_churn_monthly.beta.0=3"}) {
    SCOPED_TRACE(set);
    try {
      load_scenario(path, LoadOptions{{set}});
      ADD_FAILURE() << "accepted";
    } catch (const ScenarioError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u);
      EXPECT_EQ(e.diagnostics()[0].file, "--set " + set);
      EXPECT_NE(e.diagnostics()[0].message.find("drawn from the posterior"), std::string::npos)
          << e.diagnostics()[0].format();
    }
  }
  // Without its posterior the overlay is the scenario it extends.
  EXPECT_EQ(load_scenario(path, LoadOptions{{"posterior=null"}}).resolved_yaml,
            load_scenario(kFixtures + "/base.yaml").resolved_yaml);
  // Numbers the posterior does not list stay free.
  EXPECT_NO_THROW(load_scenario(path, LoadOptions{{"churn.competitor=0.8"}}));
}

TEST(PosteriorBlock, DescribeShowsThePosteriorAndLoadsBack) {
  const Scenario sc = load_scenario(kFixtures + "/overlay.yaml");
  const std::string text = describe_scenario(sc);
  for (const char* w :
       {"# posterior: 4 particles from cal.h5 (sha256 3f2a9c0d", "effective sample size 3.3",
        "#   churn.satisfaction: weighted mean 0.516, 5-95% [0.3, 0.62]",
        "#   segments.regular.heterogeneity.baseline_churn_monthly.beta.0: weighted mean 3.25, "
        "5-95% [1.5, 4.5]",
        "\nposterior:\n  source: \"cal.h5\"\n", "    - [0.0112, 0.43, 1.5, 0.9]\n",
        "  weights: [0.1, 0.2, 0.3, 0.4]\n"}) {
    EXPECT_NE(text.find(w), std::string::npos) << w << "\n---\n" << text;
  }
  const Scenario again = load_scenario_text(text, "resolved.yaml");
  EXPECT_EQ(again.resolved_yaml, sc.resolved_yaml);
  ASSERT_TRUE(again.posterior);
  EXPECT_EQ(again.posterior->values, sc.posterior->values);
  EXPECT_EQ(again.posterior->weights, sc.posterior->weights);
}

TEST(PosteriorBlock, SummariesOfTheWeights) {
  Posterior p;
  p.parameters.resize(1);
  p.values = {3.0, 1.0, 2.0, 4.0};
  p.weights = {1.0, 1.0, 1.0, 1.0};
  EXPECT_DOUBLE_EQ(p.effective_sample_size(), 4.0);
  EXPECT_DOUBLE_EQ(p.weighted_mean(0), 2.5);
  EXPECT_EQ(p.weighted_quantile(0, 0.05), 1.0);
  EXPECT_EQ(p.weighted_quantile(0, 0.5), 2.0);
  EXPECT_EQ(p.weighted_quantile(0, 0.95), 4.0);
  p.weights = {0.0001, 0.0001, 0.0001, 1.0};
  EXPECT_NEAR(p.effective_sample_size(), 1.0006, 1e-3);
  EXPECT_NEAR(p.weighted_mean(0), 4.0, 1e-3);
}

}  // namespace
}  // namespace cxsim
