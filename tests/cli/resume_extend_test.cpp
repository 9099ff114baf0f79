// `cxsim run ... --replications N --resume` on a complete results file extends it: the same
// datasets as a fresh run of N replications, the first replications bit for bit as they were,
// the complete file untouched by a refusal or an interruption, and an interrupted extension
// that the printed command finishes to the identical file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
const std::string kTelecom = kSource + "/scenarios/telecom.yaml";
// A small, fast version of the bundled telecom scenario, without a replication count.
const std::string kSmall = " --set agents=2000 --seed 7 -q --threads 1 ";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Output compare(const fs::path& a, const fs::path& b) {
  return sh("/usr/bin/python3 " + kSource + "/tests/tools/compare_results.py " +
            shell_quote(a.string()) + " " + shell_quote(b.string()));
}

// Runs a Python snippet with h5py on `args`; its stdout and stderr.
Output python(const std::string& code, const std::string& args) {
  return sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c " +
            shell_quote("import sys, h5py\n" + code) + " " + args);
}

// The per-replication digests under /run/, one a line.
std::string digests(const fs::path& file) {
  return python(
             "for d in h5py.File(sys.argv[1], 'r')['run/replication_sha256'][()]: "
             "print(d.decode())",
             shell_quote(file.string()))
      .text;
}

std::string first_lines(const std::string& text, int n) {
  std::size_t at = 0;
  for (int i = 0; i < n && at != std::string::npos; ++i) {
    at = text.find('\n', at);
    if (at != std::string::npos) ++at;
  }
  return text.substr(0, at);
}

Output check_results(const fs::path& file) {
  return sh("/usr/bin/python3 " + kShared + "/tools/check-results " + shell_quote(file.string()));
}

pid_t spawn(const std::vector<std::string>& argv, const fs::path& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string err_path = err.string();
  const pid_t pid = fork();
  if (pid == 0) {
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

// Replications marked done in a .partial that cxsim may still have open; -1 when unreadable.
int done_in(const fs::path& partial) {
  const Output o = python(
      "try:\n"
      "    print(int(h5py.File(sys.argv[1], 'r')['done'][()].sum()))\n"
      "except Exception:\n"
      "    print(-1)",
      shell_quote(partial.string()));
  try {
    return std::stoi(o.text);
  } catch (...) {
    return -1;
  }
}

// The command at the end of the last line on stderr ("...; finish with: cxsim run ...").
std::string printed_command(const std::string& text) {
  const std::string body = text.substr(0, text.find_last_not_of('\n') + 1);
  const std::string last =
      body.substr(body.rfind('\n') == std::string::npos ? 0 : body.rfind('\n') + 1);
  const std::size_t at = last.find("; finish with: ");
  return at == std::string::npos ? std::string() : last.substr(at + 15);
}

class ResumeExtendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_extend_" + std::to_string(getpid()) + "_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path path(const std::string& name) const { return dir_ / name; }
  // `cxsim run` of the small telecom scenario to `out`, with more options (--seed 7 unless
  // they hold another).
  Output run(const fs::path& out, const std::string& options) const {
    const std::string small =
        options.find("--seed") == std::string::npos ? kSmall : " --set agents=2000 -q --threads 1 ";
    return sh(kCxsim + " run " + kTelecom + small + options + " -o " + shell_quote(out.string()));
  }
  fs::path dir_;
};

TEST_F(ResumeExtendTest, ExtendingThreeToSevenEqualsAFreshSevenReplicationRun) {
  const fs::path fresh = path("fresh.h5"), out = path("extended.h5");
  ASSERT_EQ(run(fresh, "--replications 7").exit_code, 0);
  ASSERT_EQ(run(out, "--replications 3").exit_code, 0);
  const std::string three = digests(out);
  const Output provenance_before = python(
      "f = h5py.File(sys.argv[1], 'r'); print(f.attrs['created_utc'], f.attrs['command_line'])",
      shell_quote(out.string()));

  const Output extended = run(out, "--replications 7 --resume");
  ASSERT_EQ(extended.exit_code, 0) << extended.text;
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
  EXPECT_FALSE(fs::exists(out.string() + ".partial.lock"));

  // Every dataset, and every replication's digest, as in the fresh run; the first three as
  // they were.
  const Output c = compare(fresh, out);
  EXPECT_EQ(c.exit_code, 0) << c.text;
  EXPECT_NE(c.text.find("identical"), std::string::npos) << c.text;
  const std::string seven = digests(out);
  EXPECT_EQ(seven, digests(fresh));
  EXPECT_EQ(first_lines(seven, 3), three);
  EXPECT_EQ(std::count(seven.begin(), seven.end(), '\n'), 7);

  // The file says what it is: complete with 7, created by the first run, extended by --resume.
  const Output attrs = python(
      "f = h5py.File(sys.argv[1], 'r'); a = f.attrs\n"
      "print(int(a['replications']), int(a['complete']), f['summary/npv'].shape[1], "
      "int(f['done'][()].sum()))\n"
      "print(a['created_utc'], a['command_line'])\n"
      "print('--resume' in a['resumed_command_line'])",
      shell_quote(out.string()));
  EXPECT_EQ(attrs.text, "7 1 7 7\n" + provenance_before.text + "True\n") << attrs.text;

  if (fs::exists(kShared + "/tools/check-results")) {
    const Output check = check_results(out);
    EXPECT_EQ(check.exit_code, 0) << check.text;
  }
  const Output summary = sh(kCxsim + " summary " + shell_quote(out.string()));
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("7 replications"), std::string::npos) << summary.text;
  // Complete again with 7: a further --resume without more is refused, as for any complete file.
  EXPECT_EQ(run(out, "--replications 7 --resume").exit_code, 2);
}

