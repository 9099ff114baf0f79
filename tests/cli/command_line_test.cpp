// What the command line promises: option values checked with messages in words, --set with `*`
// and never with an empty value.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/resume_hint.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::cli::shell_quote;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kTelecom = kSource + "/scenarios/telecom.yaml";

struct Output {
  int exit_code;
  std::string text;  // stdout and stderr
};

Output sh(const std::string& command) {
  Output out{-1, {}};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) out.text += buf.data();
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_cmdline_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// ---- option values -------------------------------------------------------------------------

struct BadOption {
  const char* args;
  const char* message;
};

TEST_F(CommandLineTest, BadOptionValuesAreRefusedInWords) {
  const std::string out = shell_quote((dir_ / "x.h5").string());
  for (const BadOption& c : std::vector<BadOption>{
           {"--replications 0", "--replications: must be an integer >= 1 (got 0)"},
           {"--replications -3", "--replications: must be an integer >= 1 (got -3)"},
           {"--replications 2.5", "--replications: must be an integer >= 1 (got 2.5)"},
           {"--threads -3", "--threads: must be an integer >= 0, 0 meaning every core (got -3)"},
           {"--threads x", "--threads: must be an integer >= 0, 0 meaning every core (got x)"},
           {"--seed -1",
            "--seed: must be an unsigned 64-bit integer, 0 to 18446744073709551615 (got -1)"},
           {"--seed 18446744073709551616",
            "--seed: must be an unsigned 64-bit integer, 0 to 18446744073709551615 (got "
            "18446744073709551616)"},
       }) {
    const Output o = sh(kCxsim + " run " + kTelecom + " -q -o " + out + " " + c.args);
    EXPECT_EQ(o.exit_code, 2) << c.args << "\n" << o.text;
    EXPECT_NE(o.text.find(c.message), std::string::npos) << c.args << "\n" << o.text;
    EXPECT_LT(o.text.size(), 300u) << c.args << ": the message is short\n" << o.text;
    EXPECT_FALSE(fs::exists(dir_ / "x.h5.partial")) << c.args;
  }
  // The largest seed is a seed.
  const Output o =
      sh(kCxsim + " run " + kTelecom +
         " --set agents=200 --replications 1 --seed 18446744073709551615 -q -o " + out);
  EXPECT_EQ(o.exit_code, 0) << o.text;
}

// ---- --set ---------------------------------------------------------------------------------

TEST_F(CommandLineTest, SetWithStarChangesEveryTouchpointAndSegment) {
  const Output o = sh(kCxsim + " describe " + kTelecom +
                      " --set 'touchpoints.*.failure_rate=0' --set 'segments.*.revenue.price=50'");
  ASSERT_EQ(o.exit_code, 0) << o.text;
  const Output before = sh(kCxsim + " describe " + kTelecom);
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_GT(count(before.text, "failure_rate: 0."), 0);
  EXPECT_EQ(count(o.text, "failure_rate: 0."), 0) << o.text;
  EXPECT_EQ(count(o.text, "    failure_rate: 0\n"), count(before.text, "    failure_rate:"))
      << o.text;
  EXPECT_EQ(count(o.text, "      price: 50\n"), count(before.text, "      price:")) << o.text;

  // A run with them works too.
  const Output run =
      sh(kCxsim + " run " + kTelecom +
         " --set agents=500 --replications 2 -q --set 'touchpoints.*.failure_rate=0' "
         "-o " +
         shell_quote((dir_ / "zero.h5").string()));
  EXPECT_EQ(run.exit_code, 0) << run.text;
}

TEST_F(CommandLineTest, SetWithStarThatMatchesNothingNamesThePath) {
  const std::string scenario = (dir_ / "no_touchpoints.yaml").string();
  std::ofstream(scenario)
      << "name: x\nhorizon_months: 12\nagents: 100\nmarket: {population: 1000}\n"
         "segments:\n  - {name: a, share: 1, initial_penetration: 0.3,\n"
         "     baseline_churn_monthly: 0.01, performance: 7,\n"
         "     satisfaction: {mean: 7}, expectation: {mean: 7},\n"
         "     revenue: {price: 40}}\n";
  const Output v = sh(kCxsim + " validate " + scenario);
  ASSERT_EQ(v.exit_code, 0) << v.text;
  const Output o = sh(kCxsim + " validate " + scenario + " --set 'touchpoints.*.failure_rate=0'");
  EXPECT_EQ(o.exit_code, 2) << o.text;
  EXPECT_NE(o.text.find("--set touchpoints.*.failure_rate=0: touchpoints.*.failure_rate: '*' "
                        "matches nothing in touchpoints"),
            std::string::npos)
      << o.text;
}

TEST_F(CommandLineTest, SetWithAnEmptyValueIsAnError) {
  for (const std::string set : {"seed=", "discount_rate_annual=", "market.network="}) {
    for (const std::string command : {"validate", "describe", "run"}) {
      const std::string out =
          command == "run" ? " -q -o " + shell_quote((dir_ / "e.h5").string()) : "";
      const Output o = sh(kCxsim + " " + command + " " + kTelecom + " --set " + set + out);
      EXPECT_EQ(o.exit_code, 2) << command << " --set " << set << "\n" << o.text;
      const std::string path = set.substr(0, set.size() - 1);
      EXPECT_NE(o.text.find("--set " + set + ": " + path + ": a value is required"),
                std::string::npos)
          << o.text;
      EXPECT_FALSE(fs::exists(dir_ / "e.h5.partial"));
    }
  }
}

}  // namespace
