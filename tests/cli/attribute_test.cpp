// `cxsim attribute` end to end: the shares add up to the roadmap's value in every replication;
// initiatives acting on separate segments get their own values; two initiatives on one failure
// rate split their interaction evenly; sub-roadmaps are paired with `cxsim run` bit for bit;
// exact and sampled agree; the same file at any thread count, batch size and after an interrupt;
// precise errors for bad attribute blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command_test_folder.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;

class Attribution : public cxsim::testing::CommandTestFolder {
 protected:
  std::vector<std::string> strings(const std::string& file, const std::string& dataset) const {
    const Output o =
        sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
           "for x in h5py.File(sys.argv[1], 'r')[sys.argv[2]][()]: "
           "print(x.decode())\" " +
           file + " " + dataset);
    std::vector<std::string> out;
    std::istringstream in(o.text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
  }
};

// Two segments that never meet: no network, nobody talks, no broadcast, and customer equity as
// the terminal value (the net choice spreads the initiatives' run-rate cost over every customer's
// lifetime, which couples them). An initiative on each segment: their values add.
const std::string kScenarioHead = R"(name: attribution_test
horizon_months: 18
replications: 3
seed: 4242
agents: 2000
discount_rate_annual: 0.08
terminal_value: customer_equity
market:
  population: 200000
  network: {type: none}
segments:
  - name: north
    share: 0.5
    initial_penetration: 0.4
    baseline_churn_monthly: {uniform: [0.01, 0.02]}
    performance: 7.6
    satisfaction: {mean: 7.2, sd: 1.5}
    expectation: {mean: 7.5, sd: 1.0}
    revenue: {price: 45, variable_cost: 14}
    acquisition_cost: 260
    adoption: {innovation: 0.004, imitation: 0.05}
    wom: {promoter_talk_probability: 0, detractor_talk_probability: 0, broadcast_reach: 0}
  - name: south
    share: 0.5
    initial_penetration: 0.3
    baseline_churn_monthly: 0.015
    performance: 7.8
    satisfaction: {mean: 7.4, sd: 1.2}
    expectation: {mean: 7.6, sd: 1.0}
    revenue: {price: 30, variable_cost: 10}
    acquisition_cost: 200
    adoption: {innovation: 0.003, imitation: 0.04}
    wom: {promoter_talk_probability: 0, detractor_talk_probability: 0, broadcast_reach: 0}
touchpoints:
  - name: care
    contacts_per_month: {north: 0.3, south: 0.2}
    failure_rate: 0.2
    recovery_rate: 0.4
    cost_per_contact: 5
    failure_cost: 15
    severity: 2.0
)";

const std::string kSeparateSegments = kScenarioHead + R"(initiatives:
  - name: north_retention
    ramp_months: 3
    capex: 150000
    opex_per_month: 4000
    effects:
      - {target: segments.north.baseline_churn_monthly, op: multiply, value: {triangular: [0.5, 0.7, 0.9]}}
  - name: south_service
    ramp_months: 4
    opex_per_month: 3000
    effects:
      - {target: segments.south.performance, op: add, value: {uniform: [0.2, 0.6]}}
      - {target: touchpoints.care.contacts_per_month.south, op: multiply, value: 0.8}
roadmaps:
  - name: baseline
  - name: both
    initiatives:
      - north_retention
      - {use: south_service, start_month: 4, opex_per_month: {uniform: [2000, 4000]}}
  - name: only_north
    initiatives: [north_retention]
)";

// Efficiency: per replication, the shares add up to total (= v(all) - v(none)) to 1e-9 relative.
void expect_efficiency(const std::vector<double>& shares, const std::vector<double>& total,
                       std::size_t players) {
  const std::size_t R = total.size();
  ASSERT_EQ(shares.size(), players * R);
  for (std::size_t r = 0; r < R; ++r) {
    double sum = 0.0;
    for (std::size_t i = 0; i < players; ++i) sum += shares[i * R + r];
    EXPECT_LE(std::abs(sum - total[r]), 1e-9 * std::abs(total[r]))
        << "replication " << r << ": shares add up to " << sum << ", total " << total[r];
  }
}

