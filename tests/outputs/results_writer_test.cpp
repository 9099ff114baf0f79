// The results writer against RESULTS.md: layout (checked by the shared checker and by xarray),
// values read back, statistics, overwrite protection, interruption and resume.
#include "outputs/results_writer.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "engine/core/errors.hpp"
#include "engine/statistics.hpp"
#include "fake_results.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/results_reader.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::fake_result;
using testing::fake_scenario;
using testing::fake_summary;
using testing::TempDir;

// The shared checker; CXSIM_SHARED_DIR in the environment overrides the configured location
// (a worktree checked out elsewhere than next to shared/).
fs::path checker() {
  const char* env = std::getenv("CXSIM_SHARED_DIR");
  return fs::path(env && *env ? env : CXSIM_SHARED_DIR) / "tools" / "check-results";
}
constexpr const char* kPython = "/usr/bin/python3";

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool python_has_xarray() {
  return fs::exists(kPython) &&
         run(std::string(kPython) + " -c 'import h5py, h5netcdf, xarray' >/dev/null 2>&1") == 0;
}

// Runs a Python script with the given arguments; returns its exit status.
int run_python(const fs::path& dir, const std::string& script, const std::string& args) {
  const fs::path file = dir / "check.py";
  std::ofstream(file) << script;
  return run(std::string(kPython) + " " + file.string() + " " + args);
}

// Writes every replication of the fake scenario in the given order, then finishes.
void write_all(const fs::path& out, const Scenario& s, std::vector<std::int64_t> order) {
  auto w = ResultsWriter::create(out, s, RunProvenance{"cxsim run fake.yaml"}, false);
  for (auto r : order) w->write(fake_result(s, r));
  w->finish();
}

std::vector<double> read_dataset(const fs::path& file, const std::string& name) {
  h5::silence_errors();
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_TRUE(f.valid());
  const h5::Dataset ds(H5Dopen2(f.get(), name.c_str(), H5P_DEFAULT));
  EXPECT_TRUE(ds.valid()) << name;
  std::size_t n = 1;
  for (auto d : h5::shape(ds.get(), file)) n *= d;
  std::vector<double> v(n);
  H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  return v;
}

std::int64_t read_complete(const fs::path& file) {
  const h5::File f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_TRUE(f.valid()) << file;
  return h5::read_int_attribute(f.get(), "complete", file);
}

void expect_same(double got, double want, const std::string& what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what;
  } else {
    EXPECT_EQ(got, want) << what;
  }
}

TEST(ResultsWriter, WritesAConformingFileOutOfOrder) {
  const TempDir dir("conforming");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  {
    auto w = ResultsWriter::create(out, s, RunProvenance{"cxsim run fake.yaml"}, false);
    EXPECT_TRUE(fs::exists(partial_path(out)));
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(w->done(), std::vector<bool>(5, false));
    for (std::int64_t r : {3, 0, 4, 1, 2}) w->write(fake_result(s, r));
    EXPECT_EQ(w->done(), std::vector<bool>(5, true));
    w->finish();
  }
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
  EXPECT_EQ(read_complete(out), 1);

  if (!fs::exists(checker())) GTEST_SKIP() << checker() << " not found";
  EXPECT_EQ(run(std::string(kPython) + " " + checker().string() + " " + out.string()), 0);
}

