// `cxsim calibrate` end to end on a small case whose history the engine made with a known
// baseline churn: the truth inside the 90% posterior interval, the interval much narrower than
// the prior; a history made with another value excludes it (the negative control); a parameter
// that changes nothing observed keeps its prior's width and the summary says it was not
// identified; the same file at 1 and 2 threads and after an interrupt; the budget's stop message;
// precise errors (exit 2, file:line:col) for bad histories and calibrate blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "command_test_folder.hpp"
#include "fixture_files.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;

// One segment, no network, no uncertain number but those calibrated; an initiative the baseline
// roadmap does not use (its capex changes nothing observed).
const std::string kScenario = cxsim::testing::fixture_text("calibration_solo.yaml") + R"(
initiatives:
  - name: unused
    ramp_months: 3
    capex: 150000
    effects:
      - {target: segments.solo.performance, op: add, value: 0.3}
roadmaps:
  - name: baseline
  - name: with_unused
    initiatives: [unused]
)";

class Calibration : public cxsim::testing::CommandTestFolder {
 protected:
  void SetUp() override {
    CommandTestFolder::SetUp();
    write("scenario.yaml", kScenario);
  }

  // The engine's own history at a baseline churn: customers and churned of the baseline roadmap,
  // replication 0, with another seed than the calibration's.
  std::string history(const std::string& name, double churn) const {
    const std::string h5 = path(name + "_run.h5");
    const Output run = sh(kCxsim + " run " + path("scenario.yaml") +
                          " --set segments.solo.baseline_churn_monthly=" + std::to_string(churn) +
                          " --seed 99 -o " + h5 + " -q");
    EXPECT_EQ(run.exit_code, 0) << run.text;
    const Output csv =
        sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
           "f = h5py.File(sys.argv[1], 'r')\n"
           "c, ch = f['timeseries/customers'][0, 0], f['timeseries/churned'][0, 0]\n"
           "print('month,customers,churned')\n"
           "for t in range(len(c)): print(f'{t + 1},{c[t]:.0f},{ch[t]:.0f}')\" " +
           h5 + " > " + path(name + ".csv"));
    EXPECT_EQ(csv.exit_code, 0) << csv.text;
    return name + ".csv";
  }

  std::string experiment(const std::string& name, const std::string& csv,
                         int particles = 80) const {
    return write(name, "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: " + csv +
                           "\n  roadmap: baseline\n  parameters:\n"
                           "    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: "
                           "[0.005, 0.08]}}\n"
                           "    - {path: initiatives.unused.capex, prior: {uniform: [100000, "
                           "500000]}}\n"
                           "  particles: " +
                           std::to_string(particles) + "\n  max_simulations: " +
                           std::to_string(30 * particles) + "\n  max_generations: 6\n");
  }

  // Weighted 5% and 95% quantiles of parameter i of the posterior.
  std::pair<double, double> interval(const std::string& file, std::size_t i) const {
    return cxsim::testing::weighted_90_interval(read(file, "calibrate/particles"),
                                                read(file, "calibrate/weights"), i);
  }
};