TEST_F(Attribution, InitiativesOnSeparateSegmentsGetTheirOwnValues) {
  const std::string scenario = write("segments.yaml", kSeparateSegments);
  const std::string exp =
      write("attr.yaml", "scenario: segments.yaml\nattribute: {roadmap: both}\n");
  const Output a = sh(kCxsim + " attribute " + exp + " -o " + path("attr.h5") + " -q");
  ASSERT_EQ(a.exit_code, 0) << a.text;
  const Output run = sh(kCxsim + " run " + scenario + " -o " + path("run.h5") + " -q");
  ASSERT_EQ(run.exit_code, 0) << run.text;

  EXPECT_EQ(strings(path("attr.h5"), "coords/initiative"),
            (std::vector<std::string>{"north_retention", "south_service"}));
  EXPECT_EQ(strings(path("attr.h5"), "attribute/coalitions"),
            (std::vector<std::string>{"[]", "[north_retention]", "[south_service]",
                                      "[north_retention, south_service]"}));
  const std::vector<double> v = read(path("attr.h5"), "attribute/value");  // [coalition][r]
  const std::vector<double> shares = read(path("attr.h5"), "attribute/shapley");
  const std::vector<double> total = read(path("attr.h5"), "attribute/total");
  const std::size_t R = 3;
  ASSERT_EQ(v.size(), 4 * R);
  expect_efficiency(shares, total, 2);
  for (std::size_t r = 0; r < R; ++r) {
    EXPECT_EQ(v[r], 0.0) << "the empty sub-roadmap is the baseline: delta_npv exactly 0";
    // Each share is the initiative's own value, against the roadmap without initiatives.
    const double own_north = v[1 * R + r] - v[r], own_south = v[2 * R + r] - v[r];
    EXPECT_LE(std::abs(shares[r] - own_north), 1e-9 * std::abs(own_north)) << r;
    EXPECT_LE(std::abs(shares[R + r] - own_south), 1e-9 * std::abs(own_south)) << r;
    EXPECT_NE(own_north, 0.0);
    EXPECT_NE(own_south, 0.0);
  }
  // Common random numbers across scenario builds: the full sub-roadmap is `both` of cxsim run
  // (its override drawn from the same path) and [north_retention] is `only_north`, bit for bit.
  for (const char* metric : {"delta_npv", "npv", "npv_cash", "customers_end", "investment_pv"}) {
    const std::vector<double> runs = read(path("run.h5"), std::string("summary/") + metric);
    const std::vector<double> subs = read(path("attr.h5"), std::string("summary/") + metric);
    ASSERT_EQ(runs.size(), 3 * R);  // baseline, both, only_north
    for (std::size_t r = 0; r < R; ++r) {
      EXPECT_EQ(subs[3 * R + r], runs[1 * R + r]) << metric << " of both, replication " << r;
      EXPECT_EQ(subs[1 * R + r], runs[2 * R + r]) << metric << " of only_north, " << r;
      EXPECT_EQ(subs[0 * R + r], runs[0 * R + r]) << metric << " of the empty sub-roadmap";
    }
  }
  const Output summary = sh(kCxsim + " summary " + path("attr.h5"));
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("north_retention"), std::string::npos) << summary.text;
  EXPECT_NE(summary.text.find("in 3 of 3 replications"), std::string::npos) << summary.text;
}

