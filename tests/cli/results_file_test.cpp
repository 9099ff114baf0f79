// What `cxsim run` and `cxsim summary` do to keep results files whole, end to end: a full or
// failing disk is an error and never a crash, -o never names an input or anything but a
// regular file, two runs never write one file, a resume never mixes random-number modes or
// finishes a damaged file, and summary refuses a file that does not read back whole.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
const std::string kSmall = " --set agents=3000 --replications 6 --seed 7 -q --threads 1 ";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Overwrites `size` bytes at `offset` with junk, as a failing disk or a stray write would.
void damage(const fs::path& file, std::uintmax_t offset, std::size_t size = 4096) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  const std::string junk(size, '\x5a');
  f.write(junk.data(), static_cast<std::streamsize>(size));
}

// The byte offset of the chunk of `dataset` that holds replication `r` (timeseries datasets have
// one chunk per replication); -1 when h5py cannot say.
long long chunk_offset(const fs::path& file, const std::string& dataset, int r) {
  const Output o =
      sh("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 -c \"import sys, h5py\n"
         "d = h5py.File(sys.argv[1], 'r')[sys.argv[2]]\n"
         "print(d.id.get_chunk_info_by_coord((0, int(sys.argv[3]), 0)).byte_offset)\" " +
         shell_quote(file.string()) + " " + dataset + " " + std::to_string(r));
  try {
    return o.exit_code == 0 ? std::stoll(o.text) : -1;
  } catch (...) {
    return -1;
  }
}

Output compare(const fs::path& a, const fs::path& b) {
  return sh("/usr/bin/python3 " + kSource + "/tests/tools/compare_results.py " +
            shell_quote(a.string()) + " " + shell_quote(b.string()));
}

bool crashed(const Output& o) {
  return o.exit_code >= 128;
}

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_results_" + std::to_string(getpid()) + "_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    for (const auto& m : mounts_) umount2(m.c_str(), MNT_DETACH);
    fs::remove_all(dir_);
  }
  fs::path path(const std::string& name) const { return dir_ / name; }
  std::string q(const std::string& name) const { return shell_quote(path(name).string()); }
  // A tmpfs of `size` at dir/name; false where this process may not mount one.
  bool mount_tmpfs(const std::string& name, const std::string& size) {
    fs::create_directories(path(name));
    if (mount("tmpfs", path(name).c_str(), "tmpfs", 0, ("size=" + size).c_str()) != 0) {
      return false;
    }
    mounts_.push_back(path(name));
    return true;
  }
  bool resize_tmpfs(const std::string& name, const std::string& size) {
    return mount("tmpfs", path(name).c_str(), "tmpfs", MS_REMOUNT, ("size=" + size).c_str()) == 0;
  }
  // An uninterrupted run to compare others with.
  fs::path reference(const std::string& extra = "") {
    const Output o = sh(kCxsim + " run " + kTelecom + kSmall + extra + " -o " + q("full.h5"));
    EXPECT_EQ(o.exit_code, 0) << o.text;
    return path("full.h5");
  }
  // After a failed run to `out`: no file under the final name, and a .partial (if any) that
  // resumes to `full` or is refused with a message.
  void expect_resumed_or_refused(const fs::path& out, const fs::path& full, const std::string& what,
                                 const std::string& extra = "") {
    EXPECT_FALSE(fs::exists(out)) << what;
    if (!fs::exists(out.string() + ".partial")) return;
    const Output r = sh(kCxsim + " run " + kTelecom + kSmall + extra + " -o " +
                        shell_quote(out.string()) + " --resume");
    EXPECT_FALSE(crashed(r)) << what << "\n" << r.text;
    if (r.exit_code == 0) {
      const Output c = compare(full, out);
      EXPECT_EQ(c.exit_code, 0) << what << "\n" << c.text;
    } else {
      EXPECT_NE(r.text.find("start over with --force"), std::string::npos) << what << r.text;
      EXPECT_FALSE(fs::exists(out)) << what;
    }
  }
  fs::path dir_;
  std::vector<fs::path> mounts_;
};

// ---- a full or failing disk ------------------------------------------------------------------

