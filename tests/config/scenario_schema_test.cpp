// The generated JSON Schema and docs/parameters.md.
#include "config/scenario_schema.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "config/scenario_keys.hpp"
#include "engine/core/parameters.hpp"

namespace cxsim {
namespace {

// A strict recursive-descent JSON checker (RFC 8259), enough to prove the schema parses.
class JsonChecker {
 public:
  explicit JsonChecker(std::string_view s) : s_(s) {}
  bool valid() {
    skip();
    if (!value()) return false;
    skip();
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r'))
      ++i_;
  }
  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool string() {
    if (!lit("\"")) return false;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (static_cast<unsigned char>(s_[i_]) < 0x20) return false;
      if (s_[i_] == '\\') ++i_;
      ++i_;
    }
    return lit("\"");
  }
  bool number() {
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      ++i_;
    }
    return i_ > start;
  }
  bool value() {
    skip();
    if (i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') {
      ++i_;
      skip();
      if (lit("}")) return true;
      do {
        skip();
        if (!string()) return false;
        skip();
        if (!lit(":") || !value()) return false;
        skip();
      } while (lit(","));
      return lit("}");
    }
    if (c == '[') {
      ++i_;
      skip();
      if (lit("]")) return true;
      do {
        if (!value()) return false;
        skip();
      } while (lit(","));
      return lit("]");
    }
    if (c == '"') return string();
    if (lit("true") || lit("false") || lit("null")) return true;
    return number();
  }
};

TEST(ScenarioSchema, IsValidJson) {
  const std::string schema = scenario_json_schema();
  EXPECT_TRUE(JsonChecker(schema).valid()) << schema.substr(0, 2000);
  EXPECT_FALSE(JsonChecker("{\"a\": [1, 2,]}").valid());  // the checker rejects bad JSON
  EXPECT_FALSE(JsonChecker("{\"a\" 1}").valid());
}

TEST(ScenarioSchema, ContainsEveryKey) {
  const std::string schema = scenario_json_schema();
  EXPECT_NE(schema.find("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""),
            std::string::npos);
  for (const auto& k : scenario_keys()) {
    const std::string leaf(
        k.path.substr(k.path.rfind('.') == std::string_view::npos ? 0 : k.path.rfind('.') + 1));
    EXPECT_NE(schema.find("\"" + leaf + "\": {"), std::string::npos) << k.path;
  }
  for (const char* word :
       {"\"additionalProperties\": false", "\"oneOf\"", "\"triangular\"", "\"small_world\"",
        "\"horizon_months\"", "\"$defs\"", "\"#/$defs/distribution\"", "\"required\""}) {
    EXPECT_NE(schema.find(word), std::string::npos) << word;
  }
}

TEST(ParametersMarkdown, ListsEveryParameter) {
  const std::string md = parameters_markdown();
  for (const auto& p : global_params())
    EXPECT_NE(md.find("`" + std::string(p.key) + "`"), std::string::npos);
  for (const auto& p : segment_params()) {
    EXPECT_NE(md.find("`segments[]." + std::string(p.key) + "`"), std::string::npos) << p.key;
  }
  for (const auto& p : touchpoint_params()) {
    EXPECT_NE(md.find("`touchpoints[]." + std::string(p.key) + "`"), std::string::npos) << p.key;
  }
  EXPECT_NE(md.find("`touchpoints[].contacts_per_month`"), std::string::npos);
  EXPECT_NE(md.find("`market.network.type`"), std::string::npos);
  EXPECT_NE(md.find("| path | type | default | range | unit | meaning | source |"),
            std::string::npos);
}

// docs/parameters.md is generated; regenerate with CXSIM_UPDATE_DOCS=1 ./test_engine.
TEST(ParametersMarkdown, CommittedFileIsCurrent) {
  const std::string path = std::string(CXSIM_SOURCE_DIR) + "/docs/parameters.md";
  const std::string generated = parameters_markdown();
  if (std::getenv("CXSIM_UPDATE_DOCS") != nullptr) std::ofstream(path) << generated;
  std::ifstream in(path);
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), generated)
      << "docs/parameters.md is stale: run CXSIM_UPDATE_DOCS=1 ./build/tests/test_engine "
         "--gtest_filter=ParametersMarkdown.*";
}

}  // namespace
}  // namespace cxsim
