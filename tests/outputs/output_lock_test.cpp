// The writer's lock: a second holder is refused with the first's pid, a dead holder's lock is
// free again, and the lock file goes with its holder.
#include "outputs/output_lock.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "engine/core/errors.hpp"
#include "fake_results.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(OutputLock, ASecondHolderIsRefusedWithTheFirstsPid) {
  const TempDir dir("lock_second");
  const fs::path out = dir / "run.h5";
  {
    const OutputLock first(out);
    EXPECT_TRUE(fs::exists(lock_path(out)));
    EXPECT_EQ(OutputLock::holder(out), std::optional<pid_t>(getpid()));
    try {
      const OutputLock second(out);
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(
          what.find((dir / "run.h5.partial").string() + ": another cxsim run is writing it (pid " +
                    std::to_string(getpid()) + ")"),
          std::string::npos)
          << what;
    }
  }
  EXPECT_FALSE(fs::exists(lock_path(out)));
  EXPECT_EQ(OutputLock::holder(out), std::nullopt);
  EXPECT_NO_THROW(OutputLock again(out));
}

TEST(OutputLock, ADeadHoldersLockIsFreeAgain) {
  const TempDir dir("lock_dead");
  const fs::path out = dir / "run.h5";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Dies holding the lock, without removing its file: as a crash or SIGKILL would.
    new OutputLock(out);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_TRUE(fs::exists(lock_path(out)));  // left behind, with the dead pid in it
  EXPECT_EQ(OutputLock::holder(out), std::nullopt);
  EXPECT_NO_THROW(OutputLock mine(out));
}

TEST(OutputLock, RefusesALockFileThatIsASymlink) {
  const TempDir dir("lock_symlink");
  const fs::path out = dir / "run.h5";
  std::ofstream(dir / "elsewhere") << "x";
  fs::create_symlink(dir / "elsewhere", lock_path(out));
  EXPECT_THROW(OutputLock lock(out), IoError);
}

}  // namespace
}  // namespace cxsim