TEST_F(Calibration, RecoversTheBaselineChurnAndFlagsTheUnidentifiedParameter) {
  const std::string exp = experiment("cal.yaml", history("truth", 0.03));
  const Output c = sh(kCxsim + " calibrate " + exp + " -o " + path("cal.h5") + " --threads 2");
  ASSERT_EQ(c.exit_code, 0) << c.text;
  const auto [lo, hi] = interval(path("cal.h5"), 0);
  EXPECT_LT(lo, 0.03) << c.text;
  EXPECT_GT(hi, 0.03) << c.text;
  // The prior's 90% width is 0.9 x 0.075: the posterior's is far narrower.
  EXPECT_LT((hi - lo) / (0.9 * 0.075), 0.25) << lo << " " << hi;
  // The capex changes nothing observed: it keeps most of its prior's width.
  const auto [clo, chi] = interval(path("cal.h5"), 1);
  EXPECT_GT((chi - clo) / (0.9 * 400000), 0.8) << clo << " " << chi;
  const Output s = sh(kCxsim + " summary " + path("cal.h5"));
  ASSERT_EQ(s.exit_code, 0) << s.text;
  const std::size_t capex_line = s.text.find("initiatives.unused.capex");
  ASSERT_NE(capex_line, std::string::npos) << s.text;
  const std::string line = s.text.substr(capex_line, s.text.find('\n', capex_line) - capex_line);
  EXPECT_NE(line.find("not identified"), std::string::npos) << s.text;
  const std::size_t churn_line = s.text.find("segments.solo.baseline_churn_monthly");
  const std::string line0 = s.text.substr(churn_line, s.text.find('\n', churn_line) - churn_line);
  EXPECT_EQ(line0.find("not identified"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("posterior predictive check"), std::string::npos) << s.text;
  EXPECT_NE(s.text.find("epsilon"), std::string::npos) << s.text;

  // The overlay: extends the scenario, names the file and its hash, one row per particle.
  std::ifstream in(path("cal.h5.yaml"));
  const std::string overlay((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(overlay.find("extends: \"scenario.yaml\""), std::string::npos) << overlay;
  EXPECT_NE(overlay.find("source: \"cal.h5\""), std::string::npos) << overlay;
  const Output sha = sh("sha256sum " + path("cal.h5"));
  EXPECT_NE(overlay.find(sha.text.substr(0, 64)), std::string::npos) << overlay;
  EXPECT_NE(overlay.find("parameters: [segments.solo.baseline_churn_monthly, "
                         "initiatives.unused.capex]"),
            std::string::npos);
  EXPECT_EQ(std::count(overlay.begin(), overlay.end(), '\n'), 2 + 6 + 80 + 1);

  // The negative control: a history made with churn 0.05 excludes 0.03.
  const std::string other = experiment("other.yaml", history("other", 0.05));
  const Output o = sh(kCxsim + " calibrate " + other + " -o " + path("other.h5") + " -q");
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const auto [olo, ohi] = interval(path("other.h5"), 0);
  EXPECT_TRUE(0.03 < olo || 0.03 > ohi) << olo << " " << ohi;
  EXPECT_LT(olo, 0.05);
  EXPECT_GT(ohi, 0.05);
}

TEST_F(Calibration, TheSameFileAtAnyThreadCountAndAfterAnInterrupt) {
  const std::string exp = experiment("cal.yaml", history("truth", 0.03), 40);
  const Output one = sh(kCxsim + " calibrate " + exp + " -o " + path("one.h5") + " --threads 1 -q");
  ASSERT_EQ(one.exit_code, 0) << one.text;
  const Output two = sh(kCxsim + " calibrate " + exp + " -o " + path("two.h5") + " --threads 2 -q");
  ASSERT_EQ(two.exit_code, 0) << two.text;
  const Output c = compare(path("one.h5"), path("two.h5"));
  EXPECT_EQ(c.exit_code, 0) << c.text;

  const Output stopped = sh("CXSIM_STOP_AFTER=2 " + kCxsim + " calibrate " + exp + " -o " +
                            path("resumed.h5") + " --threads 2");
  EXPECT_NE(stopped.exit_code, 0) << stopped.text;
  EXPECT_NE(stopped.text.find("--resume"), std::string::npos) << stopped.text;
  EXPECT_NE(stopped.text.find("2 generations kept"), std::string::npos) << stopped.text;
  ASSERT_TRUE(fs::exists(path("resumed.h5.partial")));
  const Output resumed =
      sh(kCxsim + " calibrate " + exp + " -o " + path("resumed.h5") + " --resume -q");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.text;
  const Output c2 = compare(path("one.h5"), path("resumed.h5"));
  EXPECT_EQ(c2.exit_code, 0) << c2.text;
  // Another seed is another calibration.
  const Output seed = sh(kCxsim + " calibrate " + exp + " -o " + path("seed.h5") + " --seed 8 -q");
  ASSERT_EQ(seed.exit_code, 0) << seed.text;
  EXPECT_NE(compare(path("one.h5"), path("seed.h5")).exit_code, 0);
}

TEST_F(Calibration, TheBudgetEndsTheRunNormallyAndSaysSo) {
  history("truth", 0.03);
  const std::string tight =
      write("tight.yaml",
            "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: truth.csv\n"
            "  roadmap: baseline\n  parameters:\n"
            "    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: "
            "[0.005, 0.08]}}\n  particles: 50\n  max_simulations: 180\n");
  const Output t = sh(kCxsim + " calibrate " + tight + " -o " + path("t.h5"));
  ASSERT_EQ(t.exit_code, 0) << t.text;
  EXPECT_NE(t.text.find("calibration stopped: reached max_simulations (180)"), std::string::npos)
      << t.text;
  EXPECT_EQ(read(path("t.h5"), "calibrate/epsilon").size(), 2u) << t.text;
}

// Priors on a distribution's own parameters: the sBG heterogeneity of the segment's churn,
// beta: [a, 98] with the first shape calibrated against the survival of the customers.
TEST_F(Calibration, FitsAnSbgHeterogeneityShape) {
  std::string scenario = kScenario;
  const std::string at = "    baseline_churn_monthly: 0.02\n";
  scenario.replace(scenario.find(at), at.size(),
                   at + "    heterogeneity: {baseline_churn_monthly: {beta: [2, 98]}}\n");
  write("scenario.yaml", scenario);
  const std::string csv = history("truth", 0.02);  // the history keeps beta: [2, 98]
  const std::string exp = write(
      "het.yaml", "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: " + csv +
                      "\n  roadmap: baseline\n  parameters:\n"
                      "    - {path: segments.solo.heterogeneity.baseline_churn_monthly.beta.0, "
                      "prior: {uniform: [0.5, 8]}}\n"
                      "  particles: 60\n  max_simulations: 1800\n  max_generations: 6\n");
  const Output c = sh(kCxsim + " calibrate " + exp + " -o " + path("het.h5") + " -q");
  ASSERT_EQ(c.exit_code, 0) << c.text;
  const auto [lo, hi] = interval(path("het.h5"), 0);
  EXPECT_LT(lo, 2.0);
  EXPECT_GT(hi, 2.0);
  EXPECT_LT((hi - lo) / (0.9 * 7.5), 0.5) << lo << " " << hi;
  // A kind the key is not written as is refused at its line.
  const std::string wrong = write(
      "wrong.yaml", "scenario: scenario.yaml\ncalibrate:\n  observed: " + csv +
                        "\n  roadmap: baseline\n  parameters:\n"
                        "    - {path: segments.solo.heterogeneity.baseline_churn_monthly.normal.0, "
                        "prior: {uniform: [0.5, 8]}}\n");
  const Output w = sh(kCxsim + " calibrate " + wrong + " -o " + path("w.h5"));
  EXPECT_EQ(w.exit_code, 2) << w.text;
  EXPECT_NE(w.text.find("wrong.yaml:6:"), std::string::npos) << w.text;
}

// summary: monthly: the distance over every observed month (summary: total, each series' sum,
// is the default); the predictive check is monthly either way, and the resolved experiment
// names the summary used.
TEST_F(Calibration, EveryMonthAsTheSummaryOnRequest) {
  const std::string csv = history("truth", 0.03);
  const std::string exp =
      write("mon.yaml", "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: " + csv +
                            "\n  roadmap: baseline\n  summary: monthly\n  parameters:\n"
                            "    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: "
                            "[0.005, 0.08]}}\n"
                            "  particles: 60\n  max_simulations: 1800\n  max_generations: 6\n");
  const Output c = sh(kCxsim + " calibrate " + exp + " -o " + path("mon.h5") + " -q");
  ASSERT_EQ(c.exit_code, 0) << c.text;
  const auto [lo, hi] = interval(path("mon.h5"), 0);
  EXPECT_LT(lo, 0.03);
  EXPECT_GT(hi, 0.03);
  EXPECT_LT((hi - lo) / (0.9 * 0.075), 0.25) << lo << " " << hi;
  EXPECT_EQ(read(path("mon.h5"), "calibrate/scale").size(), 2u);
  EXPECT_EQ(read(path("mon.h5"), "calibrate/posterior_predictive/churned").size(), 4u * 12u);
  const auto summary_line = [&](const std::string& file) {
    return sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
              "t = h5py.File(sys.argv[1], 'r')['experiment'][()]\n"
              "t = t.decode() if isinstance(t, bytes) else t\n"
              "print([l.strip() for l in t.splitlines() if l.strip().startswith('summary:')])\" " +
              file)
        .text;
  };
  EXPECT_NE(summary_line(path("mon.h5")).find("summary: monthly"), std::string::npos);
  // The same block without the key: the default, totals.
  const std::string dflt =
      write("dflt.yaml", "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: " + csv +
                             "\n  roadmap: baseline\n  parameters:\n"
                             "    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: "
                             "[0.005, 0.08]}}\n"
                             "  particles: 20\n  max_simulations: 40\n  max_generations: 2\n");
  const Output d = sh(kCxsim + " calibrate " + dflt + " -o " + path("dflt.h5") + " -q");
  ASSERT_EQ(d.exit_code, 0) << d.text;
  EXPECT_NE(summary_line(path("dflt.h5")).find("summary: total"), std::string::npos);
}

// Rows with a segment hold that segment's series (/timeseries_by_segment), rows without one the
// totals; both feed the distance.
TEST_F(Calibration, SegmentRowsAreTheSegmentsSeries) {
  std::string csv = "month,segment,customers,churned\n";
  for (int m = 1; m <= 12; ++m) {
    csv += std::to_string(m) + ",solo," + std::to_string(50000 - 300 * m) + ",1500\n";
    if (m % 3 == 0) csv += std::to_string(m) + ",," + std::to_string(50000 - 300 * m) + ",\n";
  }
  write("seg.csv", csv);
  const std::string exp =
      write("seg.yaml",
            "scenario: scenario.yaml\nseed: 7\ncalibrate:\n  observed: seg.csv\n"
            "  roadmap: baseline\n  parameters:\n"
            "    - {path: segments.solo.baseline_churn_monthly, prior: {uniform: "
            "[0.005, 0.08]}}\n"
            "  particles: 30\n  max_simulations: 300\n  max_generations: 3\n");
  const Output c = sh(kCxsim + " calibrate " + exp + " -o " + path("seg.h5") + " -q");
  ASSERT_EQ(c.exit_code, 0) << c.text;
  const Output series =
      sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
         "print([x.decode() for x in h5py.File(sys.argv[1], 'r')['coords/series'][()]])\" " +
         path("seg.h5"));
  EXPECT_NE(series.text.find("['customers', 'customers[solo]', 'churned[solo]']"),
            std::string::npos)
      << series.text;
  EXPECT_EQ(read(path("seg.h5"), "calibrate/observed/customers[solo]").size(), 12u);
}

struct BadHistory {
  const char* csv;
  const char* where;  // file:line:col suffix expected
  const char* what;
};

TEST_F(Calibration, BadHistoriesGetPreciseErrors) {
  const BadHistory cases[] = {
      {"month,customers,churnd\n1,50000,900\n", "h.csv:1:17: churnd:", "did you mean 'churned'"},
      {"month,customers\n13,50000\n", "h.csv:2:1: month:", "outside the horizon"},
      {"month,customers\n0,50000\n", "h.csv:2:1: month:", "expected 1..12"},
      {"month,churned\n1,-5\n", "h.csv:2:3: churned:", "out of range"},
      {"month,customers\n1,lots\n", "h.csv:2:3: customers:", "not a number"},
      {"month,customers\n1,50000\n1,51000\n", "h.csv:3:1: month:", "month 1 twice"},
      {"\x89HDF\r\n\x1a\n\x00\x00", "h.csv:1:1:", "not a CSV file"},
      {"{\"customers\": [1, 2]}\n", "h.csv:1:1:", "not a history header"},
      {"month,customers\n1,50000,7\n", "h.csv:2:1:", "a row of 3 cells"},
      {"month,customers,segment\n1,50000,nowhere\n", "h.csv:2:9: segment:", "unknown segment"},
      {"month,customers\n", "h.csv:1:1:", "no observed value"},
  };
  for (const auto& bad : cases) {
    {
      std::ofstream out(path("h.csv"), std::ios::binary);
      out.write(bad.csv, static_cast<std::streamsize>(
                             std::string_view(bad.csv).size() +
                             (std::string_view(bad.csv).find("HDF") != std::string::npos ? 2 : 0)));
    }
    const std::string exp = experiment("bad.yaml", "h.csv");
    const Output o = sh(kCxsim + " calibrate " + exp + " -o " + path("bad.h5"));
    EXPECT_EQ(o.exit_code, 2) << bad.csv << "\n" << o.text;
    EXPECT_NE(o.text.find(bad.where), std::string::npos) << bad.where << "\n" << o.text;
    EXPECT_NE(o.text.find(bad.what), std::string::npos) << bad.what << "\n" << o.text;
  }
}

TEST_F(Calibration, BadCalibrateBlocksGetPreciseErrors) {
  write("h.csv", "month,customers\n1,50000\n");
  const std::string head = "scenario: scenario.yaml\ncalibrate:\n  observed: h.csv\n";
  const std::pair<std::string, std::string> cases[] = {
      {head + "  roadmap: basline\n  parameters: [{path: churn.satisfaction, prior: {uniform: "
              "[0.1, 1]}}]\n",
       "did you mean 'baseline'"},
      {head + "  roadmap: baseline\n  parameters: [{path: churn.satisfacton, prior: {uniform: "
              "[0.1, 1]}}]\n",
       "churn.satisfaction"},
      {head + "  roadmap: baseline\n  parameters: [{path: churn.satisfaction, prior: {gamma: "
              "[1, 1]}}]\n",
       "unknown prior 'gamma'"},
      {head + "  roadmap: baseline\n  parameters: [{path: churn.satisfaction, prior: {uniform: "
              "[1, 0.1]}}]\n",
       "not a uniform prior"},
      {head + "  roadmap: baseline\n  particles: 50\n  max_simulations: 10\n  parameters: [{path: "
              "churn.satisfaction, prior: {uniform: [0.1, 1]}}]\n",
       "a budget below generation 0"},
      {head + "  roadmap: baseline\n  particels: 50\n  parameters: [{path: churn.satisfaction, "
              "prior: {uniform: [0.1, 1]}}]\n",
       "did you mean 'particles'"},
      {"scenario: scenario.yaml\ncalibrate:\n  observed: missing.csv\n  roadmap: baseline\n  "
       "parameters: [{path: churn.satisfaction, prior: {uniform: [0.1, 1]}}]\n",
       "cannot read the history"},
  };
  for (const auto& [text, what] : cases) {
    const std::string exp = write("bad.yaml", text);
    const Output o = sh(kCxsim + " calibrate " + exp + " -o " + path("bad.h5"));
    EXPECT_EQ(o.exit_code, 2) << text << "\n" << o.text;
    EXPECT_NE(o.text.find("bad.yaml:"), std::string::npos) << text << "\n" << o.text;
    EXPECT_NE(o.text.find(what), std::string::npos) << what << "\n" << o.text;
  }
  // A calibrate block given to another command, and another block to calibrate.
  const std::string exp = write("sweep.yaml", "scenario: scenario.yaml\nsweep: {factors: []}\n");
  const Output o = sh(kCxsim + " calibrate " + exp);
  EXPECT_EQ(o.exit_code, 2) << o.text;
  EXPECT_NE(o.text.find("run cxsim sweep on this file"), std::string::npos) << o.text;
}

}  // namespace
