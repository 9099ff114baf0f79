// The cxsim executable end to end: exit codes, error messages, results files, determinism
// across thread counts, interrupt and resume, describe round trip, schema.
#include <gtest/gtest.h>

#include "shell.hpp"

#include <sys/wait.h>
#include <sstream>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

using cxsim::testing::Output;
using cxsim::testing::sh;

const std::string kCxsim = CXSIM_BINARY;
const std::string kSource = CXSIM_SOURCE_DIR;
const std::string kShared = CXSIM_SHARED_DIR;
const std::string kTelecom = kSource + "/scenarios/telecom.yaml";
// A small, fast version of the bundled telecom scenario.
const std::string kSmall = " --set agents=3000 --replications 6 --seed 7 -q ";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cxsim_cli_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  fs::path dir_;
};

Output compare(const std::string& a, const std::string& b) {
  return sh("/usr/bin/python3 " + kSource + "/tests/tools/compare_results.py " + a + " " + b);
}

TEST_F(CliTest, VersionNamesTheCommit) {
  const Output o = sh(kCxsim + " --version");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.text.find("cxsim 0."), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("commit"), std::string::npos) << o.text;
}

TEST_F(CliTest, HelpListsTheCommands) {
  const Output o = sh(kCxsim + " --help");
  EXPECT_EQ(o.exit_code, 0);
  for (const char* c : {"run", "validate", "describe", "schema", "summary"}) {
    EXPECT_NE(o.text.find(c), std::string::npos) << c;
  }
}

TEST_F(CliTest, BundledScenariosValidate) {
  const Output o = sh(kCxsim + " validate " + kSource + "/scenarios/*.yaml");
  EXPECT_EQ(o.exit_code, 0) << o.text;
}

TEST_F(CliTest, BadScenarioExitsTwoWithLocatedMessage) {
  const std::string bad =
      write("bad.yaml",
            "name: x\nhorizon_months: 12\nagents: 10\nmarket: {population: 100}\n"
            "segments:\n  - name: a\n    sahre: 1.0\n");
  const Output o = sh(kCxsim + " validate " + bad);
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.text.find("bad.yaml:7:"), std::string::npos) << o.text;
  EXPECT_NE(o.text.find("did you mean 'share'"), std::string::npos) << o.text;
  // run refuses it too, and writes nothing.
  const Output r = sh(kCxsim + " run " + bad + " -o " + path("out.h5"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(fs::exists(path("out.h5")));
  EXPECT_FALSE(fs::exists(path("out.h5.partial")));
}

TEST_F(CliTest, MissingFileAndBadOptionsAreErrorsNotCrashes) {
  EXPECT_EQ(sh(kCxsim + " validate " + path("nope.yaml")).exit_code, 2);
  EXPECT_EQ(sh(kCxsim + " run").exit_code, 2);
  EXPECT_EQ(sh(kCxsim + " run " + kTelecom + " --threads -3").exit_code, 2);
  EXPECT_EQ(sh(kCxsim + " frobnicate").exit_code, 2);
}

// Whatever the scenario argument names, bad input is exit code 2 with the reason, before any
// byte of a device or pipe is read: validate, describe and run alike.
TEST_F(CliTest, FilesThatAreNotScenariosExitTwoWithTheReason) {
  const std::string huge = path("huge.yaml");
  ASSERT_EQ(sh("truncate -s 65M " + huge).exit_code, 0);
  const std::string cycle = write("cycle.yaml", "a: &c [*c]\n");
  const std::string base_device = write("dev.yaml", "name: x\nextends: /dev/null\n");
  struct Case {
    std::string file;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {path("nope.yaml"), "nope.yaml: cannot read the file (got No such file or directory"},
           {dir_.string(), ": not a regular file (got a directory"},
           {"/dev/zero", "/dev/zero: not a regular file (got a character device"},
           {huge, "huge.yaml: file too large (got 65 MiB; expected at most 64 MiB"},
           {cycle, "cycle.yaml:1:4: a[0]: alias refers to itself or to a node containing it"},
           {base_device,
            "dev.yaml:2:10: extends: cannot read base scenario '/dev/null': not a "
            "regular file (got a character device"},
       }) {
    for (const std::string command : {"validate", "describe", "run"}) {
      const std::string extra = command == "run" ? " -q -o " + path("out.h5") : "";
      const Output o = sh("timeout 20 " + kCxsim + " " + command + " " + c.file + extra);
      EXPECT_EQ(o.exit_code, 2) << command << " " << c.file << "\n" << o.text;
      EXPECT_NE(o.text.find(c.message), std::string::npos) << command << "\n" << o.text;
      EXPECT_LT(o.text.size(), 500u) << o.text;
    }
  }
  EXPECT_FALSE(fs::exists(path("out.h5.partial")));
}

