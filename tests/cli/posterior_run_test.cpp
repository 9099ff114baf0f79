// `cxsim run` and `cxsim sweep` on a scenario with a posterior (tests/fixtures/posterior): the
// file records every posterior parameter and the posterior's provenance and conforms to
// RESULTS.md; it does not depend on the thread count; --resume extends it to the file a longer
// run writes; factors on a posterior parameter are refused; points share the particles.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/resume_hint.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::cli::shell_quote;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kShared = CXSIM_SHARED_DIR;
const std::string kOverlay = kSource + "/tests/fixtures/posterior/overlay.yaml";
const std::string kBase = kSource + "/tests/fixtures/posterior/base.yaml";

class PosteriorRun : public ::testing::Test {
 protected:
  fs::path dir_;
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_posterior_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  Output run(const std::string& scenario, const std::string& out, const std::string& extra) {
    return sh(kCxsim + " run " + shell_quote(scenario) + " -o " + shell_quote(path(out)) + " -q " +
              extra);
  }
  Output compare(const std::string& a, const std::string& b) {
    return sh("/usr/bin/python3 " + kSource + "/tests/tools/compare_results.py " +
              shell_quote(path(a)) + " " + shell_quote(path(b)));
  }
  Output python(const std::string& code, const std::string& args) {
    return sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c " +
              shell_quote("import sys, h5py, numpy as np\n" + code) + " " + args);
  }
};

// Prints "ok" when every replication's posterior values are one particle's row of the overlay.
const char* kRowsCheck = R"(
f = h5py.File(sys.argv[1], 'r')
rows = np.array([[0.0112, 0.43, 1.5, 0.9], [0.015, 0.30, 2.0, 1.2], [0.0201, 0.55, 3.0, 0.6],
                 [0.009, 0.62, 4.5, 1.0]])
names = ['segments.consumer.baseline_churn_monthly', 'churn.satisfaction',
         'segments.regular.heterogeneity.baseline_churn_monthly.beta.0',
         'churn.unrecovered_failure.uniform.1']
got = np.stack([f['parameters/' + n][()] for n in names], axis=-1)
got = got.reshape(-1, 4)
print('ok' if all((rows == g).all(axis=1).any() for g in got) else 'not rows: %s' % got)
print(f.attrs['posterior_source'], f.attrs['posterior_sha256'])
)";

TEST_F(PosteriorRun, TheFileRecordsThePosteriorAndConforms) {
  ASSERT_EQ(run(kOverlay, "a.h5", "--threads 1").exit_code, 0);
  const Output rows = python(kRowsCheck, path("a.h5"));
  EXPECT_EQ(rows.text,
            "ok\ncal.h5 3f2a9c0d4b5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8\n");
  const Output check =
      sh("/usr/bin/python3 " + kShared + "/tools/check-results " + shell_quote(path("a.h5")));
  EXPECT_EQ(check.exit_code, 0) << check.text;
  // The same seed at another thread count: the same file.
  ASSERT_EQ(run(kOverlay, "b.h5", "--threads 2").exit_code, 0);
  const Output same = compare("a.h5", "b.h5");
  EXPECT_EQ(same.exit_code, 0) << same.text;
  // Without the posterior: neither the attributes nor the heterogeneity dataset.
  ASSERT_EQ(run(kBase, "base.h5", "--threads 1").exit_code, 0);
  const Output plain = python(
      "f = h5py.File(sys.argv[1], 'r')\n"
      "print('posterior_source' in f.attrs, sorted(f['parameters'].keys()))",
      path("base.h5"));
  EXPECT_EQ(plain.text,
            "False ['churn.satisfaction', 'churn.unrecovered_failure', "
            "'initiatives.billing_fix.effects.touchpoints.billing.failure_rate', "
            "'replication']\n");
}