TEST_F(Attribution, TwoInitiativesOnOneFailureRateSplitTheirInteractionEvenly) {
  // fix_a and fix_b are the same initiative under two names; fix_c acts later and harder. All
  // multiply the one failure rate, so together they remove less than the sum of each alone.
  write("failures.yaml", kScenarioHead + R"(initiatives:
  - name: fix_a
    ramp_months: 2
    opex_per_month: 2000
    effects:
      - {target: touchpoints.care.failure_rate, op: multiply, value: 0.5}
  - name: fix_b
    ramp_months: 2
    opex_per_month: 2000
    effects:
      - {target: touchpoints.care.failure_rate, op: multiply, value: 0.5}
  - name: fix_c
    start_month: 4
    ramp_months: 3
    opex_per_month: 3000
    effects:
      - {target: touchpoints.care.failure_rate, op: multiply, value: 0.3}
roadmaps:
  - name: baseline
  - name: twins
    initiatives: [fix_a, fix_b]
  - name: mixed
    initiatives: [fix_a, fix_c]
)");
  const std::size_t R = 3;
  for (const char* roadmap : {"twins", "mixed"}) {
    const std::string exp = write(std::string(roadmap) + ".yaml",
                                  "scenario: failures.yaml\nset: {touchpoints.care.severity: 3}\n"
                                  "attribute: {roadmap: " +
                                      std::string(roadmap) + ", metric: npv}\n");
    const std::string out = path(std::string(roadmap) + ".h5");
    const Output a = sh(kCxsim + " attribute " + exp + " -o " + out + " -q");
    ASSERT_EQ(a.exit_code, 0) << a.text;
    const std::vector<double> v = read(out, "attribute/value");  // npv: v(empty) is not 0
    const std::vector<double> shares = read(out, "attribute/shapley");
    expect_efficiency(shares, read(out, "attribute/total"), 2);
    for (std::size_t r = 0; r < R; ++r) {
      const double u1 = v[R + r] - v[r], u2 = v[2 * R + r] - v[r], u12 = v[3 * R + r] - v[r];
      const double interaction = u12 - u1 - u2;
      EXPECT_GT(std::abs(interaction), 1e-6 * std::abs(u12)) << roadmap << ": no interaction";
      const double want1 = u1 + interaction / 2, want2 = u2 + interaction / 2;
      EXPECT_LE(std::abs(shares[r] - want1), 1e-9 * std::abs(want1)) << roadmap << " " << r;
      EXPECT_LE(std::abs(shares[R + r] - want2), 1e-9 * std::abs(want2)) << roadmap << " " << r;
      // Negative control: with an interaction, a share is not the initiative's own value.
      EXPECT_GT(std::abs(shares[r] - u1), 1e-6 * std::abs(u1)) << roadmap;
      if (std::string(roadmap) == "twins") {
        EXPECT_EQ(u1, u2) << "the same initiative under two names";
        EXPECT_EQ(shares[r], shares[R + r]) << "twins split evenly";
      }
    }
  }
}

const std::string kTelecom = "scenario: " + kSource +
                             "/scenarios/telecom.yaml\n"
                             "set: {agents: 1000, horizon_months: 24}\n"
                             "replications: 4\n";

TEST_F(Attribution, ExactAndSampledAgreeWithinTheSampledInterval) {
  const std::string exact = write("exact.yaml", kTelecom + "attribute: {roadmap: phased}\n");
  const std::string sampled =
      write("sampled.yaml",
            kTelecom + "attribute: {roadmap: phased, method: sampled, permutations: 40}\n");
  ASSERT_EQ(sh(kCxsim + " attribute " + exact + " -o " + path("exact.h5") + " -q").exit_code, 0);
  const Output s = sh(kCxsim + " attribute " + sampled + " -o " + path("sampled.h5") + " -q");
  ASSERT_EQ(s.exit_code, 0) << s.text;
  const std::vector<double> e = read(path("exact.h5"), "attribute/interval");  // mean se low high
  const std::vector<double> x = read(path("sampled.h5"), "attribute/interval");
  ASSERT_EQ(e.size(), 16u);
  ASSERT_EQ(x.size(), 16u);
  bool differs = false;
  for (std::size_t i = 0; i < 4; ++i) {
    const double exact_mean = e[i * 4], low = x[i * 4 + 2], high = x[i * 4 + 3];
    EXPECT_TRUE(low <= exact_mean && exact_mean <= high)
        << "initiative " << i << ": exact " << exact_mean << ", sampled [" << low << ", " << high
        << "]";
    differs = differs || x[i * 4] != exact_mean;
  }
  EXPECT_TRUE(differs) << "the sampled estimate is an estimate";
  expect_efficiency(read(path("sampled.h5"), "attribute/shapley"),
                    read(path("sampled.h5"), "attribute/total"), 4);
  expect_efficiency(read(path("exact.h5"), "attribute/shapley"),
                    read(path("exact.h5"), "attribute/total"), 4);
  // The two share one value: the roadmap's, paired replication by replication.
  EXPECT_EQ(read(path("exact.h5"), "attribute/total"), read(path("sampled.h5"), "attribute/total"));
  const Output summary = sh(kCxsim + " summary " + path("sampled.h5"));
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("sampling of the 40 orders"), std::string::npos) << summary.text;
}

