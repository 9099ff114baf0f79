// The read back's time limit: a file HDF5 never finishes reading (a FIFO nobody writes to blocks
// its open, as some damage makes HDF5 loop) is called damaged once the limit passes, and a whole
// file still verifies within the same limit (the negative control).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fake_results.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {
namespace {

using testing::fake_result;
using testing::fake_scenario;
using testing::TempDir;

TEST(ReadBackLimit, AReadBackThatNeverEndsIsDamageAfterTheLimit) {
  const TempDir dir("read_back_limit");
  const auto fifo = dir / "never.h5";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  try {
    verify_results_file(fifo, std::chrono::seconds(1));
    FAIL() << "a read back that never ends was accepted";
  } catch (const DamagedFile& e) {
    EXPECT_NE(std::string(e.what()).find("did not finish reading it back within 1 s"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(fifo.string()), std::string::npos) << e.what();
  }
  // Ended at the limit, not whenever: a generous bound, since this is not a timing test.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(ReadBackLimit, AWholeFileVerifiesWithinTheSameLimit) {
  const TempDir dir("read_back_limit_whole");
  const auto out = dir / "whole.h5";
  const Scenario s = fake_scenario();
  WriterOptions options;
  options.sync = false;
  auto w = ResultsWriter::create(out, s, RunProvenance{"cxsim run fake.yaml"}, false, options);
  for (std::int64_t r = 0; r < s.replications; ++r) w->write(fake_result(s, r));
  w->finish();
  w.reset();
  EXPECT_NO_THROW(verify_results_file(out, std::chrono::seconds(30)));
}

TEST(ReadBackLimit, DefaultsToTwoMinutesAndTheEnvironmentOverridesIt) {
  const TempDir dir("read_back_limit_default");
  const auto small = dir / "small.h5";
  {
    std::FILE* f = std::fopen(small.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  ::unsetenv("CXSIM_READ_BACK_SECONDS");
  EXPECT_EQ(read_back_time_limit(small), std::chrono::seconds(120));
  ::setenv("CXSIM_READ_BACK_SECONDS", "7", 1);
  EXPECT_EQ(read_back_time_limit(small), std::chrono::seconds(7));
  ::setenv("CXSIM_READ_BACK_SECONDS", "0", 1);  // not a limit: the default stays
  EXPECT_EQ(read_back_time_limit(small), std::chrono::seconds(120));
  ::unsetenv("CXSIM_READ_BACK_SECONDS");
}

}  // namespace
}  // namespace cxsim
