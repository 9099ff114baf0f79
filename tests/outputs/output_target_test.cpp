// What -o may name: never an input, a folder, a device or pipe, an empty name, or a place
// that cannot be written.
#include "outputs/output_target.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "engine/core/errors.hpp"
#include "fake_results.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::string refusal(const fs::path& out, const std::vector<std::string>& inputs = {}) {
  try {
    check_output_target(out, inputs);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(OutputTarget, AcceptsANewOrRegularFileInAWritableFolder) {
  const TempDir dir("target_ok");
  EXPECT_EQ(refusal(dir / "new.h5"), "");
  std::ofstream(dir / "old.h5") << "old results";
  EXPECT_EQ(refusal(dir / "old.h5"), "");
  std::ofstream(dir / "old.h5.partial") << "an interrupted run";
  EXPECT_EQ(refusal(dir / "old.h5"), "");
}

TEST(OutputTarget, RefusesAnEmptyNameAndFolders) {
  const TempDir dir("target_folder");
  EXPECT_TRUE(contains(refusal(""), "the output file name is empty")) << refusal("");
  fs::create_directories(dir / "sub");
  EXPECT_TRUE(contains(refusal(dir / "sub"), "is a folder")) << refusal(dir / "sub");
  EXPECT_TRUE(contains(refusal(dir.path().string() + "/"), "names a folder"));
  EXPECT_TRUE(contains(refusal(dir / "missing" / "run.h5"), "does not exist"));
  fs::create_directories(dir / "p.h5.partial");
  EXPECT_TRUE(contains(refusal(dir / "p.h5"), "p.h5.partial is a folder")) << refusal(dir / "p.h5");
}

TEST(OutputTarget, RefusesDevicesAndPipes) {
  const TempDir dir("target_device");
  ASSERT_EQ(mkfifo((dir / "pipe.h5").c_str(), 0644), 0);
  EXPECT_TRUE(contains(refusal(dir / "pipe.h5"), "is a pipe")) << refusal(dir / "pipe.h5");
  EXPECT_TRUE(contains(refusal("/dev/null"), "is a character device")) << refusal("/dev/null");
  // Also through a symbolic link: what rename would replace is what counts.
  fs::create_symlink("/dev/null", dir / "link.h5");
  EXPECT_TRUE(contains(refusal(dir / "link.h5"), "character device"));
}

TEST(OutputTarget, RefusesAnyInputFileHoweverItIsNamed) {
  const TempDir dir("target_input");
  const fs::path base = dir / "base.yaml";
  const fs::path mine = dir / "mine.yaml";
  std::ofstream(base) << "name: base\n";
  std::ofstream(mine) << "extends: base.yaml\n";
  const std::vector<std::string> inputs = {mine.string(), base.string()};
  EXPECT_TRUE(contains(refusal(mine, inputs), "is an input of this run")) << refusal(mine, inputs);
  EXPECT_TRUE(contains(refusal(base, inputs), "is an input of this run"));
  EXPECT_TRUE(contains(refusal(dir.path() / "." / "base.yaml", inputs), "is an input of this run"));
  fs::create_symlink(base, dir / "alias.yaml");
  EXPECT_TRUE(contains(refusal(dir / "alias.yaml", inputs), "is an input of this run"));
  fs::create_hard_link(mine, dir / "hard.yaml");
  EXPECT_TRUE(contains(refusal(dir / "hard.yaml", inputs), "is an input of this run"));
  // <out>.partial would be written over the input too.
  std::ofstream(dir / "x.h5.partial") << "name: x\n";
  EXPECT_TRUE(contains(refusal(dir / "x.h5", {(dir / "x.h5.partial").string()}),
                       "is an input of this run"));
  EXPECT_EQ(refusal(dir / "results.h5", inputs), "");
}

TEST(OutputTarget, RefusesAFolderThatCannotBeWritten) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write any folder";
  const TempDir dir("target_readonly");
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_TRUE(contains(refusal(dir / "ro" / "run.h5"), "is not writable"));
  fs::permissions(dir / "ro", fs::perms::owner_all);
}

}  // namespace
}  // namespace cxsim