TEST_F(Attribution, TheSameFileAtAnyThreadCountBatchSizeAndAfterAnInterrupt) {
  const std::string exp = write("attr.yaml", kTelecom + "attribute: {roadmap: phased}\n");
  ASSERT_EQ(
      sh(kCxsim + " attribute " + exp + " -o " + path("one.h5") + " -q --threads 1").exit_code, 0);
  ASSERT_EQ(
      sh(kCxsim + " attribute " + exp + " -o " + path("two.h5") + " -q --threads 2").exit_code, 0);
  const Output c = compare(path("one.h5"), path("two.h5"));
  EXPECT_EQ(c.exit_code, 0) << c.text;

  // 16 sub-roadmaps in batches of 5: interrupted after the first batch, then resumed (in its
  // batches of 5, whatever the environment says then): the file of one batch.
  const Output stopped = sh("CXSIM_ATTRIBUTE_BATCH=5 CXSIM_STOP_AFTER=1 " + kCxsim + " attribute " +
                            exp + " -o " + path("resumed.h5") + " --threads 2");
  EXPECT_NE(stopped.exit_code, 0) << stopped.text;
  EXPECT_NE(stopped.text.find("1 of 4 batches kept"), std::string::npos) << stopped.text;
  EXPECT_NE(stopped.text.find("--resume"), std::string::npos) << stopped.text;
  EXPECT_TRUE(fs::exists(path("resumed.h5.partial")));
  const Output resumed =
      sh(kCxsim + " attribute " + exp + " -o " + path("resumed.h5") + " --resume -q");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.text;
  const Output c2 = compare(path("one.h5"), path("resumed.h5"));
  EXPECT_EQ(c2.exit_code, 0) << c2.text;
  // Negative control: another seed gives another file.
  ASSERT_EQ(sh(kCxsim + " attribute " + exp + " -o " + path("seed.h5") + " -q --seed 99").exit_code,
            0);
  EXPECT_NE(compare(path("one.h5"), path("seed.h5")).exit_code, 0);
  // A resume of a finished file, or of another experiment, is refused.
  EXPECT_NE(sh(kCxsim + " attribute " + exp + " -o " + path("one.h5") + " --resume").exit_code, 0);
}

struct BadAttribute {
  const char* body;     // after the scenario lines
  const char* command;  // attribute | sweep
  const char* message;  // must appear in the error
};