TEST_F(ResumeExtendTest, ExtensionIsRefusedForAnotherSeedSetModeOrCountAndTheFileIsUnchanged) {
  const fs::path out = path("three.h5");
  ASSERT_EQ(run(out, "--replications 3").exit_code, 0);
  const std::string before = read_file(out);
  struct Case {
    std::string options;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"--resume",
            "is complete with 3 replications; --resume finishes an interrupted run (there is no "},
           {"--replications 3 --resume", "--replications 3 is not more"},
           {"--replications 2 --resume", "with --replications larger than 3, extends"},
           {"--replications 7 --seed 8 --resume", "was written with seed 7, not 8"},
           {"--replications 7 --set 'segments.*.revenue.price=50' --resume",
            "different scenario (segments[consumer].revenue.price is 48 in the file and 50 now)"},
           {"--replications 7 --set horizon_months=24 --resume",
            "different scenario (horizon_months is 36 in the file and 24 now)"},
           {"--replications 7 --independent-streams --resume",
            "extend it without --independent-streams"},
       }) {
    const Output o = run(out, c.options);
    EXPECT_EQ(o.exit_code, 2) << c.options << "\n" << o.text;
    EXPECT_NE(o.text.find(c.message), std::string::npos) << c.options << "\n" << o.text;
    EXPECT_TRUE(read_file(out) == before) << c.options << ": the file changed";
    EXPECT_FALSE(fs::exists(out.string() + ".partial")) << c.options;
    EXPECT_FALSE(fs::exists(out.string() + ".partial.lock")) << c.options;
  }
  // The seed message says what is allowed.
  const Output seed = run(out, "--replications 7 --seed 8 --resume");
  EXPECT_NE(seed.text.find("--replications larger than 3"), std::string::npos) << seed.text;
  EXPECT_NE(seed.text.find("use --seed 7"), std::string::npos) << seed.text;
}

TEST_F(ResumeExtendTest, AnInterruptedExtensionResumesToTheIdenticalFile) {
  const fs::path fresh = path("fresh.h5"), out = path("cut.h5");
  const fs::path partial = out.string() + ".partial";
  ASSERT_EQ(run(fresh, "--replications 7").exit_code, 0);
  ASSERT_EQ(run(out, "--replications 3").exit_code, 0);
  const std::string before = read_file(out);
  const std::string three = digests(out);

  // Test hook: stops as SIGINT does once two more replications are written.
  const Output stopped = sh("CXSIM_STOP_AFTER=2 " + kCxsim + " run " + kTelecom + kSmall +
                            "--replications 7 -o " + shell_quote(out.string()) + " --resume");
  EXPECT_NE(stopped.exit_code, 0) << stopped.text;
  EXPECT_NE(stopped.text.find("5 of 7 replications kept in " + out.string() + ".partial (" +
                              out.string() + " keeps its complete 3 until this finishes)"),
            std::string::npos)
      << stopped.text;
  const std::string command = printed_command(stopped.text);
  EXPECT_EQ(command, "cxsim run " + kTelecom + " -o " + out.string() +
                         " --set agents=2000 --replications 7 --seed 7 --threads 1 --resume");
  // The complete file is as it was; the extension is beside it, resumable.
  EXPECT_TRUE(read_file(out) == before);
  ASSERT_TRUE(fs::exists(partial));
  const Output kept = python(
      "f = h5py.File(sys.argv[1], 'r'); print(int(f.attrs['complete']), int(f['done'][()].sum()))",
      shell_quote(partial.string()));
  EXPECT_EQ(kept.text, "0 5\n");
  EXPECT_EQ(first_lines(digests(partial), 3), three);
  const Output summary = sh(kCxsim + " summary " + shell_quote(out.string()));
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("3 replications"), std::string::npos) << summary.text;

  // Another count is refused (the partial was written for 7), saying how to keep the old file.
  const Output other = run(out, "--replications 9 --resume");
  EXPECT_EQ(other.exit_code, 1) << other.text;
  EXPECT_NE(other.text.find("was written for 7 replications, not 9"), std::string::npos)
      << other.text;
  EXPECT_NE(other.text.find("or remove it to keep " + out.string() + " (complete) as it is"),
            std::string::npos)
      << other.text;
  EXPECT_TRUE(read_file(out) == before);

  // Typed as printed, it finishes to the file a fresh run of 7 writes.
  ASSERT_EQ(command.rfind("cxsim ", 0), 0u) << command;
  const Output finished = sh(shell_quote(kCxsim) + command.substr(5));
  ASSERT_EQ(finished.exit_code, 0) << finished.text;
  EXPECT_FALSE(fs::exists(partial));
  const Output c = compare(fresh, out);
  EXPECT_EQ(c.exit_code, 0) << c.text;
  EXPECT_EQ(digests(out), digests(fresh));
  if (fs::exists(kShared + "/tools/check-results")) {
    const Output check = check_results(out);
    EXPECT_EQ(check.exit_code, 0) << check.text;
  }
}

