// `cxsim export` and `cxsim report` end to end, read back by real clients: the workbook with
// openpyxl against the results file read with h5py (tests/tools/check_workbook.py), the tidy CSV
// files with Python's csv module (check_csv.py), the HTML report checked for network references
// and sources (check_report.py) and rendered by headless Chromium to a screenshot.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "report_checks.hpp"
#include "reports/finance_tables.hpp"
#include "reports/table.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kPython = "/usr/bin/python3 ";
// A bundled scenario, small: 8 replications of 2000 agents.
const std::string kSmall = " --replications 8 --set agents=2000 -q ";
const std::string kTwins = " --set analysis.avoidable_cost_by_touchpoint=true ";

class FinanceOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_fin_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Runs a bundled scenario into <name>.h5.
  std::string run(const std::string& scenario, const std::string& name,
                  const std::string& more = kTwins) {
    const std::string out = path(name + ".h5");
    const Output o = sh(kCxsim + " run " + kSource + "/scenarios/" + scenario + ".yaml -o " + out +
                        kSmall + more);
    EXPECT_EQ(o.exit_code, 0) << o.text;
    return out;
  }
  fs::path dir_;
};

std::string read(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(FinanceOutputs, TheWorkbookReadBackWithOpenpyxlEqualsTheResultsFile) {
  const std::string h5 = run("telecom", "telecom");
  const std::string xlsx = path("telecom.xlsx");
  const Output e = sh(kCxsim + " export " + h5 + " --xlsx " + xlsx);
  ASSERT_EQ(e.exit_code, 0) << e.text;
  const Output c = sh(kPython + kSource + "/tests/tools/check_workbook.py " + h5 + " " + xlsx);
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

TEST_F(FinanceOutputs, TheTidyCsvFilesHoldTheSameNumbersExactly) {
  const std::string h5 = run("telecom", "telecom");
  const Output e = sh(kCxsim + " export " + h5 + " --csv " + path("csv"));
  ASSERT_EQ(e.exit_code, 0) << e.text;
  const Output c = sh(kPython + kSource + "/tests/tools/check_csv.py " + h5 + " " + path("csv"));
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

TEST_F(FinanceOutputs, TheReportIsSelfContainedAndEveryTableNamesItsDatasets) {
  const std::string h5 = run("telecom", "telecom");
  const std::string html = path("telecom.html");
  const Output r = sh(kCxsim + " report " + h5 + " -o " + html);
  ASSERT_EQ(r.exit_code, 0) << r.text;
  const Output c = cxsim::testing::check_report(html, h5);
  EXPECT_EQ(c.exit_code, 0) << c.text;
  // The decision comes first, and names the best roadmap.
  const std::string page = read(html);
  const auto decision = page.find("id=\"decision\"");
  ASSERT_NE(decision, std::string::npos);
  EXPECT_LT(decision, page.find("id=\"cash\""));
  EXPECT_NE(page.find("class=\"headline\""), std::string::npos);

  // Negative control: the checker sees a network reference.
  cxsim::testing::expect_checker_sees_a_network_reference(html, h5, "id=\"decision\"",
                                                          path("bad.html"));
}

TEST_F(FinanceOutputs, HeadlessChromiumRendersTheReportToAScreenshot) {
  const std::string h5 = run("telecom", "telecom");
  const std::string html = path("telecom.html");
  ASSERT_EQ(sh(kCxsim + " report " + h5 + " -o " + html).exit_code, 0);
  cxsim::testing::expect_chromium_renders_a_screenshot(html, dir_.string());
}

TEST_F(FinanceOutputs, EveryBundledScenarioExportsAndReports) {
  for (const std::string scenario : {"telecom", "banking", "retail_transactional"}) {
    // Telecom with the per-touchpoint twins, the others as bundled.
    const std::string h5 = run(scenario, scenario, scenario == "telecom" ? kTwins : "");
    const Output e = sh(kCxsim + " export " + h5 + " --xlsx " + path(scenario + ".xlsx") +
                        " --csv " + path(scenario + "_csv"));
    EXPECT_EQ(e.exit_code, 0) << scenario << ": " << e.text;
    const Output w = sh(kPython + kSource + "/tests/tools/check_workbook.py " + h5 + " " +
                        path(scenario + ".xlsx"));
    EXPECT_EQ(w.exit_code, 0) << scenario << ": " << w.text;
    const Output r = sh(kCxsim + " report " + h5 + " -o " + path(scenario + ".html"));
    EXPECT_EQ(r.exit_code, 0) << scenario << ": " << r.text;
    const Output c = sh(kPython + kSource + "/tests/tools/check_report.py " +
                        path(scenario + ".html") + " " + h5);
    EXPECT_EQ(c.exit_code, 0) << scenario << ": " << c.text;
  }
}

TEST_F(FinanceOutputs, RefusesWhatItCannotDoInWords) {
  const std::string h5 = run("telecom", "telecom", "");
  // Nothing asked for.
  Output o = sh(kCxsim + " export " + h5);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.text.find("--xlsx"), std::string::npos) << o.text;
  // An existing output without --force, then with it.
  ASSERT_EQ(sh(kCxsim + " export " + h5 + " --xlsx " + path("a.xlsx")).exit_code, 0);
  o = sh(kCxsim + " export " + h5 + " --xlsx " + path("a.xlsx"));
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.text.find("--force"), std::string::npos) << o.text;
  EXPECT_EQ(sh(kCxsim + " export " + h5 + " --xlsx " + path("a.xlsx") + " --force").exit_code, 0);
  // Never over the results file itself.
  o = sh(kCxsim + " report " + h5 + " -o " + h5 + " --force");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.text.find("results file"), std::string::npos) << o.text;
  // An interrupted run has no statistics yet: finish it first.
  const std::string partial = path("stopped.h5");
  sh("CXSIM_STOP_AFTER=2 " + kCxsim + " run " + kSource + "/scenarios/telecom.yaml -o " + partial +
     kSmall);
  ASSERT_TRUE(fs::exists(partial + ".partial"));
  o = sh(kCxsim + " export " + partial + ".partial --csv " + path("stopped"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.text.find("--resume"), std::string::npos) << o.text;
  // Not a results file.
  o = sh(kCxsim + " report " + kSource + "/scenarios/telecom.yaml -o " + path("x.html"));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.text.find("not an HDF5 file"), std::string::npos) << o.text;
}