TEST(ResultsWriter, ValuesReadBackEqualWhatWasWritten) {
  const TempDir dir("values");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  write_all(out, s, {4, 2, 0, 1, 3});
  const int M = 3, R = 5, T = 4, S = 2, K = 2;

  const auto revenue = read_dataset(out, "timeseries/revenue");  // [roadmap, replication, month]
  const auto zd_nps = read_dataset(out, "zero_defect/timeseries/nps");
  const auto seg_nps = read_dataset(out, "timeseries_by_segment/nps");
  const auto tp_recovered = read_dataset(out, "timeseries_by_touchpoint/recovered");
  for (int i = 0; i < M; ++i) {
    for (int r = 0; r < R; ++r) {
      const ReplicationResult want = fake_result(s, r);
      for (int t = 1; t <= T; ++t) {
        const std::size_t at = (static_cast<std::size_t>(i) * R + r) * T + (t - 1);
        EXPECT_EQ(revenue[at], want.roadmaps[i].at(Metric::revenue, t));
        EXPECT_EQ(zd_nps[at], want.zero_defect[i].at(Metric::nps, t));
        for (int seg = 0; seg < S; ++seg) {
          EXPECT_EQ(seg_nps[at * S + seg], want.roadmaps[i].at(SegmentMetric::nps, t, seg));
        }
        for (int k = 0; k < K; ++k) {
          EXPECT_EQ(tp_recovered[at * K + k],
                    want.roadmaps[i].at(TouchpointMetric::recovered, t, k));
        }
      }
    }
  }

  const auto price = read_dataset(out, "parameters/segments.consumer.revenue.price");
  const auto effect =
      read_dataset(out, "parameters/initiatives.chatbot.effects.touchpoints.*.failure_rate#2");
  ASSERT_EQ(price.size(), 5u);
  for (int r = 0; r < R; ++r) {
    EXPECT_EQ(price[r], fake_result(s, r).parameters[0]);
    EXPECT_EQ(effect[r], fake_result(s, r).parameters[1]);
  }

  const ResultsSummary summary = read_results_summary(out);
  EXPECT_TRUE(summary.complete);
  EXPECT_EQ(summary.format_version, "1.1");
  EXPECT_EQ(summary.scenario_name, "fake-results");
  EXPECT_EQ(summary.scenario_sha256, sha256_hex(s.resolved_yaml));
  EXPECT_EQ(summary.seed, 42u);
  EXPECT_EQ(summary.replications, 5);
  EXPECT_EQ(summary.roadmaps, (std::vector<std::string>{"baseline", "chatbot", "redesign"}));
  EXPECT_EQ(summary.baseline, 0);
  EXPECT_EQ(summary.done, std::vector<bool>(5, true));
  ASSERT_EQ(summary.metrics.size(), static_cast<std::size_t>(kSummaryMetrics));
  for (int m = 0; m < kSummaryMetrics; ++m) {
    const auto name = summary_metric_infos()[m].name;
    for (int i = 0; i < M; ++i) {
      for (int r = 0; r < R; ++r) {
        expect_same(summary.value(name, i, r), fake_summary(static_cast<SummaryMetric>(m), i, r),
                    std::string(name));
      }
    }
  }

  // /statistics from /summary in replication order, whatever order replications were written.
  for (const auto& group : {std::string("statistics"), std::string("zero_defect/statistics")}) {
    const double sign = group == "statistics" ? 1.0 : -1.0;
    for (int m = 0; m < kSummaryMetrics; ++m) {
      const std::string name(summary_metric_infos()[m].name);
      const auto stats = read_dataset(out, group + "/" + name);  // [roadmap, statistic]
      ASSERT_EQ(stats.size(), static_cast<std::size_t>(M * kStatistics));
      for (int i = 0; i < M; ++i) {
        std::vector<double> values;
        for (int r = 0; r < R; ++r) {
          values.push_back(sign * fake_summary(static_cast<SummaryMetric>(m), i, r));
        }
        const auto want = as_array(summarize(values));
        for (int k = 0; k < kStatistics; ++k) {
          expect_same(stats[i * kStatistics + k], want[k],
                      group + "/" + name + " " + std::string(kStatisticNames[k]));
        }
      }
    }
  }
}

