// What the command line promises: option values checked with messages in words, --set with `*`
// and never with an empty value, and a resume hint that, typed as printed after a real SIGINT,
// finishes the run to the same datasets as an uninterrupted one.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shell.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/resume_hint.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::cli::shell_quote;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kTelecom = kSource + "/scenarios/telecom.yaml";

using cxsim::testing::Output;
using cxsim::testing::sh;

// Starts argv[0] with these arguments in `cwd`, stdout to /dev/null, stderr to `err`.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string dir = cwd.string();
  const std::string err_path = err.string();
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(126);
    const int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (e < 0 || null < 0) _exit(126);
    dup2(e, STDERR_FILENO);
    dup2(null, STDOUT_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int wait_for(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return exit_code_of(status);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replications marked done in a .partial file that cxsim still has open (it flushes after each
// one); -1 when it cannot be read at this moment.
int done_in(const fs::path& partial) {
  const Output o =
      sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
         "try:\n"
         "    f = h5py.File(sys.argv[1], 'r'); print(int(f['done'][()].sum()))\n"
         "except Exception:\n"
         "    print(-1)\" " +
         shell_quote(partial.string()));
  try {
    return std::stoi(o.text);
  } catch (...) {
    return -1;
  }
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
           {"--replications 0", "--replications: must be an integer from 1 to 10000000 (got 0)"},
           {"--replications -3", "--replications: must be an integer from 1 to 10000000 (got -3)"},
           {"--replications 2.5",
            "--replications: must be an integer from 1 to 10000000 (got 2.5)"},
           {"--replications 1000000000000",
            "--replications: must be an integer from 1 to 10000000 (got 1000000000000)"},
           {"--replications 1e12",
            "--replications: must be an integer from 1 to 10000000 (got 1e12)"},
           {"--replications 99999999999999999999",
            "--replications: must be an integer from 1 to 10000000 (got 99999999999999999999)"},
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

// ---- the resume hint -----------------------------------------------------------------------

TEST_F(CommandLineTest, ResumeHintTypedAsPrintedAfterSigintFinishesTheSameRun) {
  // A --set with `*`, one with spaces and an output name with a space, so that the hint must
  // quote; no -q, so that progress lines are printed too and must not follow the hint.
  auto arguments = [&](int replications, const std::string& output) {
    return std::vector<std::string>{kCxsim,
                                    "run",
                                    kTelecom,
                                    "-o",
                                    output,
                                    "--set",
                                    "agents=1500",
                                    "--set",
                                    "segments.*.revenue.price=50",
                                    "--set",
                                    "description=cut and resumed",
                                    "--replications",
                                    std::to_string(replications),
                                    "--seed",
                                    "31",
                                    "--threads",
                                    "1"};
  };
  const fs::path cut = dir_ / "cut run.h5";
  const fs::path partial = dir_ / "cut run.h5.partial";
  const fs::path err = dir_ / "stderr.txt";

  int replications = 0;
  bool interrupted = false;
  for (int attempt = 0; attempt < 3 && !interrupted; ++attempt) {
    replications = attempt == 0 ? 150 : replications * 4;
    fs::remove(cut);
    fs::remove(partial);
    const pid_t pid = spawn(arguments(replications, cut.filename().string()), dir_, err);
    ASSERT_GT(pid, 0);
    // Wait until the partial file holds at least one replication, then interrupt for real.
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (fs::exists(partial) && done_in(partial) >= 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!exited) {
      ASSERT_EQ(kill(pid, SIGINT), 0);
      waitpid(pid, &status, 0);
    }
    const int code = exit_code_of(status);
    if (code == 0 && fs::exists(cut)) {
      std::fprintf(stderr, "the run of %d replications finished before SIGINT; trying more\n",
                   replications);
      continue;
    }
    ASSERT_EQ(code, 128 + SIGINT) << read_file(err);
    interrupted = true;
  }
  if (!interrupted) {
    GTEST_SKIP() << "every run finished before SIGINT reached it (the machine is too fast for "
                    "this test's run sizes); the hint was not exercised";
  }
  ASSERT_TRUE(fs::exists(partial));
  ASSERT_FALSE(fs::exists(cut));

  // The hint is the end of the last line on stderr, and the line ends there.
  const std::string text = read_file(err);
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n') << text;
  const std::string body = text.substr(0, text.size() - 1);
  const std::string last =
      body.substr(body.rfind('\n') == std::string::npos ? 0 : body.rfind('\n') + 1);
  ASSERT_EQ(last.rfind("interrupted: ", 0), 0u) << text;
  const std::size_t at = last.find("; finish with: ");
  ASSERT_NE(at, std::string::npos) << last;
  const std::string hint = last.substr(at + std::string("; finish with: ").size());
  EXPECT_EQ(
      hint,
      "cxsim run " + kTelecom +
          " -o 'cut run.h5' --set agents=1500 --set "
          "'segments.*.revenue.price=50' --set 'description=cut and resumed' --replications " +
          std::to_string(replications) + " --seed 31 --threads 1 --resume");
  const int kept = std::stoi(last.substr(std::string("interrupted: ").size()));
  EXPECT_GE(kept, 1) << last;
  EXPECT_LE(kept, replications) << last;  // all of them when SIGINT came just at the end

  // Typed as printed (the program's path in place of `cxsim`), in the same directory.
  ASSERT_EQ(hint.rfind("cxsim ", 0), 0u);
  const std::string command = shell_quote(kCxsim) + hint.substr(std::string("cxsim").size());
  const int resumed = wait_for(spawn({"/bin/sh", "-c", command}, dir_, dir_ / "resume.txt"));
  ASSERT_EQ(resumed, 0) << command << "\n" << read_file(dir_ / "resume.txt");
  EXPECT_TRUE(fs::exists(cut));
  EXPECT_FALSE(fs::exists(partial));

  // The same command, uninterrupted, to another file: the same datasets.
  const int full = wait_for(spawn(arguments(replications, "full.h5"), dir_, dir_ / "full.txt"));
  ASSERT_EQ(full, 0) << read_file(dir_ / "full.txt");
  const Output c = sh("/usr/bin/python3 " + kSource + "/tests/tools/compare_results.py " +
                      shell_quote((dir_ / "full.h5").string()) + " " + shell_quote(cut.string()));
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

}  // namespace
