// The read back's replication digests: each digested dataset is read once, whole, and every
// written replication's values are checked against the digest taken as they were written. A value
// rewritten through HDF5 (so that every checksum still holds) is caught in whichever replication
// and dataset it lands, on either side of the replication axis; one rewritten where no
// replication was written yet is not damage (the negative control), and neither is the untouched
// file.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fake_results.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::fake_result;
using testing::fake_scenario;
using testing::read_back_verdict;
using testing::TempDir;

// A partial file holding replications 0, 1 and 3 of the fake scenario's 5.
fs::path partial_with_gap(const TempDir& dir) {
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  WriterOptions options;
  options.sync = false;
  {
    auto w = ResultsWriter::create(out, s, {}, false, options);
    for (std::int64_t r : {0, 1, 3}) w->write(fake_result(s, r));
  }
  return partial_path(out);
}

// Rewrites the value at `at` of `dataset` through HDF5.
void rewrite(const fs::path& file, const char* dataset, const std::vector<hsize_t>& at) {
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
  ASSERT_TRUE(f.valid());
  const h5::Dataset ds(H5Dopen2(f.get(), dataset, H5P_DEFAULT));
  ASSERT_TRUE(ds.valid()) << dataset;
  const h5::Dataspace space(H5Dget_space(ds.get()));
  const std::vector<hsize_t> one(at.size(), 1);
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, at.data(), nullptr, one.data(), nullptr);
  const h5::Dataspace mem(H5Screate_simple(1, one.data(), nullptr));
  const double value = 12345.5;
  ASSERT_GE(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT, &value), 0);
}

TEST(ReadBackDigests, AValueRewrittenInAWrittenReplicationIsNamed) {
  struct Case {
    const char* dataset;
    std::vector<hsize_t> at;  // the replication is the second index, or the only one
    int replication;
  };
  const Case cases[] = {
      {"timeseries/revenue", {1, 3, 2}, 3},
      {"timeseries/revenue", {0, 0, 0}, 0},
      {"timeseries_by_segment/nps", {2, 1, 3, 1}, 1},
      {"summary/npv", {2, 3}, 3},
      {"parameters/segments.consumer.revenue.price", {1}, 1},
  };
  for (const Case& c : cases) {
    const TempDir dir("read_back_digests");
    const fs::path file = partial_with_gap(dir);
    ASSERT_EQ(read_back_verdict(file), "whole");
    rewrite(file, c.dataset, c.at);
    const std::string what = read_back_verdict(file);
    EXPECT_NE(
        what.find(fmt::format("replication {} does not hold the values written", c.replication)),
        std::string::npos)
        << c.dataset << ": " << what;
  }
}

TEST(ReadBackDigests, AValueRewrittenWhereNoReplicationWasWrittenIsNotDamage) {
  const TempDir dir("read_back_gap");
  const fs::path file = partial_with_gap(dir);
  rewrite(file, "timeseries/revenue", {1, 2, 2});
  rewrite(file, "summary/npv", {0, 4});
  EXPECT_EQ(read_back_verdict(file), "whole");
}

}  // namespace
}  // namespace cxsim