TEST(ResultsWriter, XarrayOpensEveryGroupWithNamedCoordinates) {
  if (!python_has_xarray()) GTEST_SKIP() << "python3 with h5py, h5netcdf and xarray not found";
  const TempDir dir("xarray");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  write_all(out, s, {0, 1, 2, 3, 4});
  const std::string script = R"(
import sys
import h5py
import numpy as np
import xarray as xr
path = sys.argv[1]
groups = ['timeseries', 'timeseries_by_segment', 'timeseries_by_touchpoint', 'summary', 'statistics',
          'zero_defect/timeseries', 'zero_defect/summary', 'zero_defect/statistics', 'parameters']
for g in groups:
    xr.open_dataset(path, engine='h5netcdf', group=g).load()
ts = xr.open_dataset(path, engine='h5netcdf', group='timeseries')
assert ts['revenue'].dims == ('roadmap', 'replication', 'month'), ts['revenue'].dims
assert list(ts['roadmap'].values) == ['baseline', 'chatbot', 'redesign'], ts['roadmap'].values
assert list(ts['month'].values) == [1, 2, 3, 4]
assert list(ts['replication'].values) == [0, 1, 2, 3, 4]
assert ts['revenue'].attrs['units'] == 'money'
assert ts['revenue'].sel(roadmap='chatbot', replication=3, month=2).item() == 1e4 * 3 + 1e3 + 100 + 2 + 0.25
seg = xr.open_dataset(path, engine='h5netcdf', group='timeseries_by_segment')
assert list(seg['segment'].values) == ['consumer', 'business']
assert seg['nps'].sel(roadmap='redesign', replication=4, month=1, segment='business').item() == 4e5 + 2e4 + 400 + 10 + 1
tp = xr.open_dataset(path, engine='h5netcdf', group='timeseries_by_touchpoint')
assert list(tp['touchpoint'].values) == ['call_centre', 'web']
st = xr.open_dataset(path, engine='h5netcdf', group='statistics')
assert list(st['statistic'].values) == ['mean', 'sd', 'se', 'p05', 'p50', 'p95', 'n']
assert st['npv'].sel(roadmap='baseline', statistic='n').item() == 5
pr = xr.open_dataset(path, engine='h5netcdf', group='parameters')
assert pr['segments.consumer.revenue.price'].dims == ('replication',)
f = h5py.File(path, 'r')
np.testing.assert_array_equal(f['parameters']['initiatives.chatbot.effects.touchpoints.*.failure_rate#2'][()],
                              0.8 + 0.01 * np.arange(5))
assert f['scenario'].asstr()[()].startswith('name: fake-results')
for a in ('hostname', 'scenario_sha256', 'engine_version', 'git_commit', 'created_utc'):
    assert isinstance(f.attrs[a], str) and f.attrs[a], a
assert f.attrs['seed'] == 42 and f.attrs['replications'] == 5 and f.attrs['agent_weight'] == 50.0
for name, obj in f.items():
    pass
def check(name, obj):
    if isinstance(obj, h5py.Dataset):
        assert 'units' in obj.attrs and 'description' in obj.attrs, name
f.visititems(check)
print('ok')
)";
  EXPECT_EQ(run_python(dir.path(), script, out.string()), 0);
}

TEST(ResultsWriter, RefusesToOverwriteWithoutForce) {
  const TempDir dir("overwrite");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  std::ofstream(out) << "precious";
  try {
    ResultsWriter::create(out, s, {}, false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(partial_path(out)));
  {
    std::ifstream in(out);
    std::string text;
    in >> text;
    EXPECT_EQ(text, "precious");
  }
  // With force the old file stays until the new one is complete, then is replaced.
  auto w = ResultsWriter::create(out, s, {}, true);
  EXPECT_TRUE(fs::exists(out));
  for (std::int64_t r = 0; r < 5; ++r) w->write(fake_result(s, r));
  w->finish();
  EXPECT_EQ(read_complete(out), 1);
}

TEST(ResultsWriter, RefusesWhenAnInterruptedRunExists) {
  const TempDir dir("partial_exists");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  { auto w = ResultsWriter::create(out, s, {}, false); }
  try {
    ResultsWriter::create(out, s, {}, false);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(ResultsWriter::create(out, s, {}, true));
}

TEST(ResultsWriter, InterruptedRunIsResumedToTheSameDatasets) {
  const TempDir dir("resume");
  const Scenario s = fake_scenario();
  const auto whole = dir / "whole.h5";
  write_all(whole, s, {0, 1, 2, 3, 4});

  const auto out = dir / "resumed.h5";
  {
    auto w = ResultsWriter::create(out, s, {"cxsim run fake.yaml"}, false);
    w->write(fake_result(s, 3));
    w->write(fake_result(s, 1));
    // Destroyed without finish(): what an interrupt does.
  }
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(partial_path(out)));
  EXPECT_EQ(read_complete(partial_path(out)), 0);
  const ResultsSummary partial = read_results_summary(partial_path(out));
  EXPECT_FALSE(partial.complete);
  EXPECT_EQ(partial.done, (std::vector<bool>{false, true, false, true, false}));
  EXPECT_TRUE(std::isnan(partial.value("npv", 0, 0)));
  EXPECT_EQ(partial.value("npv", 2, 3), fake_summary(SummaryMetric::npv, 2, 3));

  {
    auto w = ResultsWriter::resume(out, s, {"cxsim run fake.yaml --resume"});
    EXPECT_EQ(w->done(), (std::vector<bool>{false, true, false, true, false}));
    EXPECT_THROW(w->finish(), IoError);  // replications missing
    for (std::int64_t r = 0; r < 5; ++r) {
      if (!w->done()[r]) w->write(fake_result(s, r));
    }
    w->finish();
  }
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(partial_path(out)));
  EXPECT_EQ(read_complete(out), 1);
  for (const auto& name :
       {"timeseries/revenue", "timeseries_by_segment/customers",
        "timeseries_by_touchpoint/contacts", "summary/npv", "summary/payback_month",
        "statistics/npv", "statistics/payback_month", "zero_defect/summary/npv",
        "parameters/segments.consumer.revenue.price"}) {
    const auto a = read_dataset(whole, name);
    const auto b = read_dataset(out, name);
    ASSERT_EQ(a.size(), b.size()) << name;
    for (std::size_t i = 0; i < a.size(); ++i) expect_same(b[i], a[i], name);
  }

  if (!python_has_xarray()) GTEST_SKIP() << "python3 with h5py not found";
  // Every dataset, compared in full.
  const std::string script = R"(
import sys
import h5py
import numpy as np
a, b = h5py.File(sys.argv[1], 'r'), h5py.File(sys.argv[2], 'r')
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
other = []
b.visititems(lambda n, o: other.append(n) if isinstance(o, h5py.Dataset) else None)
assert names == other, (names, other)
for n in names:
    x, y = a[n][()], b[n][()]
    if isinstance(x, np.ndarray) and x.dtype.kind == 'f':
        np.testing.assert_array_equal(x, y, err_msg=n)
    else:
        assert np.array_equal(x, y), n
print('identical', len(names), 'datasets')
)";
  EXPECT_EQ(run_python(dir.path(), script, whole.string() + " " + out.string()), 0);
  if (fs::exists(checker())) {
    EXPECT_EQ(run(std::string(kPython) + " " + checker().string() + " " + out.string()), 0);
  }
}

