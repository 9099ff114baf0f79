// A run with analysis.avoidable_cost_by_touchpoint through the executable: the progress line
// counts the extra twins, the file conforms to RESULTS.md and holds /summary_by_touchpoint and
// /statistics_by_touchpoint with their dimension scales and units.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kShared = CXSIM_SHARED_DIR;

TEST(TouchpointResults, ARunWithTwinsConformsAndTheProgressCountsTheTwins) {
  const fs::path dir = fs::temp_directory_path() / "cxsim_touchpoint_results";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string out = (dir / "telecom.h5").string();
  // Not a terminal: the progress comes as plain lines on stderr.
  const Output o = sh(kCxsim + " run " + kSource + "/scenarios/telecom.yaml -o " + out +
                      " --replications 8 --set agents=2000"
                      " --set analysis.avoidable_cost_by_touchpoint=true");
  ASSERT_EQ(o.exit_code, 0) << o.text;
  // 5 roadmaps x (itself + zero-defect + 4 touchpoint twins) x 8 replications.
  EXPECT_NE(o.text.find("8/8 replications (240/240 roadmap runs)"), std::string::npos) << o.text;

  const Output check = sh(kShared + "/tools/check-results " + out);
  EXPECT_EQ(check.exit_code, 0) << check.text;
  const Output py =
      sh("/usr/bin/python3 -c \""
         "import h5py, xarray as xr\n"
         "f = h5py.File('" +
         out +
         "', 'r')\n"
         "assert f.attrs['avoidable_cost_by_touchpoint'] == 1\n"
         "for m in ('avoidable_cost', 'avoidable_cost_cash', 'avoidable_cost_terminal', "
         "'cost_per_failure'):\n"
         "    d = f['summary_by_touchpoint/' + m]\n"
         "    assert d.shape == (5, 8, 4), d.shape\n"
         "    assert d.attrs['units'] in ('money', 'money per failure')\n"
         "    assert f['statistics_by_touchpoint/' + m].shape == (5, 4, 7)\n"
         "ds = xr.open_dataset('" +
         out +
         "', engine='h5netcdf', group='summary_by_touchpoint')\n"
         "assert list(ds.avoidable_cost.dims) == ['roadmap', 'replication', 'touchpoint']\n"
         "assert list(ds.touchpoint.values) == ['billing', 'tech_support', 'onboarding', 'app']\n"
         "st = xr.open_dataset('" +
         out +
         "', engine='h5netcdf', group='statistics_by_touchpoint')\n"
         "m = st.avoidable_cost.sel(statistic='mean')\n"
         "s = ds.avoidable_cost.mean('replication')\n"
         "assert abs(m - s).max() <= 1e-6 * abs(s).max()\n"
         "print('ok')\"");
  EXPECT_EQ(py.exit_code, 0) << py.text;
  fs::remove_all(dir);
}

}  // namespace
