// The results file under failing storage: the writer's storage fails at every write, flush and
// truncation of a small run in turn, and with the disk full after N bytes for N every 4 KiB
// across the file. At every point: no crash, no file under the final name, and a .partial that
// either resumes (without faults) to the same datasets as an uninterrupted run or is refused
// with a message saying what to do.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>

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

// The fake scenario, smaller: 3 replications (written out of order), no zero-defect twin (the
// same writing code with other values; it would double the points to visit).
Scenario small_scenario() {
  Scenario s = fake_scenario();
  s.replications = 3;
  s.zero_defect_counterfactual = false;
  return s;
}
const std::vector<std::int64_t> kOrder = {2, 0, 1};

WriterOptions without_sync(h5::StorageFaults faults = {}) {
  WriterOptions o;
  o.faults = faults;
  o.sync = false;  // no power is cut here: durability is not what these runs test
  return o;
}

// Creates, writes kOrder and finishes; returns the storage's counters of the run.
h5::StorageState run_all(const fs::path& out, const Scenario& s, const WriterOptions& options,
                         bool force = false) {
  auto w = ResultsWriter::create(out, s, RunProvenance{"cxsim run small.yaml"}, force, options);
  for (auto r : kOrder) w->write(fake_result(s, r));
  w->finish();
  return w->storage();
}

using Contents = std::map<std::string, std::string>;

// Every dataset's values and every root attribute but the provenance ones, as bytes.
Contents contents(const fs::path& file) {
  h5::silence_errors();
  Contents out;
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_TRUE(f.valid()) << file;
  if (!f.valid()) return out;
  auto read_as_bytes = [](hid_t stored, hid_t space,
                          const std::function<herr_t(hid_t, void*)>& fn) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    std::string bytes;
    if (H5Tget_class(stored) == H5T_STRING && H5Tis_variable_str(stored) > 0) {
      const h5::Datatype type = h5::string_type();
      std::vector<char*> v(static_cast<std::size_t>(n), nullptr);
      if (n > 0 && fn(type.get(), v.data()) < 0) return std::string("<unreadable>");
      for (char* c : v) bytes += std::string(c ? c : "") + '\0';
      if (n > 0) H5Dvlen_reclaim(type.get(), space, H5P_DEFAULT, v.data());
      return bytes;
    }
    if (H5Tget_class(stored) == H5T_VLEN || H5Tget_class(stored) == H5T_REFERENCE ||
        H5Tdetect_class(stored, H5T_REFERENCE) > 0) {
      return std::string("<references>");  // addresses: they differ between equal files
    }
    const h5::Datatype type(H5Tget_native_type(stored, H5T_DIR_ASCEND));
    bytes.assign(static_cast<std::size_t>(n) * H5Tget_size(type.get()), '\0');
    if (n > 0 && fn(type.get(), bytes.data()) < 0) return std::string("<unreadable>");
    return bytes;
  };
  const std::set<std::string> skip = {"created_utc", "command_line", "hostname", "resumed_utc",
                                      "resumed_command_line"};
  for (int i = 0, n = static_cast<int>(H5Aget_num_attrs(f.get())); i < n; ++i) {
    const h5::Attribute a(H5Aopen_by_idx(f.get(), ".", H5_INDEX_NAME, H5_ITER_INC,
                                         static_cast<hsize_t>(i), H5P_DEFAULT, H5P_DEFAULT));
    std::array<char, 256> name{};
    H5Aget_name(a.get(), name.size(), name.data());
    if (skip.count(name.data())) continue;
    const h5::Datatype t(H5Aget_type(a.get()));
    const h5::Dataspace sp(H5Aget_space(a.get()));
    out["@" + std::string(name.data())] = read_as_bytes(
        t.get(), sp.get(), [&](hid_t type, void* buf) { return H5Aread(a.get(), type, buf); });
  }
  struct Visit {
    std::map<std::string, std::string>* out;
    decltype(read_as_bytes)* read;
  } visit{&out, &read_as_bytes};
  H5Ovisit2(
      f.get(), H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        auto* v = static_cast<Visit*>(data);
        const h5::Dataset ds(H5Dopen2(root, name, H5P_DEFAULT));
        const h5::Datatype t(H5Dget_type(ds.get()));
        const h5::Dataspace sp(H5Dget_space(ds.get()));
        (*v->out)[name] = (*v->read)(t.get(), sp.get(), [&](hid_t type, void* buf) {
          return H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        });
        return 0;
      },
      &visit, H5O_INFO_BASIC);
  return out;
}