TEST_F(ResultsFileTest, AFullDiskIsAnErrorNotACrash) {
  const fs::path full = reference();
  if (!mount_tmpfs("disk", "200k")) GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  // 200 kB: the file's layout fits, its first replication does not.
  const fs::path out = path("disk") / "t.h5";
  const Output o = sh(kCxsim + " run " + kTelecom + kSmall + "-o " + shell_quote(out.string()));
  EXPECT_EQ(o.exit_code, 1) << o.text;
  EXPECT_NE(o.text.find("No space left on device"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("--resume"), std::string::npos) << o.text;
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(resize_tmpfs("disk", "4m"));
  expect_resumed_or_refused(out, full, "after a full disk at 200k");

  // Room for a few replications: the disk fills in the middle of the run.
  for (const char* size : {"300k", "400k"}) {
    fs::remove(out);
    fs::remove(out.string() + ".partial");
    ASSERT_TRUE(resize_tmpfs("disk", size));
    const Output mid = sh(kCxsim + " run " + kTelecom + kSmall + "-o " + shell_quote(out.string()));
    EXPECT_EQ(mid.exit_code, 1) << size << "\n" << mid.text;
    EXPECT_NE(mid.text.find("No space left on device"), std::string::npos) << mid.text;
    const Output kept = sh(kCxsim + " summary " + shell_quote(out.string() + ".partial"));
    EXPECT_FALSE(crashed(kept)) << kept.text;
    ASSERT_TRUE(resize_tmpfs("disk", "4m"));
    expect_resumed_or_refused(out, full, std::string("after a full disk at ") + size);
  }
}

TEST_F(ResultsFileTest, AFailingDiskAtAnyPointIsAnErrorNotACrash) {
  const fs::path full = reference();
  const fs::path out = path("t.h5");
  // Injected in the real binary (outputs/storage_driver.hpp): the k-th write or flush fails,
  // or the disk is full past N bytes, from the first write to the last. The run makes about
  // 1 150 writes and flushes; the byte limits are fractions of the finished file's size (every
  // byte of which was written at least once), up to 95% of it.
  const auto size = static_cast<double>(fs::file_size(full));
  std::vector<std::string> faults = {"call=1",   "call=40",   "call=400",
                                     "call=900", "call=1100", "bytes=0"};
  for (const double share : {0.22, 0.55, 0.78, 0.95}) {
    faults.push_back("bytes=" + std::to_string(static_cast<long long>(share * size)));
  }
  for (const std::string& fault : faults) {
    fs::remove(out);
    fs::remove(out.string() + ".partial");
    const Output o = sh("CXSIM_STORAGE_FAULT=" + fault + " " + kCxsim + " run " + kTelecom +
                        kSmall + "-o " + shell_quote(out.string()));
    EXPECT_EQ(o.exit_code, 1) << fault << "\n" << o.text;
    EXPECT_NE(o.text.find("cannot write the results"), std::string::npos) << fault << o.text;
    expect_resumed_or_refused(out, full, fault);
  }
  // A fault that is past every write changes nothing.
  const Output none = sh("CXSIM_STORAGE_FAULT=call=100000000 " + kCxsim + " run " + kTelecom +
                         kSmall + "-o " + q("late.h5"));
  EXPECT_EQ(none.exit_code, 0) << none.text;
  EXPECT_EQ(compare(full, path("late.h5")).exit_code, 0);
}

// ---- what -o may name ----------------------------------------------------------------------

TEST_F(ResultsFileTest, OutputNeverNamesAnInputOrAnythingButARegularFile) {
  const std::string mine = path("mine.yaml").string();
  fs::copy_file(kTelecom, mine);
  const std::string child = path("child.yaml").string();
  std::ofstream(child) << "extends: mine.yaml\nname: child\n";
  const std::string before = read_file(mine);
  auto refused = [&](const std::string& command, const std::string& message) {
    const Output o = sh(kCxsim + " run -q --set agents=500 --replications 2 " + command);
    EXPECT_EQ(o.exit_code, 2) << command << "\n" << o.text;
    EXPECT_NE(o.text.find(message), std::string::npos) << command << "\n" << o.text;
    // A short message: the test folder's path (as long as the build tree's) does not count.
    std::string text = o.text;
    const std::string folder = dir_.string();
    for (auto at = text.find(folder); at != std::string::npos; at = text.find(folder)) {
      text.erase(at, folder.size());
    }
    EXPECT_LT(text.size(), 400u) << o.text;
  };
  refused(shell_quote(mine) + " -o " + shell_quote(mine) + " --force", "is an input of this run");
  refused(shell_quote(child) + " -o " + shell_quote(mine) + " --force", "is an input of this run");
  refused(shell_quote(child) + " -o " + shell_quote(mine) + " --resume", "is an input of this run");
  fs::create_symlink(mine, path("alias.h5"));
  refused(shell_quote(child) + " -o " + q("alias.h5") + " --force", "is an input of this run");
  EXPECT_EQ(read_file(mine), before);

  fs::create_directories(path("results"));
  refused(shell_quote(mine) + " -o " + q("results") + " --force", "is a folder");
  EXPECT_FALSE(fs::exists(path("results.partial")));
  ASSERT_EQ(mkfifo(path("pipe.h5").c_str(), 0644), 0);
  refused(shell_quote(mine) + " -o " + q("pipe.h5") + " --force", "is a pipe");
  refused(shell_quote(mine) + " -o " + q("nowhere/run.h5"), "does not exist");
  refused(shell_quote(mine) + " -o ''", "the output file name is empty");
  refused(shell_quote(mine) + " --output=", "--output");  // CLI11 refuses it first
}

// ---- one writer at a time ------------------------------------------------------------------

TEST_F(ResultsFileTest, ASecondRunIsRefusedWhileTheFirstWritesItsFile) {
  const fs::path out = path("shared.h5");
  const std::string run = kCxsim + " run " + kTelecom +
                          " --set agents=2000 --replications 400 -q --threads 1 -o " +
                          shell_quote(out.string());
  const pid_t first = fork();
  ASSERT_GE(first, 0);
  if (first == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + run + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const fs::path lock = out.string() + ".partial.lock";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(lock) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(lock)) << "the first run never started writing";
  const std::string holder = "another cxsim run is writing it (pid " + std::to_string(first) + ")";
  for (const std::string flags : {" --force", "", " --resume"}) {
    const Output second = sh(run + flags);
    EXPECT_EQ(second.exit_code, 1) << flags << "\n" << second.text;
    EXPECT_NE(second.text.find(holder), std::string::npos) << flags << "\n" << second.text;
    EXPECT_EQ(second.text.find("interrupted run"), std::string::npos) << second.text;
  }
  const Output summary = sh(kCxsim + " summary " + shell_quote(out.string() + ".partial"));
  EXPECT_NE(summary.exit_code, 0);
  EXPECT_NE(summary.text.find(holder), std::string::npos) << summary.text;

  // The first run was not disturbed: interrupted, what it wrote reads back whole.
  kill(first, SIGINT);
  int status = 0;
  waitpid(first, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "the first run crashed";
  EXPECT_FALSE(fs::exists(lock));
  if (fs::exists(out)) {
    const Output check =
        sh("/usr/bin/python3 " + kShared + "/tools/check-results " + shell_quote(out.string()));
    EXPECT_EQ(check.exit_code, 0) << check.text;
  } else {
    const Output kept = sh(kCxsim + " summary " + shell_quote(out.string() + ".partial"));
    EXPECT_EQ(kept.exit_code, 0) << kept.text;
    EXPECT_NE(kept.text.find("incomplete run"), std::string::npos) << kept.text;
  }
}

TEST_F(ResultsFileTest, AKilledRunLeavesNoStuckLock) {
  const fs::path out = path("killed.h5");
  const std::string run = kCxsim + " run " + kTelecom +
                          " --set agents=2000 --replications 40 -q --threads 1 -o " +
                          shell_quote(out.string());
  const pid_t first = fork();
  ASSERT_GE(first, 0);
  if (first == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + run + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const fs::path lock = out.string() + ".partial.lock";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(lock) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  // The kernel released its lock: the next run starts over, or resumes what was kept.
  const Output resumed = sh(run + " --resume");
  EXPECT_FALSE(crashed(resumed)) << resumed.text;
  EXPECT_EQ(resumed.text.find("another cxsim run"), std::string::npos) << resumed.text;
  if (resumed.exit_code != 0) {
    EXPECT_NE(resumed.text.find("start over with --force"), std::string::npos) << resumed.text;
    const Output again = sh(run + " --force");
    EXPECT_EQ(again.exit_code, 0) << again.text;
  }
  EXPECT_TRUE(fs::exists(out));
}

// ---- what a resume accepts -----------------------------------------------------------------

TEST_F(ResultsFileTest, ResumeRefusesAnotherRandomNumberMode) {
  for (const bool independent : {false, true}) {
    const std::string mode = independent ? " --independent-streams " : " ";
    const std::string other = independent ? " " : " --independent-streams ";
    const fs::path out = path(independent ? "independent.h5" : "common.h5");
    const Output cut = sh("CXSIM_STOP_AFTER=2 " + kCxsim + " run " + kTelecom + kSmall + mode +
                          "-o " + shell_quote(out.string()));
    ASSERT_NE(cut.exit_code, 0) << cut.text;
    ASSERT_TRUE(fs::exists(out.string() + ".partial"));
    const Output mixed = sh(kCxsim + " run " + kTelecom + kSmall + other + "-o " +
                            shell_quote(out.string()) + " --resume");
    EXPECT_EQ(mixed.exit_code, 1) << mixed.text;
    EXPECT_NE(mixed.text.find(independent ? "resume with --independent-streams too"
                                          : "resume without --independent-streams"),
              std::string::npos)
        << mixed.text;
    EXPECT_FALSE(fs::exists(out));
    const Output same = sh(kCxsim + " run " + kTelecom + kSmall + mode + "-o " +
                           shell_quote(out.string()) + " --resume");
    EXPECT_EQ(same.exit_code, 0) << same.text;
    const Output mode_attr =
        sh("/usr/bin/python3 -c \"import sys, h5py; print(h5py.File(sys.argv[1], "
           "'r').attrs['random_numbers'])\" " +
           shell_quote(out.string()));
    EXPECT_EQ(mode_attr.text, independent ? "independent\n" : "common\n");
  }
}

TEST_F(ResultsFileTest, ResumeRefusesADamagedPartial) {
  const fs::path full = reference();
  const fs::path out = path("cut.h5");
  const fs::path partial = out.string() + ".partial";
  auto interrupted = [&] {
    fs::remove(out);
    fs::remove(partial);
    const Output cut = sh("CXSIM_STOP_AFTER=2 " + kCxsim + " run " + kTelecom + kSmall + "-o " +
                          shell_quote(out.string()));
    ASSERT_NE(cut.exit_code, 0) << cut.text;
    ASSERT_TRUE(fs::exists(partial));
  };
  // 4 kB over a replication that is marked written (the probe's case: it resumed to a
  // complete file whose datasets could not be read).
  interrupted();
  const long long at = chunk_offset(partial, "timeseries/revenue", 0);
  ASSERT_GT(at, 0);
  damage(partial, static_cast<std::uintmax_t>(at));
  const Output r =
      sh(kCxsim + " run " + kTelecom + kSmall + "-o " + shell_quote(out.string()) + " --resume");
  EXPECT_EQ(r.exit_code, 1) << r.text;
  EXPECT_NE(r.text.find("is damaged"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("start over with --force"), std::string::npos) << r.text;
  EXPECT_FALSE(fs::exists(out));
  const Output over =
      sh(kCxsim + " run " + kTelecom + kSmall + "-o " + shell_quote(out.string()) + " --force");
  EXPECT_EQ(over.exit_code, 0) << over.text;
  EXPECT_EQ(compare(full, out).exit_code, 0);

  // Anywhere else: refused, or resumed to the whole run when the bytes held nothing in use.
  for (const double where : {0.0, 0.1, 0.35, 0.6, 0.9}) {
    interrupted();
    damage(partial, static_cast<std::uintmax_t>(where * fs::file_size(partial)));
    expect_resumed_or_refused(out, full, "damage at " + std::to_string(where));
  }
}

// ---- summary -------------------------------------------------------------------------------

TEST_F(ResultsFileTest, SummaryRefusesAFileThatDoesNotReadBackWhole) {
  const fs::path full = reference();
  ASSERT_EQ(sh(kCxsim + " summary " + shell_quote(full.string())).exit_code, 0);
  fs::copy_file(full, path("damaged.h5"));
  // A dataset the summary table itself never reads: it must still refuse the file.
  const long long at = chunk_offset(path("damaged.h5"), "timeseries/revenue", 3);
  ASSERT_GT(at, 0);
  damage(path("damaged.h5"), static_cast<std::uintmax_t>(at));
  const Output o = sh(kCxsim + " summary " + q("damaged.h5"));
  EXPECT_EQ(o.exit_code, 1) << o.text;
  EXPECT_NE(o.text.find("is damaged: /timeseries/"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("cannot be trusted"), std::string::npos) << o.text;
  // And a file that HDF5 cannot even open.
  fs::copy_file(full, path("header.h5"));
  damage(path("header.h5"), 0, 512);
  const Output h = sh(kCxsim + " summary " + q("header.h5"));
  EXPECT_EQ(h.exit_code, 1) << h.text;
  EXPECT_FALSE(crashed(h)) << h.text;
}

}  // namespace
