// `cxsim export` on experiment files (sweep, sensitivity) end to end, read back by real clients:
// the workbook with openpyxl and the tidy CSV files with Python's csv module, against the file
// read with h5py (tests/tools/check_experiment.py); an interrupted experiment is refused; and
// `cxsim report` on them, checked by check_report.py and rendered by headless Chromium.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "report_checks.hpp"
#include "reports/experiment_tables.hpp"
#include "reports/results_file.hpp"
#include "reports/table.hpp"
#include "shell.hpp"

namespace {

namespace fs = std::filesystem;
using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kCheck = "/usr/bin/python3 " + kSource + "/tests/tools/check_experiment.py ";

// Small: telecom with 1000 agents, 2 replications per point.
std::string experiment_yaml(const std::string& block) {
  return "scenario: " + kSource +
         "/scenarios/telecom.yaml\n"
         "set: {agents: 1000}\n"
         "replications: 2\n"
         "outputs: [delta_npv, npv]\n" +
         block;
}

// Sobol with N = 8 over three factors: 8 (3 + 2) = 40 points.
const std::string kSobol =
    "sensitivity:\n"
    "  method: sobol\n"
    "  base_samples: 8\n"
    "  bootstrap: 100\n"
    "  factors:\n"
    "    - {path: churn.satisfaction}\n"
    "    - {path: churn.unrecovered_failure}\n"
    "    - {path: satisfaction.loss_weight, range: [0.4, 1.2]}\n";

// A grid of 3 x 2 points, and the base scenario.
const std::string kGrid =
    "sweep:\n"
    "  design: grid\n"
    "  factors:\n"
    "    - {path: satisfaction.loss_weight, values: [0.4, 0.8, 1.2]}\n"
    "    - {path: churn.price, values: [2.0, 3.0]}\n";

class ExperimentOutputs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_expx_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Writes <name>.yaml and runs it (`command` = sweep | sensitivity) into <name>.h5.
  std::string run(const std::string& command, const std::string& name, const std::string& block,
                  const std::string& env = "") {
    std::ofstream(path(name + ".yaml")) << experiment_yaml(block);
    const std::string out = path(name + ".h5");
    last_ = sh(env + kCxsim + " " + command + " " + path(name + ".yaml") + " -o " + out + " -q");
    if (env.empty()) {
      EXPECT_EQ(last_.exit_code, 0) << last_.text;
    }
    return out;
  }
  // Exports <h5> as <name>.xlsx and <name>_csv/, then checks both against the file.
  void export_and_check(const std::string& h5, const std::string& name) {
    const std::string xlsx = path(name + ".xlsx"), csv = path(name + "_csv");
    const Output e = sh(kCxsim + " export " + h5 + " --xlsx " + xlsx + " --csv " + csv);
    ASSERT_EQ(e.exit_code, 0) << e.text;
    const Output c = sh(kCheck + h5 + " --xlsx " + xlsx + " --csv " + csv);
    EXPECT_EQ(c.exit_code, 0) << c.text;
  }
  fs::path dir_;
  Output last_;
};