void expect_same_contents(const Contents& a, const fs::path& got, const std::string& where) {
  const auto b = contents(got);
  ASSERT_FALSE(a.empty());
  for (const auto& [name, bytes] : a) {
    const auto it = b.find(name);
    if (it == b.end()) {
      ADD_FAILURE() << where << ": " << name << " is missing";
    } else if (it->second != bytes) {
      ADD_FAILURE() << where << ": " << name << " differs";
    }
  }
  EXPECT_EQ(a.size(), b.size()) << where;
}

struct Tally {
  int resumed = 0;       // resumed to the same datasets
  int refused = 0;       // resume refused with a message
  int nothing_left = 0;  // the create step failed and removed its .partial
};

// One failing run at `faults`, then what is left is checked and resumed without faults.
void check_point(const fs::path& dir, const Scenario& s, const h5::StorageFaults& faults,
                 const Contents& reference, const std::string& where, Tally& tally) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir / "run.h5";
  try {
    run_all(out, s, without_sync(faults));
    ADD_FAILURE() << where << ": the storage failed but the run succeeded";
    return;
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot write the results"), std::string::npos) << where << ": " << what;
  }
  EXPECT_FALSE(fs::exists(out)) << where << ": a file under the final name";
  EXPECT_FALSE(fs::exists(lock_path(out))) << where << ": the lock file stayed";
  if (!fs::exists(partial_path(out))) {
    ++tally.nothing_left;
    return;
  }
  std::unique_ptr<ResultsWriter> w;
  try {
    w = ResultsWriter::resume(out, s, RunProvenance{"cxsim run small.yaml --resume"},
                              without_sync());
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("start over with --force"), std::string::npos) << where << ": " << what;
    ++tally.refused;
    // Starting over works.
    EXPECT_NO_THROW(run_all(out, s, without_sync(), true)) << where;
    return;
  }
  for (auto r : kOrder) {
    if (!w->done()[static_cast<std::size_t>(r)]) w->write(fake_result(s, r));
  }
  w->finish();
  w.reset();
  ASSERT_TRUE(fs::exists(out)) << where;
  expect_same_contents(reference, out, where);
  ++tally.resumed;
}

TEST(StorageFaults, EveryWriteFlushAndFullDiskPointLeavesAResumableOrRefusedPartial) {
  const auto started = std::chrono::steady_clock::now();
  const TempDir dir("faults");
  const Scenario s = small_scenario();
  const fs::path reference_file = dir / "reference.h5";
  const h5::StorageState clean = run_all(reference_file, s, without_sync());
  const Contents reference = contents(reference_file);  // read once, compared at every point
  ASSERT_GT(clean.calls, 10);
  ASSERT_GT(clean.written, 4096u);

  Tally calls;
  for (std::int64_t k = 1; k <= clean.calls; ++k) {
    h5::StorageFaults faults;
    faults.fail_call = k;
    check_point(dir.path() / "point", s, faults, reference, "call " + std::to_string(k), calls);
    if (::testing::Test::HasFailure()) break;
  }
  Tally bytes;
  for (std::int64_t n = 0; n < static_cast<std::int64_t>(clean.written); n += 4096) {
    h5::StorageFaults faults;
    faults.full_after = n;
    check_point(dir.path() / "point", s, faults, reference, "full after " + std::to_string(n),
                bytes);
    if (::testing::Test::HasFailure()) break;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "%lld failing calls: %d resumed, %d refused, %d left nothing; %lld full-disk points "
      "(every 4 KiB of %llu bytes): %d resumed, %d refused, %d left nothing; %.1f s\n",
      static_cast<long long>(clean.calls), calls.resumed, calls.refused, calls.nothing_left,
      static_cast<long long>((clean.written + 4095) / 4096),
      static_cast<unsigned long long>(clean.written), bytes.resumed, bytes.refused,
      bytes.nothing_left, seconds);
  // Most points keep what was written: refusing everything would pass the checks above too.
  EXPECT_GT(calls.resumed, calls.refused);
  EXPECT_GT(bytes.resumed, 0);
}

}  // namespace
}  // namespace cxsim
