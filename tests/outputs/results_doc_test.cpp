// docs/results.md must equal what the metric tables generate.
#include "outputs/results_doc.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/metrics.hpp"

namespace cxsim {
namespace {

TEST(ResultsDoc, ListsEveryMetricWithUnits) {
  const std::string doc = results_markdown();
  for (const MetricInfo& m : metric_infos()) {
    EXPECT_NE(doc.find("| `" + std::string(m.name) + "` | " + std::string(m.units)),
              std::string::npos)
        << m.name;
  }
}

// Regenerate with CXSIM_UPDATE_DOCS=1 ./build/tests/test_outputs --gtest_filter=ResultsDoc.*
TEST(ResultsDoc, CommittedFileIsCurrent) {
  const std::string path = std::string(CXSIM_SOURCE_DIR) + "/docs/results.md";
  const std::string generated = results_markdown();
  if (std::getenv("CXSIM_UPDATE_DOCS") != nullptr) std::ofstream(path) << generated;
  std::ifstream in(path);
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), generated)
      << "docs/results.md is stale: run CXSIM_UPDATE_DOCS=1 ./build/tests/test_outputs "
         "--gtest_filter=ResultsDoc.*";
}

}  // namespace
}  // namespace cxsim