// A posterior that sets a constant to its own value changes no result: its stream shifts no
// other draw (agents, network, parameters), so the run without it is the run before the key.
TEST_F(PosteriorRun, AParticleAtTheScenariosValueChangesNothing) {
  auto overlay = [&](const std::string& name, const std::string& value) {
    std::ofstream(path(name)) << "extends: " << kBase << "\nposterior:\n  source: cal.h5\n"
                              << "  sha256: \"" << std::string(64, 'a') << "\"\n"
                              << "  parameters: [segments.consumer.baseline_churn_monthly]\n"
                              << "  particles: [[" << value << "], [" << value << "]]\n"
                              << "  weights: [1, 2]\n";
    return path(name);
  };
  ASSERT_EQ(run(kBase, "base.h5", "--threads 2").exit_code, 0);
  ASSERT_EQ(run(overlay("same.yaml", "0.015"), "same.h5", "--threads 2").exit_code, 0);
  // Negative control: another value changes the results.
  ASSERT_EQ(run(overlay("other.yaml", "0.02"), "other.h5", "--threads 2").exit_code, 0);
  const char* differing = R"(
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
differ = [n for n in names if n != 'scenario' and not n.startswith('run/') and
          not np.array_equal(a[n][()], b[n][()], equal_nan=a[n].dtype.kind == 'f')]
print(len(names) > 100, len(differ), 'summary/npv' in differ)
)";
  EXPECT_EQ(python(differing, path("base.h5") + " " + path("same.h5")).text, "True 0 False\n");
  const Output other = python(differing, path("base.h5") + " " + path("other.h5"));
  EXPECT_NE(other.text.find("True"), std::string::npos);
  EXPECT_NE(other.text, "True 0 False\n");
  EXPECT_NE(other.text.find(" True\n"), std::string::npos) << other.text;
}

TEST_F(PosteriorRun, ResumeExtendsToTheLongerRun) {
  ASSERT_EQ(run(kOverlay, "long.h5", "--threads 2 --replications 8").exit_code, 0);
  ASSERT_EQ(run(kOverlay, "ext.h5", "--threads 2 --replications 3").exit_code, 0);
  const Output extended = run(kOverlay, "ext.h5", "--threads 2 --replications 8 --resume");
  ASSERT_EQ(extended.exit_code, 0) << extended.text;
  const Output same = compare("long.h5", "ext.h5");
  EXPECT_EQ(same.exit_code, 0) << same.text;
}

TEST_F(PosteriorRun, SweepsShareTheParticlesAndRefuseAPosteriorFactor) {
  const std::string good = path("sweep.yaml");
  std::ofstream(good) << "scenario: " << kOverlay << "\nreplications: 4\n"
                      << "sweep:\n  design: grid\n  factors:\n"
                      << "    - {path: churn.competitor, values: [0.5, 1.5]}\n";
  const Output s = sh(kCxsim + " sweep " + shell_quote(good) + " -o " +
                      shell_quote(path("sweep.h5")) + " -q --threads 2");
  ASSERT_EQ(s.exit_code, 0) << s.text;
  // Common random numbers: replication r of every point uses the same particle.
  const Output crn = python(
      "f = h5py.File(sys.argv[1], 'r')\n"
      "p = f['parameters/churn.satisfaction'][()]\n"
      "print(p.shape, bool((p[0] == p[1]).all()), f.attrs['posterior_source'])",
      path("sweep.h5"));
  EXPECT_EQ(crn.text, "(2, 4) True cal.h5\n");

  const std::string bad = path("bad.yaml");
  std::ofstream(bad) << "scenario: " << kOverlay << "\nreplications: 4\n"
                     << "sweep:\n  design: grid\n  factors:\n"
                     << "    - {path: churn.satisfaction, values: [0.3, 0.6]}\n";
  const Output refused =
      sh(kCxsim + " sweep " + shell_quote(bad) + " -o " + shell_quote(path("bad.h5")) + " -q");
  EXPECT_EQ(refused.exit_code, 2) << refused.text;
  EXPECT_NE(refused.text.find(bad + ":6:"), std::string::npos) << refused.text;
  EXPECT_NE(refused.text.find("drawn from the posterior"), std::string::npos) << refused.text;
}

// The calibration's results file is never read, and never overwritten by a run from its overlay.
TEST_F(PosteriorRun, AnOutputNeverOverwritesThePosteriorsSource) {
  for (const char* f : {"base.yaml", "overlay.yaml"}) {
    fs::copy_file(kSource + "/tests/fixtures/posterior/" + f, path(f));
  }
  std::ofstream(path("cal.h5")) << "the calibration";
  const Output refused = run(path("overlay.yaml"), "cal.h5", "--force");
  EXPECT_EQ(refused.exit_code, 2) << refused.text;
  EXPECT_NE(refused.text.find("is an input of this run"), std::string::npos) << refused.text;
  std::ifstream in(path("cal.h5"));
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "the calibration");
  // Absent, it does not stop a run.
  fs::remove(path("cal.h5"));
  EXPECT_EQ(run(path("overlay.yaml"), "out.h5", "").exit_code, 0);
}

TEST_F(PosteriorRun, DescribeShowsThePosterior) {
  const Output d = sh(kCxsim + " describe " + shell_quote(kOverlay));
  ASSERT_EQ(d.exit_code, 0) << d.text;
  EXPECT_NE(d.text.find("# posterior: 4 particles from cal.h5"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("effective sample size 3.3"), std::string::npos) << d.text;
}

}  // namespace
