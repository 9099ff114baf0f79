// The command-line tests' fixture: a fresh folder per test (under TMPDIR, named by the suite, the
// process and the test) removed after it, and what the tests do there: write inputs, name
// outputs, read a dataset back with h5py, compare two results files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "calibration_checks.hpp"
#include "shell.hpp"

namespace cxsim::testing {

class CommandTestFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("cxsim-" + std::string(info->test_suite_name()) + "-" + std::to_string(::getpid()) +
            "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Values of a dataset, flattened, read with h5py (repr round-trips doubles exactly).
  std::vector<double> read(const std::string& file, const std::string& dataset) const {
    return read_dataset(file, dataset);
  }

  // tests/tools/compare_results.py on two results files: exit 0 when their datasets are equal.
  Output compare(const std::string& a, const std::string& b) const {
    return sh("/usr/bin/python3 " + std::string(CXSIM_SOURCE_DIR) +
              "/tests/tools/compare_results.py " + a + " " + b);
  }

  std::filesystem::path dir_;
};

}  // namespace cxsim::testing
