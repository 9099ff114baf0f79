// The text of a file under tests/fixtures/, for tests that build on a shared scenario.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cxsim::testing {

inline std::string fixture_text(const std::string& name) {
  const std::string path = std::string(CXSIM_SOURCE_DIR) + "/tests/fixtures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the test fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace cxsim::testing
