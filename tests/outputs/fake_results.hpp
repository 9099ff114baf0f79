// A small hand-built scenario and deterministic fake replication results for the outputs tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/core/scenario.hpp"
#include "engine/metrics.hpp"

namespace cxsim::testing {

// 2 segments, 2 touchpoints, 3 roadmaps (baseline first), 4 months, 5 replications,
// 2 uncertain slots (one with dots, one with brackets in its path), zero-defect on.
Scenario fake_scenario();

// Values that depend on every index, so a misplaced write shows; a few NaN (payback never).
ReplicationResult fake_result(const Scenario& s, std::int64_t replication);

// The summary value fake_result writes for (metric, roadmap, replication).
double fake_summary(SummaryMetric m, int roadmap, std::int64_t replication);

// What the read back says of `file`: "whole", or the message it was refused with.
std::string read_back_verdict(const std::filesystem::path& file);

// A fresh, empty directory for one test, removed with everything in it when destroyed.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  std::filesystem::path operator/(const std::string& file) const { return path_ / file; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cxsim::testing