TEST(ResultsWriter, ResumeRefusesAnotherScenarioSeedOrCount) {
  const TempDir dir("resume_refused");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  EXPECT_THROW(ResultsWriter::resume(out, s, {}), IoError);  // nothing to resume
  {
    auto w = ResultsWriter::create(out, s, {}, false);
    w->write(fake_result(s, 0));
  }
  Scenario other_text = s;
  other_text.resolved_yaml += "# changed\n";
  try {
    ResultsWriter::resume(out, other_text, {});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("different scenario"), std::string::npos) << e.what();
  }
  Scenario other_seed = s;
  other_seed.seed = 43;
  EXPECT_THROW(ResultsWriter::resume(out, other_seed, {}), IoError);
  Scenario other_count = s;
  other_count.replications = 6;
  EXPECT_THROW(ResultsWriter::resume(out, other_count, {}), IoError);
  // The refusals leave the interrupted run as it was.
  auto w = ResultsWriter::resume(out, s, {});
  EXPECT_EQ(w->done(), (std::vector<bool>{true, false, false, false, false}));
}

TEST(ResultsWriter, RejectsResultsOfTheWrongShape) {
  const TempDir dir("shape");
  const Scenario s = fake_scenario();
  auto w = ResultsWriter::create(dir / "run.h5", s, {}, false);
  ReplicationResult r = fake_result(s, 0);
  r.replication = 5;
  EXPECT_THROW(w->write(r), IoError);
  r = fake_result(s, 0);
  r.roadmaps.pop_back();
  EXPECT_THROW(w->write(r), IoError);
  r = fake_result(s, 0);
  r.zero_defect.clear();
  EXPECT_THROW(w->write(r), IoError);
  r = fake_result(s, 0);
  r.parameters.push_back(1.0);
  EXPECT_THROW(w->write(r), IoError);
  r = fake_result(s, 0);
  r.roadmaps[1] = RoadmapRun(3, 2, 2);
  EXPECT_THROW(w->write(r), IoError);
  EXPECT_EQ(w->done(), std::vector<bool>(5, false));
}

