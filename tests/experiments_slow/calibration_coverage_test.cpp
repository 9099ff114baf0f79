// cxsim calibrate over 50 repeated trials (label experiments_slow, outside CI): each trial draws
// the true baseline churn and innovation rate from the prior (stratified), has the engine make a
// 12-month history with them (its own seed), and calibrates both with summary: total (the default).
// The 90% posterior intervals should cover the truth in 80-97% of the trials (a binomial standard
// error of 4 points at 50 trials around 90%; ABC's finite epsilon widens the posterior, so coverage
// leans high), and be much narrower than the prior's. Figures in docs/experiments.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "calibration_checks.hpp"
#include "fixture_files.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;

const std::string kScenario = cxsim::testing::fixture_text("calibration_solo.yaml");

struct Param {
  const char* path;
  double lo, hi;
};
const Param kParams[] = {{"segments.solo.baseline_churn_monthly", 0.005, 0.08},
                         {"segments.solo.adoption.innovation", 0.001, 0.02}};

// The study calibrates with `summary: total` (the block's default);
// CXSIM_CALIBRATION_SUMMARY=monthly runs it with every month a cell (whose intervals over-cover:
// docs/experiments.md).
TEST(CalibrationCoverage, NinetyPercentIntervalsCoverTheTruth) {
  const char* env = std::getenv("CXSIM_CALIBRATION_SUMMARY");
  const std::string summary = "  summary: " + std::string(env ? env : "total") + "\n";
  const fs::path dir =
      fs::temp_directory_path() / ("cxsim-cal-coverage-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "scenario.yaml") << kScenario;
  constexpr int kTrials = 50;
  int covered[2] = {0, 0};
  double ratio_sum[2] = {0, 0};
  for (int t = 0; t < kTrials; ++t) {
    // Stratified truths: trial t sits in stratum t of the first parameter, and stratum
    // (7 t mod 50) of the second, so both priors are covered evenly.
    const double u[2] = {(t + 0.5) / kTrials, ((7 * t) % kTrials + 0.5) / kTrials};
    double truth[2];
    std::string sets;
    for (int i = 0; i < 2; ++i) {
      truth[i] = kParams[i].lo + u[i] * (kParams[i].hi - kParams[i].lo);
      sets += " --set " + std::string(kParams[i].path) + "=" + std::to_string(truth[i]);
    }
    const std::string run = (dir / "h.h5").string();
    const Output r = sh(kCxsim + " run " + (dir / "scenario.yaml").string() + sets + " --seed " +
                        std::to_string(1000 + t) + " -o " + run + " --force -q");
    ASSERT_EQ(r.exit_code, 0) << r.text;
    const Output csv =
        sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
           "f = h5py.File(sys.argv[1], 'r')\n"
           "c, ch, a = (f['timeseries/' + m][0, 0] for m in ('customers', 'churned', "
           "'acquisitions'))\n"
           "print('month,customers,churned,acquisitions')\n"
           "for t in range(len(c)): print(f'{t + 1},{c[t]:.0f},{ch[t]:.0f},{a[t]:.0f}')\" " +
           run + " > " + (dir / "h.csv").string());
    ASSERT_EQ(csv.exit_code, 0) << csv.text;
    std::string exp = "scenario: scenario.yaml\nseed: " + std::to_string(2000 + t) +
                      "\ncalibrate:\n  observed: h.csv\n  roadmap: baseline\n  parameters:\n";
    for (const auto& p : kParams) {
      exp += "    - {path: " + std::string(p.path) + ", prior: {uniform: [" + std::to_string(p.lo) +
             ", " + std::to_string(p.hi) + "]}}\n";
    }
    exp += "  particles: 150\n  max_simulations: 6000\n  max_generations: 8\n" + summary;
    std::ofstream(dir / "cal.yaml") << exp;
    const std::string out = (dir / "cal.h5").string();
    const Output c =
        sh(kCxsim + " calibrate " + (dir / "cal.yaml").string() + " -o " + out + " --force -q");
    ASSERT_EQ(c.exit_code, 0) << c.text;
    const auto p = cxsim::testing::read_dataset(out, "calibrate/particles");
    const auto w = cxsim::testing::read_dataset(out, "calibrate/weights");
    for (int i = 0; i < 2; ++i) {
      const auto [lo, hi] = cxsim::testing::weighted_90_interval(p, w, static_cast<std::size_t>(i));
      covered[i] += (lo <= truth[i] && truth[i] <= hi) ? 1 : 0;
      ratio_sum[i] += (hi - lo) / (0.9 * (kParams[i].hi - kParams[i].lo));
    }
  }
  for (int i = 0; i < 2; ++i) {
    const double coverage = static_cast<double>(covered[i]) / kTrials;
    std::printf(
        "%s: 90%% intervals cover the truth in %d of %d trials (%.0f%%); mean width / "
        "prior 90%% width = %.3f\n",
        kParams[i].path, covered[i], kTrials, 100 * coverage, ratio_sum[i] / kTrials);
    EXPECT_GE(coverage, 0.80);
    EXPECT_LE(coverage, 0.97);
    EXPECT_LT(ratio_sum[i] / kTrials, 0.5);
  }
  fs::remove_all(dir);
}

}  // namespace