TEST_F(FinanceOutputs, TablesCopyStatisticsAndNameTheirDatasets) {
  const std::string h5 = run("telecom", "telecom");
  const cxsim::reports::FinanceTables t = cxsim::reports::read_finance_tables(h5);
  for (const char* id :
       {"summary", "decision", "robustness", "cash_flow_by_year", "cumulative_delta_cash",
        "avoidable_cost", "per_replication", "assumptions", "provenance", "scenario"}) {
    const cxsim::reports::Table* table = t.find(id);
    ASSERT_NE(table, nullptr) << id;
    EXPECT_FALSE(table->sources.empty()) << id;
    EXPECT_FALSE(table->rows.empty()) << id;
    for (const auto& row : table->rows) EXPECT_EQ(row.size(), table->columns.size()) << id;
  }
  EXPECT_EQ(t.fact("by_touchpoint"), "1");
  EXPECT_EQ(t.fact("currency"), "USD");
  EXPECT_EQ(t.fact("file_sha256").size(), 64u);
  // The baseline's cumulative delta cash is exactly 0 every month.
  const cxsim::reports::Table& cum = *t.find("cumulative_delta_cash");
  for (const auto& row : cum.rows) EXPECT_EQ(std::get<double>(row[1]), 0.0);
}

TEST(FinanceHelp, TheCommandsAndTheirOptionsAreListed) {
  Output o = sh(kCxsim + " --help");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.text.find("export"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("report"), std::string::npos) << o.text;
  o = sh(kCxsim + " export --help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* s : {"--xlsx", "--csv", "--force", "tidy CSV"}) {
    EXPECT_NE(o.text.find(s), std::string::npos) << s << "\n" << o.text;
  }
  o = sh(kCxsim + " report --help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* s : {"-o,--output", "--python", "self-contained"}) {
    EXPECT_NE(o.text.find(s), std::string::npos) << s << "\n" << o.text;
  }
}

TEST(ExactNumber, ReadsBackAsTheSameDouble) {
  for (const double v : {0.1, 1.0 / 3.0, 1286976161.4249146, -7.2e-300, 1e300, 123456789.0}) {
    EXPECT_EQ(std::stod(cxsim::reports::exact_number(v)), v) << cxsim::reports::exact_number(v);
  }
  EXPECT_EQ(cxsim::reports::exact_number(0.1), "0.1");
}

}  // namespace
