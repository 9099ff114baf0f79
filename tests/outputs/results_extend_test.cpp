// Extending a complete results file to more replications (ResultsWriter::resume without a
// .partial): the same datasets as a run of that length, the complete file untouched until the
// extension replaces it, refusals that touch nothing, and a failed extension that resumes.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"
#include "fake_results.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::fake_result;
using testing::fake_scenario;
using testing::TempDir;

// The fake scenario with `replications` replications, its resolved text saying so.
Scenario with_replications(std::int64_t replications) {
  Scenario s = fake_scenario();
  s.replications = replications;
  const std::size_t at = s.resolved_yaml.find("replications: ");
  const std::size_t end = s.resolved_yaml.find('\n', at);
  s.resolved_yaml.replace(at, end - at, "replications: " + std::to_string(replications));
  return s;
}

// What the CLI passes: the same scenario's text with another count.
std::string resolved(std::int64_t replications) {
  return with_replications(replications).resolved_yaml;
}

WriterOptions no_sync() {
  WriterOptions o;
  o.sync = false;
  return o;
}

void write_all(const fs::path& out, const Scenario& s) {
  auto w = ResultsWriter::create(out, s, RunProvenance{"cxsim run fake.yaml"}, false, no_sync());
  for (std::int64_t r = 0; r < s.replications; ++r) w->write(fake_result(s, r));
  w->finish();
}

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every dataset's values as raw bytes, by name (NaN payloads included), /run/ aside.
std::map<std::string, std::string> datasets_of(const fs::path& file) {
  h5::silence_errors();
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_TRUE(f.valid()) << file;
  std::map<std::string, std::string> out;
  struct Context {
    std::map<std::string, std::string>* out;
  } ctx{&out};
  H5Ovisit2(
      f.get(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        const std::string n(name);
        if (n.rfind("run/", 0) == 0) return 0;
        const h5::Dataset ds(H5Dopen2(root, name, H5P_DEFAULT));
        const h5::Datatype stored(H5Dget_type(ds.get()));
        if (H5Tget_class(stored.get()) != H5T_FLOAT) {
          // Strings and integers: their shape and size stand for them here (the CLI tests
          // compare them in full through h5py).
          const h5::Dataspace space(H5Dget_space(ds.get()));
          static_cast<Context*>(data)->out->emplace(
              n, std::to_string(H5Sget_simple_extent_npoints(space.get())));
          return 0;
        }
        const h5::Dataspace space(H5Dget_space(ds.get()));
        const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
        std::string bytes(count * sizeof(double), '\0');
        if (count > 0) {
          H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
        }
        static_cast<Context*>(data)->out->emplace(n, std::move(bytes));
        return 0;
      },
      &ctx, H5O_INFO_BASIC);
  return out;
}

std::vector<std::string> digests_of(const fs::path& file) {
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  const h5::Dataset ds(H5Dopen2(f.get(), kReplicationDigests, H5P_DEFAULT));
  const auto n = h5::shape(ds.get(), file).at(0);
  std::vector<char> buf(n * 64);
  const h5::Datatype hex(H5Tcopy(H5T_C_S1));
  H5Tset_size(hex.get(), 64);
  H5Dread(ds.get(), hex.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data());
  std::vector<std::string> out;
  for (hsize_t r = 0; r < n; ++r) out.emplace_back(buf.data() + r * 64, 64);
  return out;
}

std::int64_t int_attribute(const fs::path& file, const char* name) {
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  return h5::read_int_attribute(f.get(), name, file);
}

// Finishes `out` from wherever the writer left it.
void finish_from(ResultsWriter& w, const Scenario& s) {
  for (std::int64_t r = 0; r < s.replications; ++r) {
    if (!w.done()[static_cast<std::size_t>(r)]) w.write(fake_result(s, r));
  }
  w.finish();
}

TEST(ResultsExtend, ThreeExtendedToSevenEqualsASevenReplicationRun) {
  const TempDir dir("extend");
  const Scenario s3 = with_replications(3), s7 = with_replications(7);
  const fs::path fresh = dir / "fresh.h5", out = dir / "run.h5";
  write_all(fresh, s7);
  write_all(out, s3);
  const std::vector<std::string> first = digests_of(out);
  const std::string before = bytes_of(out);
  {
    auto w = ResultsWriter::resume(out, s7, {"cxsim run fake.yaml --resume"}, no_sync(), resolved);
    EXPECT_EQ(w->extends(), 3);
    EXPECT_EQ(w->done(), (std::vector<bool>{true, true, true, false, false, false, false}));
    // The complete file stays as it was until the extension replaces it.
    EXPECT_TRUE(fs::exists(partial_path(out)));
    EXPECT_EQ(bytes_of(out), before);
    EXPECT_EQ(int_attribute(partial_path(out), "complete"), 0);
    EXPECT_EQ(int_attribute(partial_path(out), "replications"), 7);
    finish_from(*w, s7);
  }
  EXPECT_FALSE(fs::exists(partial_path(out)));
  EXPECT_FALSE(fs::exists(lock_path(out)));
  EXPECT_EQ(int_attribute(out, "complete"), 1);
  EXPECT_NO_THROW(verify_results_file(out));
  EXPECT_EQ(datasets_of(out), datasets_of(fresh));
  const std::vector<std::string> all = digests_of(out);
  EXPECT_EQ(all, digests_of(fresh));
  EXPECT_EQ(std::vector<std::string>(all.begin(), all.begin() + 3), first);
}