// A file name with control characters is shown escaped in every message, scenario or not.
TEST_F(CliTest, ControlCharactersInFileNamesAreShownEscaped) {
  for (const std::string command : {"validate", "summary"}) {
    const Output o = sh(kCxsim + " " + command + " \"" + path("bad\x1b[2Jname") + "\"");
    EXPECT_NE(o.exit_code, 0) << o.text;
    EXPECT_EQ(o.text.find('\x1b'), std::string::npos) << command << ": raw ESC in\n" << o.text;
    EXPECT_NE(o.text.find("bad\\x1b[2Jname"), std::string::npos) << o.text;
  }
}

// Numbers that would end in bad_alloc or in infinite money are refused up front, naming the
// bound, and nothing is written.
TEST_F(CliTest, NumbersBeyondTheBoundsExitTwoNamingTheBound) {
  const std::string out = " -q -o " + path("out.h5");
  struct Case {
    std::string args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"--set replications=1e300",
            "replications: out of range (got 1e300; expected in [1, 1e7]"},
           {"--set 'segments.*.revenue.price=1e308'",
            "revenue.price: out of range (got 1e308; expected in [0, 1e12]"},
           {"--set market.population=1e300",
            "market.population: out of range (got 1e300; expected in [1, 1e10]"},
       }) {
    for (const std::string command : {"validate", "run"}) {
      const Output o = sh("timeout 60 " + kCxsim + " " + command + " " + kTelecom + " " + c.args +
                          (command == "run" ? out : ""));
      EXPECT_EQ(o.exit_code, 2) << command << " " << c.args << "\n" << o.text;
      EXPECT_NE(o.text.find(c.message), std::string::npos) << o.text;
    }
  }
  EXPECT_FALSE(fs::exists(path("out.h5")));
  EXPECT_FALSE(fs::exists(path("out.h5.partial")));
}

TEST_F(CliTest, RunWritesAConformingFileAndRefusesToOverwrite) {
  const std::string out = path("t.h5");
  const Output o = sh(kCxsim + " run " + kTelecom + kSmall + "-o " + out);
  ASSERT_EQ(o.exit_code, 0) << o.text;
  EXPECT_TRUE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  const Output check = sh("/usr/bin/python3 " + kShared + "/tools/check-results " + out);
  EXPECT_EQ(check.exit_code, 0) << check.text;

  const Output again = sh(kCxsim + " run " + kTelecom + kSmall + "-o " + out);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.text.find("--force"), std::string::npos) << again.text;
  EXPECT_EQ(sh(kCxsim + " run " + kTelecom + kSmall + "-o " + out + " --force").exit_code, 0);

  const Output summary = sh(kCxsim + " summary " + out);
  EXPECT_EQ(summary.exit_code, 0) << summary.text;
  EXPECT_NE(summary.text.find("billing_then_digital"), std::string::npos) << summary.text;
  EXPECT_NE(summary.text.find("money in USD"), std::string::npos) << summary.text;
  EXPECT_NE(summary.text.find("Under each terminal value"), std::string::npos) << summary.text;
  std::istringstream lines(summary.text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;

  const Output pair = sh(kCxsim + " summary " + out + " --compare phased billing_then_digital");
  EXPECT_EQ(pair.exit_code, 0) << pair.text;
  EXPECT_NE(pair.text.find("phased - billing_then_digital, paired over"), std::string::npos)
      << pair.text;
  EXPECT_NE(pair.text.find("NPV, none"), std::string::npos) << pair.text;
  const Output unknown = sh(kCxsim + " summary " + out + " --compare phased nosuch");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.text;
  EXPECT_NE(unknown.text.find("no roadmap 'nosuch'"), std::string::npos) << unknown.text;
}