TEST(ResultsWriter, Sha256OfKnownText) {
  // printf 'abc' | sha256sum
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ResultsReader, RejectsAnUnknownMajorFormatVersion) {
  const TempDir dir("reader_version");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  write_all(out, s, {0, 1, 2, 3, 4});
  {
    const h5::File f(H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::write_attribute(f.get(), "format_version", std::string_view("2.0"), out);
  }
  try {
    read_results_summary(out);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("format_version 2.0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
}

TEST(ResultsWriter, RobustnessRanksTheRoadmapsUnderEveryTerminalChoice) {
  const TempDir dir("robustness");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  write_all(out, s, {0, 1, 2, 3, 4});
  // [terminal_value, roadmap]: 3 choices x 3 roadmaps.
  const auto mean_delta = read_dataset(out, "/robustness/mean_delta_npv");
  const auto rank = read_dataset(out, "/robustness/rank");
  const auto p_best = read_dataset(out, "/robustness/p_best");
  ASSERT_EQ(mean_delta.size(), 9u);
  const SummaryMetric deltas[] = {SummaryMetric::delta_npv_customer_equity_net,
                                  SummaryMetric::delta_npv_customer_equity,
                                  SummaryMetric::delta_npv_none};
  const SummaryMetric bests[] = {SummaryMetric::is_best_customer_equity_net,
                                 SummaryMetric::is_best_customer_equity,
                                 SummaryMetric::is_best_none};
  for (int c = 0; c < 3; ++c) {
    for (int i = 0; i < 3; ++i) {
      double delta = 0, best = 0;
      for (int r = 0; r < 5; ++r) {
        delta += fake_summary(deltas[c], i, r) / 5;
        best += fake_summary(bests[c], i, r) / 5;
      }
      EXPECT_NEAR(mean_delta[c * 3 + i], delta, 1e-6 * std::abs(delta));
      EXPECT_NEAR(p_best[c * 3 + i], best, 1e-6 * std::abs(best));
      // fake_summary grows with the roadmap index: the last roadmap ranks first everywhere.
      EXPECT_EQ(rank[c * 3 + i], 3.0 - i);
    }
  }
  const h5::File f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  const hid_t g = H5Gopen2(f.get(), "robustness", H5P_DEFAULT);
  EXPECT_EQ(h5::read_int_attribute(g, "best_roadmap_index", out), 2);
  EXPECT_EQ(h5::read_int_attribute(g, "best_stays_best", out), 1);
  EXPECT_EQ(h5::read_int_attribute(g, "most_roadmaps_reranked", out), 0);
  EXPECT_EQ(h5::read_string_attribute(g, "terminal_value", out), "customer_equity_net");
  H5Gclose(g);
  EXPECT_EQ(h5::read_string_attribute(f.get(), "terminal_value", out), "customer_equity_net");
}

TEST(ResultsWriter, ResumeRefusesAPartialOfAnotherFormatVersion) {
  const TempDir dir("resume_version");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  {
    auto w = ResultsWriter::create(out, s, {}, false);
    w->write(fake_result(s, 0));
  }
  {
    // As another cxsim would write it: whole, with its digests, in another format version.
    const h5::File f(H5Fopen(partial_path(out).c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::write_attribute(f.get(), "format_version", std::string_view("1.0"), out);
    const h5::Group run(H5Gopen2(f.get(), kRunGroup, H5P_DEFAULT));
    h5::write_attribute(run.get(), kLayoutDigest, layout_digest(f.get(), out), out);
  }
  try {
    ResultsWriter::resume(out, s, {});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("format_version 1.0"), std::string::npos) << what;
    EXPECT_NE(what.find("--force"), std::string::npos) << what;
  }
}

TEST(ResultsReader, RejectsFilesThatAreNotResults) {
  const TempDir dir("reader_bad");
  EXPECT_THROW(read_results_summary(dir / "missing.h5"), IoError);
  std::ofstream(dir / "text.h5") << "not hdf5";
  EXPECT_THROW(read_results_summary(dir / "text.h5"), IoError);
  {
    const h5::File f(
        H5Fcreate((dir / "empty.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  }
  EXPECT_THROW(read_results_summary(dir / "empty.h5"), IoError);
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

WriterOptions no_sync() {
  WriterOptions o;
  o.sync = false;
  return o;
}

TEST(ResultsWriter, WritesChecksummedMetadataAndFletcher32Chunks) {
  const TempDir dir("format");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  write_all(out, s, {0, 1, 2, 3, 4});
  const h5::File f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_TRUE(f.valid());
  H5F_info2_t info{};
  ASSERT_GE(H5Fget_info2(f.get(), &info), 0);
  EXPECT_EQ(info.super.version, 3u);  // HDF5 1.10 format: checksummed superblock and metadata
  int chunked = 0;
  for (const char* name : {"timeseries/revenue", "timeseries_by_segment/nps", "summary/npv",
                           "statistics/npv", "parameters/segments.consumer.revenue.price", "done",
                           "run/replication_sha256", "zero_defect/summary/npv"}) {
    const h5::Dataset ds(H5Dopen2(f.get(), name, H5P_DEFAULT));
    ASSERT_TRUE(ds.valid()) << name;
    const h5::PropertyList dcpl(H5Dget_create_plist(ds.get()));
    EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED) << name;
    unsigned flags = 0;
    std::size_t n = 0;
    unsigned config = 0;
    EXPECT_GE(H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_FLETCHER32, &flags, &n, nullptr, 0,
                                   nullptr, &config),
              0)
        << name << " has no Fletcher-32";
    ++chunked;
  }
  EXPECT_EQ(chunked, 8);
  EXPECT_EQ(h5::read_string_attribute(f.get(), "random_numbers", out), "common");
}

TEST(ResultsWriter, ASecondWriterOfTheSameOutputIsRefusedEvenWithForce) {
  const TempDir dir("second_writer");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  auto first = ResultsWriter::create(out, s, {}, false, no_sync());
  first->write(fake_result(s, 0));
  for (bool force : {false, true}) {
    try {
      ResultsWriter::create(out, s, {}, force, no_sync());
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("another cxsim run is writing it (pid " + std::to_string(getpid()) + ")"),
                std::string::npos)
          << what;
      EXPECT_EQ(what.find("interrupted"), std::string::npos) << what;
    }
  }
  EXPECT_THROW(ResultsWriter::resume(out, s, {}, no_sync()), IoError);
  // The first run was not disturbed.
  for (std::int64_t r = 1; r < 5; ++r) first->write(fake_result(s, r));
  first->finish();
  first.reset();
  EXPECT_NO_THROW(verify_results_file(out));
  EXPECT_FALSE(fs::exists(lock_path(out)));
}

TEST(ResultsWriter, ResumeRefusesAnotherRandomNumberMode) {
  const TempDir dir("mode");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  for (bool independent : {false, true}) {
    {
      RunProvenance p{"cxsim run fake.yaml", independent};
      auto w = ResultsWriter::create(out, s, p, true, no_sync());
      w->write(fake_result(s, 0));
    }
    {
      const h5::File f(H5Fopen(partial_path(out).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
      EXPECT_EQ(h5::read_string_attribute(f.get(), "random_numbers", out),
                independent ? "independent" : "common");
    }
    try {
      ResultsWriter::resume(out, s, RunProvenance{"--resume", !independent}, no_sync());
      FAIL() << "expected IoError";
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(independent ? "resume with --independent-streams too"
                                      : "resume without --independent-streams"),
                std::string::npos)
          << what;
    }
    auto w = ResultsWriter::resume(out, s, RunProvenance{"--resume", independent}, no_sync());
    EXPECT_EQ(w->done(), (std::vector<bool>{true, false, false, false, false}));
  }
}

TEST(ResultsWriter, AFailedCreateLeavesNoFile) {
  const TempDir dir("create_fails");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  WriterOptions options = no_sync();
  options.faults.full_after = 0;
  try {
    ResultsWriter::create(out, s, {}, false, options);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(partial_path(out)));
  EXPECT_FALSE(fs::exists(lock_path(out)));
}

// The first, a middle and the last of the writes, flushes and truncations that finish() makes
// fail (tests/outputs/storage_faults_test.cpp goes through every one): never a file under the
// final name, and what is left resumes to the whole run or is refused.
TEST(ResultsWriter, AFailureWhileFinishingLeavesNoFinalFile) {
  const TempDir dir("finish_fails");
  const Scenario s = fake_scenario();
  const auto whole = dir / "whole.h5";
  std::int64_t before = 0, after = 0;
  {
    auto w = ResultsWriter::create(whole, s, {}, false, no_sync());
    for (std::int64_t r = 0; r < 5; ++r) w->write(fake_result(s, r));
    before = w->storage().calls;
    w->finish();
    after = w->storage().calls;
  }
  ASSERT_GT(after, before);
  for (const std::int64_t k : {before + 1, (before + after + 1) / 2, after}) {
    const auto out = dir / ("run" + std::to_string(k) + ".h5");
    WriterOptions options = no_sync();
    options.faults.fail_call = k;
    auto w = ResultsWriter::create(out, s, {}, false, options);
    for (std::int64_t r = 0; r < 5; ++r) w->write(fake_result(s, r));
    EXPECT_THROW(w->finish(), IoError) << "call " << k;
    EXPECT_THROW(w->write(fake_result(s, 0)), IoError) << "call " << k;
    w.reset();
    EXPECT_FALSE(fs::exists(out)) << "call " << k;
    ASSERT_TRUE(fs::exists(partial_path(out))) << "call " << k;
    try {
      auto again = ResultsWriter::resume(out, s, {}, no_sync());
      EXPECT_EQ(again->done(), std::vector<bool>(5, true)) << "call " << k;
      again->finish();
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("start over with --force"), std::string::npos)
          << e.what();
      continue;
    }
    for (const auto& name : {"timeseries/revenue", "summary/npv", "statistics/npv"}) {
      EXPECT_EQ(read_dataset(whole, name).size(), read_dataset(out, name).size());
      const auto a = read_dataset(whole, name), b = read_dataset(out, name);
      for (std::size_t i = 0; i < a.size(); ++i) expect_same(b[i], a[i], name);
    }
  }
}

// The probe's case and every one like it: 4 KiB overwritten anywhere in an interrupted run's
// file, at every 4 KiB. Resume either refuses the file as damaged or, where the bytes held
// nothing in use, finishes it to exactly the uninterrupted run.
TEST(ResultsWriter, ResumeRefusesDamageAnywhereInThePartial) {
  const TempDir dir("damage");
  const Scenario s = fake_scenario();
  const auto whole = dir / "whole.h5";
  write_all(whole, s, {0, 1, 2, 3, 4});
  const auto pristine = dir / "pristine.h5";
  {
    auto w = ResultsWriter::create(pristine, s, {}, false, no_sync());
    w->write(fake_result(s, 3));
    w->write(fake_result(s, 1));
  }
  const auto size = fs::file_size(partial_path(pristine));
  int refused = 0, resumed = 0;
  for (std::uintmax_t at = 0; at < size; at += 4096) {
    const auto out = dir / "run.h5";
    fs::remove(out);
    fs::copy_file(partial_path(pristine), partial_path(out), fs::copy_options::overwrite_existing);
    {
      std::fstream f(partial_path(out), std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(at));
      const std::string junk(4096, '\xa5');
      f.write(junk.data(), static_cast<std::streamsize>(std::min<std::uintmax_t>(4096, size - at)));
    }
    std::unique_ptr<ResultsWriter> w;
    try {
      w = ResultsWriter::resume(out, s, {}, no_sync());
    } catch (const IoError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("damaged"), std::string::npos) << "at " << at << ": " << what;
      EXPECT_NE(what.find("start over with --force"), std::string::npos) << what;
      ++refused;
      continue;
    }
    for (std::int64_t r = 0; r < 5; ++r) {
      if (!w->done()[r]) w->write(fake_result(s, r));
    }
    w->finish();
    w.reset();
    ++resumed;
    for (const auto& name :
         {"timeseries/revenue", "timeseries_by_segment/customers", "summary/npv",
          "summary/payback_month", "statistics/npv", "zero_defect/timeseries/nps",
          "parameters/segments.consumer.revenue.price"}) {
      const auto a = read_dataset(whole, name), b = read_dataset(out, name);
      ASSERT_EQ(a.size(), b.size()) << name << " at " << at;
      for (std::size_t i = 0; i < a.size(); ++i) expect_same(b[i], a[i], name);
    }
    EXPECT_NO_THROW(verify_results_file(out)) << "at " << at;
  }
  EXPECT_GT(refused, 0);
  std::printf("%d of %d damaged copies refused, %d resumed\n", refused, refused + resumed, resumed);
}

}  // namespace
}  // namespace cxsim