TEST(ResultsExtend, RefusalsLeaveTheCompleteFileAsItWas) {
  const TempDir dir("extend_refused");
  const Scenario s3 = with_replications(3);
  const fs::path out = dir / "run.h5";
  write_all(out, s3);
  const std::string before = bytes_of(out);
  auto refused = [&](const Scenario& s, const ResolvedWithReplications& text,
                     const RunProvenance& p, const std::string& message) {
    try {
      ResultsWriter::resume(out, s, p, no_sync(), text);
      ADD_FAILURE() << "expected UsageError: " << message;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
    EXPECT_EQ(bytes_of(out), before) << message;
    EXPECT_FALSE(fs::exists(partial_path(out))) << message;
    EXPECT_FALSE(fs::exists(lock_path(out))) << message;
  };
  const Scenario s7 = with_replications(7);
  refused(s7, {}, {}, "is complete with 3 replications");  // no count asked for
  refused(s3, resolved, {}, "--replications 3 is not more");
  refused(with_replications(2), resolved, {}, "with --replications larger than 3, extends");
  Scenario seed = s7;
  seed.seed = 43;
  refused(seed, resolved, {}, "was written with seed 42, not 43");
  refused(s7, resolved, RunProvenance{"", true}, "extend it without --independent-streams");
  Scenario other = s7;
  other.resolved_yaml += "agents: 300\n";
  refused(
      other, [](std::int64_t r) { return with_replications(r).resolved_yaml + "agents: 300\n"; },
      {}, "different scenario (agents is new");
  // And after all that, it extends.
  auto w = ResultsWriter::resume(out, s7, {}, no_sync(), resolved);
  EXPECT_EQ(w->extends(), 3);
}

// The storage fails at the first, a middle and the last step of the copy: the complete file is
// untouched, and the .partial left (if any) resumes to the whole longer run.
TEST(ResultsExtend, AnExtensionThatFailsWhileCopyingLeavesBothFilesUsable) {
  const TempDir dir("extend_fails");
  const Scenario s3 = with_replications(3), s7 = with_replications(7);
  const fs::path fresh = dir / "fresh.h5";
  write_all(fresh, s7);
  const auto want = datasets_of(fresh);
  std::int64_t layout_calls = 0, extend_calls = 0;
  {
    const fs::path probe = dir / "probe.h5";
    auto created = ResultsWriter::create(dir / "layout.h5", s7, {}, false, no_sync());
    layout_calls = created->storage().calls;
    write_all(probe, s3);
    auto w = ResultsWriter::resume(probe, s7, {}, no_sync(), resolved);
    extend_calls = w->storage().calls;
  }
  ASSERT_GT(extend_calls, layout_calls + 16);
  int resumed = 0;
  for (const std::int64_t k : {std::int64_t{1}, layout_calls + 1, layout_calls + 8,
                               (layout_calls + extend_calls) / 2, extend_calls - 1, extend_calls}) {
    const fs::path out = dir / ("run" + std::to_string(k) + ".h5");
    write_all(out, s3);
    const std::string before = bytes_of(out);
    WriterOptions options = no_sync();
    options.faults.fail_call = k;
    EXPECT_THROW(ResultsWriter::resume(out, s7, {}, options, resolved), IoError) << "call " << k;
    EXPECT_EQ(bytes_of(out), before) << "call " << k;
    EXPECT_FALSE(fs::exists(lock_path(out))) << "call " << k;
    // A failure while the layout is made removes it; one in the copy leaves what is marked.
    if (k == 1) {
      EXPECT_FALSE(fs::exists(partial_path(out)));
    }
    if (k == extend_calls) {
      EXPECT_TRUE(fs::exists(partial_path(out)));
    }
    if (!fs::exists(partial_path(out))) continue;
    ++resumed;
    {
      auto w = ResultsWriter::resume(out, s7, {}, no_sync(), resolved);
      EXPECT_EQ(w->extends(), 0);  // an interrupted run like any other
      finish_from(*w, s7);
    }
    EXPECT_EQ(datasets_of(out), want) << "call " << k;
    EXPECT_EQ(digests_of(out), digests_of(fresh)) << "call " << k;
  }
  EXPECT_GE(resumed, 3);  // the failures in the copy, not only in the layout
}

}  // namespace
}  // namespace cxsim