std::string read(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(ExperimentOutputs, ASobolStudyExportsItsDesignStatisticsAndIndicesExactly) {
  const std::string h5 = run("sensitivity", "sobol", kSobol);
  export_and_check(h5, "sobol");

  // Negative control: the checker sees one index changed in its last digit.
  const std::string csv = path("sobol_csv/sensitivity.csv");
  std::string text = read(csv);
  const auto at = text.find(",ST,0.");
  ASSERT_NE(at, std::string::npos) << text.substr(0, 400);
  const auto end = text.find(',', at + 4);
  char& digit = text[end - 1];
  digit = digit == '9' ? '8' : static_cast<char>(digit + 1);
  std::ofstream(csv, std::ios::trunc) << text;
  const Output bad = sh(kCheck + h5 + " --csv " + path("sobol_csv"));
  EXPECT_NE(bad.exit_code, 0) << bad.text;
  EXPECT_NE(bad.text.find("sensitivity.csv"), std::string::npos) << bad.text;
}

TEST_F(ExperimentOutputs, AGridSweepExportsItsPointsAndPairedDifferencesExactly) {
  const std::string h5 = run("sweep", "grid", kGrid);
  export_and_check(h5, "grid");
}

TEST_F(ExperimentOutputs, MorrisAndTornadoExportEveryIndexOfTheirMethod) {
  const std::string factors =
      "  factors:\n"
      "    - {path: churn.satisfaction}\n"
      "    - {path: satisfaction.loss_weight, range: [0.4, 1.2]}\n";
  const std::string morris = run("sensitivity", "morris",
                                 "sensitivity:\n  method: morris\n  trajectories: 2\n  levels: 4\n"
                                 "  bootstrap: 50\n" +
                                     factors);
  export_and_check(morris, "morris");
  const std::string tornado =
      run("sensitivity", "tornado", "sensitivity:\n  method: tornado\n" + factors);
  export_and_check(tornado, "tornado");
}

TEST_F(ExperimentOutputs, TablesNameDatasetsThatAreInTheFile) {
  const std::string h5 = run("sweep", "grid", kGrid);
  const cxsim::reports::FinanceTables t = cxsim::reports::read_results_tables(h5);
  EXPECT_EQ(t.fact("experiment"), "sweep");
  EXPECT_EQ(t.fact("file_sha256").size(), 64u);
  EXPECT_EQ(t.find("summary"), nullptr);
  EXPECT_EQ(t.find("sensitivity"), nullptr);
  const cxsim::reports::ResultsFile file(h5);
  for (const char* id :
       {"design", "points", "paired_difference", "provenance", "experiment", "scenario"}) {
    const cxsim::reports::Table* table = t.find(id);
    ASSERT_NE(table, nullptr) << id;
    EXPECT_FALSE(table->sources.empty()) << id;
    EXPECT_FALSE(table->rows.empty()) << id;
    for (const auto& source : table->sources) {
      if (source == "/ (root attributes)") continue;
      EXPECT_TRUE(file.has(source.substr(1))) << id << ": " << source;
    }
    for (std::size_t r = 0; r < table->rows.size(); ++r) {
      ASSERT_EQ(table->rows[r].size(), table->columns.size()) << id;
      for (std::size_t c = 0; c < table->columns.size(); ++c) {
        if (table->columns[c].key) continue;
        const std::string source = table->source_of(r, c);
        if (source == "/ (root attributes)") continue;
        EXPECT_TRUE(file.has(source.substr(1, source.find(' ') - 1))) << id << ": " << source;
      }
    }
  }
  // 6 points x 5 roadmaps; the point with every factor at the scenario's own value (loss
  // weight 0.8, price 3.0) is the base scenario: its paired differences are exactly 0.
  const cxsim::reports::Table& pd = *t.find("paired_difference");
  ASSERT_EQ(pd.rows.size(), 30u);
  for (std::size_t r = 15; r < 20; ++r) {
    EXPECT_EQ(std::get<double>(pd.rows[r][0]), 3.0);
    EXPECT_EQ(std::get<double>(pd.rows[r][6]), 0.0) << r;  // npv: point - base, mean
  }
}

TEST_F(ExperimentOutputs, AnInterruptedExperimentIsRefusedInWords) {
  run("sweep", "stopped", kGrid, "CXSIM_STOP_AFTER=3 ");
  const std::string partial = path("stopped.h5.partial");
  ASSERT_TRUE(fs::exists(partial)) << last_.text;
  const Output o = sh(kCxsim + " export " + partial + " --csv " + path("stopped_csv"));
  EXPECT_EQ(o.exit_code, 1) << o.text;
  EXPECT_NE(o.text.find("not complete"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("cxsim sweep"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("--resume"), std::string::npos) << o.text;
  EXPECT_FALSE(fs::exists(path("stopped_csv"))) << "nothing written";
}

// The report of a sobol study, a tornado and a grid sweep: self-contained, every table and chart
// names its datasets (check_report.py), the question and its answer first.
TEST_F(ExperimentOutputs, TheReportsOfSobolTornadoAndASweepAreSelfContainedAndSourced) {
  const std::string tornado_block =
      "sensitivity:\n  method: tornado\n  factors:\n    - {path: churn.satisfaction}\n"
      "    - {path: satisfaction.loss_weight, range: [0.4, 1.2]}\n";
  const std::pair<std::string, std::string> studies[] = {
      {"sensitivity", kSobol}, {"sensitivity", tornado_block}, {"sweep", kGrid}};
  const char* names[] = {"sobol", "tornado", "grid"};
  for (std::size_t k = 0; k < 3; ++k) {
    const std::string name = names[k];
    const std::string h5 = run(studies[k].first, name, studies[k].second);
    const std::string html = path(name + ".html");
    const Output r = sh(kCxsim + " report " + h5 + " -o " + html);
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.text;
    const Output c = cxsim::testing::check_report(html, h5);
    EXPECT_EQ(c.exit_code, 0) << name << ": " << c.text;
    const std::string page = read(html);
    const auto answer = page.find("id=\"answer\"");
    ASSERT_NE(answer, std::string::npos) << name;
    EXPECT_LT(answer, page.find("id=\"charts\"")) << name;
    EXPECT_LT(page.find("id=\"charts\""), page.find("id=\"design\"")) << name;
    EXPECT_NE(page.find("class=\"headline\""), std::string::npos) << name;
    EXPECT_EQ(page.find("which CX roadmap"), std::string::npos) << name << ": the finance report";
    if (name == "sobol") {
      EXPECT_NE(page.find("total Sobol index ST"), std::string::npos);
      EXPECT_NE(page.find("/sensitivity/delta_npv/ST_high"), std::string::npos);
      // Negative control: the checker sees a network reference.
      cxsim::testing::expect_checker_sees_a_network_reference(html, h5, "id=\"answer\"",
                                                              path("bad.html"));
    }
    if (name == "tornado") {
      EXPECT_NE(page.find("swing"), std::string::npos);
    }
    if (name == "grid") {
      EXPECT_NE(page.find("highest"), std::string::npos);
      EXPECT_NE(page.find("/paired_difference/npv"), std::string::npos);
    }
  }
}

TEST_F(ExperimentOutputs, HeadlessChromiumRendersAnExperimentReportToAScreenshot) {
  const std::string h5 = run("sensitivity", "sobol", kSobol);
  const std::string html = path("sobol.html");
  ASSERT_EQ(sh(kCxsim + " report " + h5 + " -o " + html).exit_code, 0);
  cxsim::testing::expect_chromium_renders_a_screenshot(html, dir_.string());
}

}  // namespace