TEST_F(CliTest, SameDatasetsAtOneTwoAndFourThreads) {
  for (int threads : {1, 2, 4}) {
    const Output o =
        sh(kCxsim + " run " + kTelecom + kSmall + "--threads " + std::to_string(threads) + " -o " +
           path("t" + std::to_string(threads) + ".h5"));
    ASSERT_EQ(o.exit_code, 0) << o.text;
  }
  const Output c12 = compare(path("t1.h5"), path("t2.h5"));
  EXPECT_EQ(c12.exit_code, 0) << c12.text;
  const Output c14 = compare(path("t1.h5"), path("t4.h5"));
  EXPECT_EQ(c14.exit_code, 0) << c14.text;
  // Negative control: another seed is not identical.
  ASSERT_EQ(sh(kCxsim + " run " + kTelecom + " --set agents=3000 --replications 6 --seed 8 -q -o " +
               path("s8.h5"))
                .exit_code,
            0);
  EXPECT_NE(compare(path("t1.h5"), path("s8.h5")).exit_code, 0);
}

TEST_F(CliTest, InterruptedRunKeepsFinishedReplicationsAndResumesToTheSameResult) {
  const std::string full = path("full.h5");
  ASSERT_EQ(sh(kCxsim + " run " + kTelecom + kSmall + "-o " + full).exit_code, 0);

  const std::string cut = path("cut.h5");
  const Output stopped =
      sh("CXSIM_STOP_AFTER=2 " + kCxsim + " run " + kTelecom + kSmall + "--threads 1 -o " + cut);
  EXPECT_NE(stopped.exit_code, 0);
  EXPECT_NE(stopped.text.find("--resume"), std::string::npos) << stopped.text;
  ASSERT_TRUE(fs::exists(cut + ".partial"));
  EXPECT_FALSE(fs::exists(cut));
  const Output partial =
      sh("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + cut +
         ".partial'); print(int(f.attrs['complete']), int(f['done'][()].sum()))\"");
  EXPECT_EQ(partial.text, "0 2\n");
  const Output summary = sh(kCxsim + " summary " + cut + ".partial");
  EXPECT_NE(summary.text.find("incomplete"), std::string::npos) << summary.text;

  const Output resumed = sh(kCxsim + " run " + kTelecom + kSmall + "-o " + cut + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.text;
  EXPECT_FALSE(fs::exists(cut + ".partial"));
  const Output c = compare(full, cut);
  EXPECT_EQ(c.exit_code, 0) << c.text;
}

TEST_F(CliTest, SigintKeepsAPartialFile) {
  const std::string out = path("sig.h5");
  // Long enough to be interrupted: 400 replications of a small scenario.
  const Output o = sh("timeout --preserve-status -s INT 2 " + kCxsim + " run " + kTelecom +
                      " --set agents=2000 --replications 400 -q --threads 1 -o " + out);
  EXPECT_EQ(o.exit_code, 128 + 2) << o.text;
  EXPECT_TRUE(fs::exists(out + ".partial"));
  EXPECT_FALSE(fs::exists(out));
  const Output partial = sh("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + out +
                            ".partial'); print(int(f.attrs['complete']))\"");
  EXPECT_EQ(partial.text, "0\n");
}

TEST_F(CliTest, DescribeLoadsBackToTheSameScenario) {
  const Output first = sh(kCxsim + " describe " + kTelecom);
  ASSERT_EQ(first.exit_code, 0) << first.text;
  const std::string resolved = write("resolved.yaml", first.text);
  const Output second = sh(kCxsim + " describe " + resolved);
  ASSERT_EQ(second.exit_code, 0) << second.text;
  EXPECT_EQ(first.text, second.text);
}

TEST_F(CliTest, SchemaValidatesTheBundledScenarios) {
  const std::string schema = path("schema.json");
  ASSERT_EQ(sh(kCxsim + " schema > " + schema).exit_code, 0);
  const std::string check =
      "/usr/bin/python3 -c \"import json, sys, yaml, jsonschema; s = json.load(open(sys.argv[1]));"
      " [jsonschema.validate(yaml.safe_load(open(f)), s) for f in sys.argv[2:]]; "
      "print('valid')\" " +
      schema + " " + kSource + "/scenarios/*.yaml";
  const Output o = sh(check);
  EXPECT_EQ(o.exit_code, 0) << o.text;
  // Negative control: a misspelt key is rejected by the schema.
  const std::string bad = write("bad.yaml", "name: x\nhorizon_month: 12\n");
  EXPECT_NE(
      sh("/usr/bin/python3 -c \"import json, sys, yaml, jsonschema; "
         "jsonschema.validate(yaml.safe_load(open(sys.argv[2])), json.load(open(sys.argv[1])))\" " +
         schema + " " + bad)
          .exit_code,
      0);
}

}  // namespace