TEST_F(Attribution, BadAttributeBlocksGetPreciseErrors) {
  const std::string head = "scenario: " + kSource + "/scenarios/telecom.yaml\n";
  const BadAttribute cases[] = {
      {"attribute: {roadmap: phasd}\n", "attribute",
       ":2:22: attribute.roadmap: unknown roadmap 'phasd' (did you mean 'phased'?) (expected one "
       "of the scenario's roadmaps: baseline, billing_then_digital"},
      {"attribute: {roadmap: baseline}\n", "attribute",
       "attribute.roadmap: a roadmap without initiatives (got baseline, which has none"},
      {"attribute: {}\n", "attribute", "attribute.roadmap: missing required key"},
      {"attribute: {roadmap: phased, metric: delta_npx}\n", "attribute",
       "attribute.metric: unknown summary metric 'delta_npx' (did you mean 'delta_npv'?)"},
      {"attribute: {roadmap: phased, metric: roi}\n", "attribute",
       "attribute.metric: a metric that cannot be shared out (got roi: a ratio"},
      {"attribute: {roadmap: phased, initiatives: [billing_fx]}\n", "attribute",
       "attribute.initiatives: unknown initiative 'billing_fx' (did you mean 'billing_fix'?) "
       "(expected one of phased's initiatives: billing_fix, fcr_programme, digital_app, "
       "closed_loop)"},
      {"attribute: {roadmap: billing_then_digital, initiatives: [fcr_programme]}\n", "attribute",
       "an initiative roadmap billing_then_digital does not use (got 'fcr_programme'"},
      {"attribute: {roadmap: phased, initiatives: [billing_fix, billing_fix]}\n", "attribute",
       "an initiative listed twice (got billing_fix again"},
      {"attribute: {roadmap: phased, method: exact, permutations: 50}\n", "attribute",
       "attribute.permutations: permutations is for method sampled"},
      {"attribute: {roadmap: phased, method: sampled, permutations: 1}\n", "attribute",
       "attribute.permutations: out of range (got '1'; expected an integer in [2, 1000000])"},
      {"attribute: {roadmap: phased, method: shapley}\n", "attribute",
       "attribute.method: unknown value 'shapley' (expected one of: exact, sampled)"},
      {"attribute:\n  roadmap: phased\n  permutatons: 10\n", "attribute",
       ":4:3: attribute.permutatons: unknown key 'permutatons' (did you mean 'permutations'?)"},
      {"attribute: phased\n", "attribute",
       ":2:12: attribute: wrong type (got 'phased'; expected a mapping"},
      {"attribute: {roadmap: phased}\n", "sweep", "an attribute block, not a sweep block"},
      {"sweep: {design: list, factors: [{path: agents, values: [10]}]}\n", "attribute",
       "a sweep block, not an attribute block"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string exp = write("bad" + std::to_string(i++) + ".yaml", head + c.body);
    const Output o = sh(kCxsim + " " + c.command + " " + exp + " -o " + path("bad.h5"));
    EXPECT_EQ(o.exit_code, 2) << c.body << o.text;
    EXPECT_NE(o.text.find(c.message), std::string::npos) << c.body << "\n" << o.text;
    EXPECT_FALSE(fs::exists(path("bad.h5")));
    EXPECT_FALSE(fs::exists(path("bad.h5.partial")));
  }
}

TEST_F(Attribution, ExactIsRefusedBeyondTenInitiativesAndSampledRuns) {
  std::string initiatives = "initiatives:\n", uses;
  for (int i = 0; i < 11; ++i) {
    initiatives += "  - name: step" + std::to_string(i) +
                   "\n    opex_per_month: 100\n    effects:\n      - {target: "
                   "touchpoints.care.failure_rate, op: multiply, value: 0.97}\n";
    uses += (i ? ", step" : "step") + std::to_string(i);
  }
  write("eleven.yaml", kScenarioHead + initiatives +
                           "roadmaps:\n  - name: baseline\n  - name: "
                           "all\n    initiatives: [" +
                           uses + "]\n");
  const std::string exact =
      write("exact.yaml",
            "scenario: eleven.yaml\nset: {agents: 300}\nattribute:\n  roadmap: all\n"
            "  method: exact\n");
  const Output o = sh(kCxsim + " attribute " + exact + " -o " + path("x.h5"));
  EXPECT_EQ(o.exit_code, 2) << o.text;
  EXPECT_NE(o.text.find(":5:11: attribute.method: too many initiatives for method exact (got 11 "
                        "initiatives of all, 2^11 sub-roadmaps; expected at most 10 for exact, "
                        "or method: sampled)"),
            std::string::npos)
      << o.text;
  // Without a method, 11 initiatives are sampled (200 orders by default).
  const std::string dflt = write("default.yaml",
                                 "scenario: eleven.yaml\nset: {agents: 300, horizon_months: 6}\n"
                                 "replications: 2\nattribute: {roadmap: all, permutations: 3}\n");
  const Output s = sh(kCxsim + " attribute " + dflt + " -o " + path("s.h5") + " -q");
  ASSERT_EQ(s.exit_code, 0) << s.text;
  EXPECT_EQ(strings(path("s.h5"), "coords/initiative").size(), 11u);
  EXPECT_LE(read(path("s.h5"), "coords/coalition").size(), 3u * 10u + 2u);
  expect_efficiency(read(path("s.h5"), "attribute/shapley"), read(path("s.h5"), "attribute/total"),
                    11);
}

}  // namespace
