// `cxsim export` on optimize and attribution files end to end, read back by real clients (the
// tidy CSV files with Python's csv module, the workbook with openpyxl) against the file read with
// h5py (tests/tools/check_plans.py), with a negative control; an interrupted attribution is
// refused in words.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "report_checks.hpp"
#include "reports/experiment_tables.hpp"
#include "reports/table.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kCheck = "/usr/bin/python3 " + kSource + "/tests/tools/check_plans.py ";

class PlanOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_planx_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Writes <name>.yaml and runs `cxsim <command>` on it into <name>.h5.
  Output run(const std::string& command, const std::string& name, const std::string& yaml,
             const std::string& env = "") {
    std::ofstream(path(name + ".yaml")) << yaml;
    return sh(env + kCxsim + " " + command + " " + path(name + ".yaml") + " -o " +
              path(name + ".h5") + " -q");
  }
  void export_and_check(const std::string& name) {
    const std::string h5 = path(name + ".h5"), xlsx = path(name + ".xlsx"),
                      csv = path(name + "_csv");
    const Output e = sh(kCxsim + " export " + h5 + " --xlsx " + xlsx + " --csv " + csv);
    ASSERT_EQ(e.exit_code, 0) << e.text;
    const Output c = sh(kCheck + h5 + " --xlsx " + xlsx + " --csv " + csv);
    EXPECT_EQ(c.exit_code, 0) << c.text;
  }
  fs::path dir_;
};

// The knapsack problem of scenarios/experiments (its answer known), under two budgets.
std::string knapsack_yaml() {
  return "scenario: " + kSource +
         "/scenarios/experiments/knapsack.yaml\n"
         "replications: 10\n"
         "optimize:\n"
         "  initiatives: [a_raise, b_raise, c_raise, d_raise]\n"
         "  start_months: [1, 13]\n"
         "  constraints: {capex_total: [4.0e6, 1.0e7], capex_per_year: 7.0e6}\n"
         "  objective: {metric: delta_npv, statistic: mean}\n"
         "  indifference_zone: 5.0e5\n"
         "  confidence: 0.95\n";
}

std::string attribution_yaml() {
  return "scenario: " + kSource +
         "/scenarios/telecom.yaml\nset: {agents: 1000}\nreplications: 3\n"
         "attribute: {roadmap: phased, metric: delta_npv, method: exact}\n";
}

std::string read(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(PlanOutputs, AnOptimizeFileExportsItsChoiceFrontierAndEveryCandidateExactly) {
  const Output o = run("optimize", "knapsack", knapsack_yaml());
  ASSERT_EQ(o.exit_code, 0) << o.text;
  export_and_check("knapsack");
  const cxsim::reports::FinanceTables t = cxsim::reports::read_results_tables(path("knapsack.h5"));
  EXPECT_EQ(t.fact("experiment"), "optimize");
  ASSERT_NE(t.find("frontier"), nullptr);
  EXPECT_EQ(t.find("frontier")->rows.size(), 2u);
  const cxsim::reports::Table* choice = t.find("choice");
  ASSERT_NE(choice, nullptr);
  // The known best within 10M (knapsack_optimize.yaml's header).
  const std::string best = std::get<std::string>(choice->rows.front()[1]);
  EXPECT_NE(best.find("{use: b_raise, start_month: 1}, {use: c_raise, start_month: 1}"),
            std::string::npos)
      << best;
}

TEST_F(PlanOutputs, AnAttributionExportsItsSharesPerReplicationAndCoalitions) {
  const Output a = run("attribute", "attr", attribution_yaml());
  ASSERT_EQ(a.exit_code, 0) << a.text;
  export_and_check("attr");

  // Negative control: the checker sees one share changed in its first decimal.
  const std::string csv = path("attr_csv/shapley.csv");
  std::string text = read(csv);
  const auto at = text.find("\n0,billing_fix,");
  ASSERT_NE(at, std::string::npos) << text.substr(0, 300);
  const auto point = text.find('.', at + 15);
  ASSERT_LT(point, text.find('\n', at + 1)) << text.substr(at, 80);
  char& digit = text[point + 1];
  digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
  std::ofstream(csv, std::ios::trunc) << text;
  const Output bad = sh(kCheck + path("attr.h5") + " --csv " + path("attr_csv"));
  EXPECT_NE(bad.exit_code, 0) << bad.text;
  EXPECT_NE(bad.text.find("shapley.csv"), std::string::npos) << bad.text;
}

// The reports of both: self-contained, every table and chart naming its datasets
// (check_report.py), the answer first.
TEST_F(PlanOutputs, TheReportsOfAnOptimisationAndAnAttributionAreSelfContainedAndSourced) {
  ASSERT_EQ(run("optimize", "knapsack", knapsack_yaml()).exit_code, 0);
  ASSERT_EQ(run("attribute", "attr", attribution_yaml()).exit_code, 0);
  for (const std::string name : {"knapsack", "attr"}) {
    const std::string h5 = path(name + ".h5"), html = path(name + ".html");
    const Output r = sh(kCxsim + " report " + h5 + " -o " + html);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.text;
    const Output c = cxsim::testing::check_report(html, h5);
    EXPECT_EQ(c.exit_code, 0) << name << ": " << c.text;
    const std::string page = read(html);
    const auto answer = page.find("id=\"answer\"");
    ASSERT_NE(answer, std::string::npos) << name;
    EXPECT_LT(answer, page.find("id=\"charts\"")) << name;
    EXPECT_LT(page.find("id=\"charts\""), page.find("id=\"plans\"")) << name;
    EXPECT_NE(page.find("class=\"headline\""), std::string::npos) << name;
    if (name == "knapsack") {
      EXPECT_NE(page.find("Choose <b>b_raise@1 + c_raise@1</b>"), std::string::npos);
      EXPECT_NE(page.find("/optimize/frontier/mean"), std::string::npos);
    } else {
      EXPECT_NE(page.find("Who earns the value of phased?"), std::string::npos);
      EXPECT_NE(page.find("/attribute/interval"), std::string::npos);
    }
  }
}

TEST_F(PlanOutputs, AnInterruptedAttributionIsRefusedInWords) {
  run("attribute", "stopped", attribution_yaml(), "CXSIM_ATTRIBUTE_BATCH=4 CXSIM_STOP_AFTER=1 ");
  const std::string partial = path("stopped.h5.partial");
  ASSERT_TRUE(fs::exists(partial));
  const Output o = sh(kCxsim + " export " + partial + " --csv " + path("stopped_csv"));
  EXPECT_EQ(o.exit_code, 1) << o.text;
  for (const char* s : {"not complete", "cxsim attribute", "--resume"}) {
    EXPECT_NE(o.text.find(s), std::string::npos) << s << "\n" << o.text;
  }
  EXPECT_FALSE(fs::exists(path("stopped_csv")));
}

}  // namespace