TEST_F(ResumeExtendTest, SigintDuringAnExtensionKeepsWhatFinishedAndThePrintedCommandFinishesIt) {
  const fs::path out = path("sig.h5");
  const fs::path partial = out.string() + ".partial";
  const fs::path err = path("stderr.txt");
  auto arguments = [&](int replications, const fs::path& to) {
    return std::vector<std::string>{kCxsim,
                                    "run",
                                    kTelecom,
                                    "-o",
                                    to.string(),
                                    "--set",
                                    "agents=1500",
                                    "--replications",
                                    std::to_string(replications),
                                    "--seed",
                                    "11",
                                    "--threads",
                                    "1",
                                    "--resume"};
  };
  const fs::path original = path("three.h5");
  ASSERT_EQ(
      sh(kCxsim + " run " + kTelecom + " --set agents=1500 --replications 3 --seed 11 -q -o " +
         shell_quote(original.string()))
          .exit_code,
      0);
  const std::string before = read_file(original);
  const std::string three = digests(original);

  int replications = 0;
  bool interrupted = false;
  for (int attempt = 0; attempt < 3 && !interrupted; ++attempt) {
    replications = attempt == 0 ? 150 : replications * 4;
    fs::remove(partial);
    fs::copy_file(original, out, fs::copy_options::overwrite_existing);
    const pid_t pid = spawn(arguments(replications, out), err);
    ASSERT_GT(pid, 0);
    // Once the extension holds a replication of its own (beyond the three copied), SIGINT.
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (fs::exists(partial) && done_in(partial) >= 4) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!exited) {
      ASSERT_EQ(kill(pid, SIGINT), 0);
      waitpid(pid, &status, 0);
    }
    const int code = exit_code_of(status);
    if (code == 0) {
      // Finished before the signal: start again from the three, with more.
      std::fprintf(stderr, "the extension to %d finished before SIGINT; trying more\n",
                   replications);
      continue;
    }
    ASSERT_EQ(code, 128 + SIGINT) << read_file(err);
    interrupted = true;
  }
  if (!interrupted) GTEST_SKIP() << "every extension finished before SIGINT reached it";

  const std::string text = read_file(err);
  EXPECT_TRUE(read_file(out) == before) << "the complete file changed";
  ASSERT_TRUE(fs::exists(partial));
  const int kept = done_in(partial);
  EXPECT_GE(kept, 4);
  EXPECT_NE(text.find(out.string() + " keeps its complete 3 until this finishes"),
            std::string::npos)
      << text;
  const std::string command = printed_command(text);
  ASSERT_EQ(command.rfind("cxsim ", 0), 0u) << text;
  EXPECT_NE(command.find("--replications " + std::to_string(replications)), std::string::npos)
      << command;

  const Output finished = sh(shell_quote(kCxsim) + command.substr(5) + " -q");
  ASSERT_EQ(finished.exit_code, 0) << finished.text;
  EXPECT_FALSE(fs::exists(partial));
  const std::string all = digests(out);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), replications);
  EXPECT_EQ(first_lines(all, 3), three);
  // The same as a fresh run of that many.
  const fs::path fresh = path("fresh.h5");
  ASSERT_EQ(sh(kCxsim + " run " + kTelecom + " --set agents=1500 --replications " +
               std::to_string(replications) + " --seed 11 -q -o " + shell_quote(fresh.string()))
                .exit_code,
            0);
  const Output c = compare(fresh, out);
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

}  // namespace
