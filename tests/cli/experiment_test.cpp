// `cxsim sweep` and `cxsim sensitivity` end to end: common random numbers across points (a point
// equal to the base scenario is `cxsim run` bit for bit), the same file at any thread count and
// after an interrupt, precise errors for bad experiment files, and Sobol indices of an engine case
// whose indices follow from the model's own closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
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

class Experiments : public cxsim::testing::CommandTestFolder {
 protected:
};

const std::string kTelecomSweep =
    "scenario: " + kSource +
    "/scenarios/telecom.yaml\n"
    "set: {agents: 1500}\n"
    "replications: 3\n"
    "outputs: [delta_npv, npv]\n"
    "sweep:\n"
    "  design: list\n"
    "  factors:\n"
    "    - {path: satisfaction.loss_weight, values: [0.8, 0.4, 1.2]}\n";

TEST_F(Experiments, APointEqualToTheBaseScenarioIsCxsimRunBitForBit) {
  // telecom.s own satisfaction.loss_weight is 0.8: point 0 sets it to what it already is.
  const std::string exp = write("sweep.yaml", kTelecomSweep);
  const Output s = sh(kCxsim + " sweep " + exp + " -o " + path("sweep.h5") + " -q");
  ASSERT_EQ(s.exit_code, 0) << s.text;
  const Output r = sh(kCxsim + " run " + kSource + "/scenarios/telecom.yaml --set agents=1500 " +
                      "--replications 3 -o " + path("run.h5") + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.text;
  for (const char* metric : {"npv", "delta_npv", "npv_cash", "customers_end", "roi"}) {
    const std::vector<double> run = read(path("run.h5"), std::string("summary/") + metric);
    const std::vector<double> all = read(path("sweep.h5"), std::string("summary/") + metric);
    const std::vector<double> base = read(path("sweep.h5"), std::string("base/summary/") + metric);
    ASSERT_EQ(all.size(), 3 * run.size());
    for (std::size_t i = 0; i < run.size(); ++i) {
      // Bit for bit, NaN (the baseline's ROI) included.
      EXPECT_TRUE(all[i] == run[i] || (std::isnan(all[i]) && std::isnan(run[i])))
          << metric << " [" << i << "]: " << all[i] << " vs " << run[i];
      EXPECT_TRUE(base[i] == run[i] || (std::isnan(base[i]) && std::isnan(run[i])));
    }
    // Negative control: another point differs.
    bool differs = false;
    for (std::size_t i = 0; i < run.size(); ++i) differs |= all[run.size() + i] != run[i];
    EXPECT_TRUE(differs || std::string(metric) == "roi") << metric;
  }
  // Paired differences at point 0 are exactly zero: same random numbers, same values.
  const std::vector<double> pd = read(path("sweep.h5"), "paired_difference/npv");
  EXPECT_EQ(pd[0], 0.0);  // point 0, roadmap 0, mean
}

TEST_F(Experiments, SmallTimeseriesChunksAreStoredUncompressedLargeOnesDeflated) {
  // A point's chunk of /timeseries_mean is roadmaps x months doubles: telecom's 5 x 36 (1.4 KiB)
  // is stored as it is; 5 x 480 months (19 KiB) is deflated. Fletcher-32 on both.
  const std::string small = write("small.yaml", kTelecomSweep);
  std::string longer = kTelecomSweep;
  longer.replace(longer.find("set: {agents: 1500}"), 19, "set: {agents: 200, horizon_months: 480}");
  const std::string large = write("large.yaml", longer);
  ASSERT_EQ(sh(kCxsim + " sweep " + small + " -o " + path("small.h5") + " -q").exit_code, 0);
  const Output l = sh(kCxsim + " sweep " + large + " -o " + path("large.h5") + " -q");
  ASSERT_EQ(l.exit_code, 0) << l.text;
  const std::string filters =
      "import sys, h5py\n"
      "for name in sys.argv[1:]:\n"
      "    d = h5py.File(name, 'r')['timeseries_mean/customers']\n"
      "    print(d.chunks, d.compression, d.fletcher32)\n";
  const Output o =
      sh("/usr/bin/python3 -c \"" + filters + "\" " + path("small.h5") + " " + path("large.h5"));
  ASSERT_EQ(o.exit_code, 0) << o.text;
  EXPECT_NE(o.text.find("(1, 5, 36) None True"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("(1, 5, 480) gzip True"), std::string::npos) << o.text;
}

TEST_F(Experiments, TheSameFileAtOneAndTwoThreadsAndAfterAnInterrupt) {
  const std::string exp = write("sens.yaml", "scenario: " + kSource +
                                                 "/scenarios/telecom.yaml\n"
                                                 "set: {agents: 1000}\n"
                                                 "replications: 2\n"
                                                 "sensitivity:\n"
                                                 "  method: morris\n"
                                                 "  trajectories: 3\n"
                                                 "  levels: 4\n"
                                                 "  bootstrap: 50\n"
                                                 "  factors:\n"
                                                 "    - {path: churn.satisfaction, range: [0.3, "
                                                 "0.6]}\n"
                                                 "    - {path: market.competitor_pressure}\n");
  ASSERT_EQ(
      sh(kCxsim + " sensitivity " + exp + " -o " + path("one.h5") + " -q --threads 1").exit_code,
      0);
  ASSERT_EQ(
      sh(kCxsim + " sensitivity " + exp + " -o " + path("two.h5") + " -q --threads 2").exit_code,
      0);
  const Output c = compare(path("one.h5"), path("two.h5"));
  EXPECT_EQ(c.exit_code, 0) << c.text;

  // Interrupted after 4 of its 9 points, then resumed: the same file.
  const Output stopped = sh("CXSIM_STOP_AFTER=4 " + kCxsim + " sensitivity " + exp + " -o " +
                            path("resumed.h5") + " --threads 2");
  EXPECT_NE(stopped.exit_code, 0) << stopped.text;
  EXPECT_NE(stopped.text.find("--resume"), std::string::npos) << stopped.text;
  EXPECT_TRUE(fs::exists(path("resumed.h5.partial")));
  // The points written since the last commit are committed before the count is printed: the
  // count and /run/point_done agree, and every point written is kept.
  const std::size_t kept_at = stopped.text.find(" of 9 points kept");
  ASSERT_NE(kept_at, std::string::npos) << stopped.text;
  const std::size_t number_at = stopped.text.rfind(' ', kept_at - 1) + 1;
  const int kept = std::stoi(stopped.text.substr(number_at, kept_at - number_at));
  EXPECT_GE(kept, 4) << stopped.text;
  double marked = 0;
  for (const double flag : read(path("resumed.h5.partial"), "run/point_done")) marked += flag;
  EXPECT_EQ(marked, kept) << stopped.text;
  const Output resumed =
      sh(kCxsim + " sensitivity " + exp + " -o " + path("resumed.h5") + " --resume -q");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.text;
  const Output c2 = compare(path("one.h5"), path("resumed.h5"));
  EXPECT_EQ(c2.exit_code, 0) << c2.text;
  // Negative control: another seed gives another file.
  ASSERT_EQ(
      sh(kCxsim + " sensitivity " + exp + " -o " + path("seed.h5") + " -q --seed 99").exit_code, 0);
  EXPECT_NE(compare(path("one.h5"), path("seed.h5")).exit_code, 0);
  // The summary reads the file.
  const Output summary = sh(kCxsim + " summary " + path("one.h5"));
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("mu*"), std::string::npos) << summary.text;
}

TEST_F(Experiments, TheResolvedExperimentRunsTheStudyAgain) {
  // /experiment is an experiment file: run beside the original, it gives the identical file
  // (experiment_sha256 included: it resolves to the same text).
  const std::string exp =
      write("tornado.yaml", "scenario: " + kSource +
                                "/scenarios/telecom.yaml\n"
                                "set: {agents: 500, 'segments.*.revenue.price': 50}\n"
                                "replications: 1\n"
                                "sensitivity: {method: tornado, factors: scenario}\n");
  ASSERT_EQ(sh(kCxsim + " sensitivity " + exp + " -o " + path("a.h5") + " -q --seed 5").exit_code,
            0);
  const Output text =
      sh("/usr/bin/python3 -c \"import sys, h5py\n"
         "sys.stdout.write(h5py.File(sys.argv[1], 'r')['experiment'][()].decode())\" " +
         path("a.h5"));
  ASSERT_EQ(text.exit_code, 0) << text.text;
  EXPECT_NE(text.text.find("seed: 5"), std::string::npos) << text.text;
  const std::string again = write("again.yaml", text.text);
  const Output o = sh(kCxsim + " sensitivity " + again + " -o " + path("b.h5") + " -q");
  ASSERT_EQ(o.exit_code, 0) << o.text << text.text;
  const Output c = compare(path("a.h5"), path("b.h5"));
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

struct BadExperiment {
  const char* body;     // after the scenario line
  const char* command;  // sweep | sensitivity
  const char* message;  // must appear in the error
};

TEST_F(Experiments, BadExperimentFilesGetPreciseErrors) {
  const std::string head = "scenario: " + kSource + "/scenarios/telecom.yaml\n";
  const BadExperiment cases[] = {
      {"replicatons: 3\nsweep: {design: grid, factors: [{path: seed, values: [1]}]}\n", "sweep",
       ":2:1: replicatons: unknown key 'replicatons' (did you mean 'replications'?)"},
      {"sensitivity: {method: sobol, base_samples: 100, factors: scenario}\n", "sensitivity",
       "not a power of 2 (got 100; expected 2, 4, ..., e.g. 64 or 128)"},
      {"sensitivity: {method: sobol, factors: scenario}\n", "sweep",
       "a sensitivity block, not a sweep block"},
      {"sweep: {design: grid, factors: [{path: churn.satisfaction, range: [0, 1]}]}\n", "sweep",
       "a range here"},
      {"sensitivity: {method: tornado, factors: [{path: satisfaction.memory}]}\n", "sensitivity",
       "no distribution to sample (got satisfaction.memory, a constant in the scenario"},
      {"sensitivity:\n  method: tornado\n  factors:\n    - {path: "
       "touchpoints.billing.failure_rate, "
       "range: [0.5, 1.5]}\n",
       "sensitivity",
       ":5:14: touchpoints.billing.failure_rate: at "
       "touchpoints.billing.failure_rate = 1.5, the scenario is refused"},
      {"sensitivity: {method: tornado, factors: [{path: touchpoints.*.nothing, range: [0, 1]}]}\n",
       "sensitivity", "'*' matches no number of the scenario"},
      {"outputs: [delta_npx]\nsweep: {design: list, factors: [{path: agents, values: [10]}]}\n",
       "sweep", "unknown summary metric 'delta_npx' (did you mean 'delta_npv'?)"},
      {"sweep: {design: list, factors: [{path: horizon_months, values: [10]}]}\n", "sweep",
       "horizon_months cannot be a factor"},
      {"sensitivity: {method: sobol, base_samples: 16777216, factors: scenario}\n", "sensitivity",
       ":2:14: sensitivity: a study too large for one file"},
      {"sweep: {design: lhs, factors: [{path: churn.price, range: [0, 1]}]}\n", "sweep",
       "sweep.points: missing required key"},
      {"sweep: {design: grid, factors: [{path: satisfaction.memory, values: [0.1]}]}\n"
       "sensitivity: {method: tornado, factors: scenario}\n",
       "sweep", ":3:1: sensitivity: a second experiment block"},
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

// CLV case of MODEL.md s.7: with no acquisition, no WOM and constant margin m and hazard h, the
// baseline's NPV (terminal customer equity) is N0 m / (d + h). With m = price - c, the price
// uniform and h uniform, NPV = A B with A = price - c and B = 1 / (d + h) independent, so
// V1 = Var(A) E[B]^2, V2 = E[A]^2 Var(B), V = E[A^2] E[B^2] - E[A]^2 E[B]^2, and
// S1 = V_i / V, ST_1 = 1 - S1_2, ST_2 = 1 - S1_1.
TEST_F(Experiments, SobolIndicesOfTheClvCaseMatchItsClosedForm) {
  const double p_lo = 40, p_hi = 50, cost = 12, h_lo = 0.02, h_hi = 0.04;
  const std::string exp =
      write("clv.yaml", "scenario: " + kSource +
                            "/scenarios/validation/clv.yaml\n"
                            "set: {agents: 2000, touchpoints.support.contacts_per_month: 0}\n"
                            "replications: 2\n"
                            "outputs: [npv]\n"
                            "sensitivity:\n"
                            "  method: sobol\n"
                            "  base_samples: 256\n"
                            "  bootstrap: 300\n"
                            "  factors:\n"
                            "    - {path: segments.everyone.revenue.price, range: [40, 50]}\n"
                            "    - {path: segments.everyone.baseline_churn_monthly, range: [0.02, "
                            "0.04]}\n");
  const Output o = sh(kCxsim + " sensitivity " + exp + " -o " + path("clv.h5") + " -q");
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const double d = std::pow(1.10, 1.0 / 12.0) - 1.0;
  const double ea = (p_lo + p_hi) / 2 - cost, va = (p_hi - p_lo) * (p_hi - p_lo) / 12;
  const double eb = std::log((d + h_hi) / (d + h_lo)) / (h_hi - h_lo);
  const double eb2 = (1 / (d + h_lo) - 1 / (d + h_hi)) / (h_hi - h_lo);
  const double vb = eb2 - eb * eb;
  const double v = (va + ea * ea) * eb2 - ea * ea * eb * eb;
  const double s1[2] = {va * eb * eb / v, ea * ea * vb / v};
  const double st[2] = {1 - s1[1], 1 - s1[0]};

  const auto get = [&](const char* index) {
    return read(path("clv.h5"), std::string("sensitivity/npv/") + index);
  };
  const auto S1 = get("S1"), S1l = get("S1_low"), S1h = get("S1_high");
  const auto ST = get("ST"), STl = get("ST_low"), STh = get("ST_high");
  ASSERT_EQ(S1.size(), 2u);
  auto inside = [](double x, double lo, double hi) { return lo <= x && x <= hi; };
  for (int f = 0; f < 2; ++f) {
    EXPECT_TRUE(inside(s1[f], S1l[f], S1h[f]))
        << "S1 of factor " << f << ": truth " << s1[f] << ", interval [" << S1l[f] << ", " << S1h[f]
        << "], estimate " << S1[f];
    EXPECT_TRUE(inside(st[f], STl[f], STh[f]))
        << "ST of factor " << f << ": truth " << st[f] << ", interval [" << STl[f] << ", " << STh[f]
        << "], estimate " << ST[f];
  }
  // Negative control: the two factors' truths swapped are rejected by the intervals.
  bool swapped_inside = true;
  for (int f = 0; f < 2; ++f) {
    swapped_inside =
        swapped_inside && inside(s1[1 - f], S1l[f], S1h[f]) && inside(st[1 - f], STl[f], STh[f]);
  }
  EXPECT_FALSE(swapped_inside) << "swapped truth not rejected";
  for (int f = 0; f < 2; ++f) {
    std::cout << "factor " << f << ": S1 " << S1[f] << " [" << S1l[f] << ", " << S1h[f]
              << "] truth " << s1[f] << "; ST " << ST[f] << " [" << STl[f] << ", " << STh[f]
              << "] truth " << st[f] << "\n";
  }
}

}  // namespace
