// Checks of a `cxsim report` HTML file shared by the report tests: tests/tools/check_report.py
// (self-contained, every table sourced), its negative control, and headless Chromium rendering
// the page to a screenshot.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "shell.hpp"

namespace cxsim::testing {

// Runs tests/tools/check_report.py on the report of `results`.
inline Output check_report(const std::string& html, const std::string& results) {
  return sh(std::string("/usr/bin/python3 ") + CXSIM_SOURCE_DIR + "/tests/tools/check_report.py " +
            html + " " + results);
}

// Negative control: the page with a https image inserted before `anchor` (written to `bad`) is
// refused by the checker, which names the external reference.
inline void expect_checker_sees_a_network_reference(const std::string& html,
                                                    const std::string& results,
                                                    const std::string& anchor,
                                                    const std::string& bad) {
  std::ifstream in(html);
  std::stringstream s;
  s << in.rdbuf();
  const std::string page = s.str();
  const auto at = page.find(anchor);
  ASSERT_NE(at, std::string::npos) << anchor;
  std::ofstream(bad) << page.substr(0, at) << "<img src=\"https://example.com/x.png\">"
                     << page.substr(at);
  const Output o = check_report(bad, results);
  EXPECT_NE(o.exit_code, 0) << o.text;
  EXPECT_NE(o.text.find("external reference"), std::string::npos) << o.text;
}

// Headless Chromium renders `html` to `dir`/report.png: a picture with the charts in it, not a
// blank page. Its own profile directory under `dir`, so that parallel tests never share one.
inline void expect_chromium_renders_a_screenshot(const std::string& html, const std::string& dir) {
  const std::string png = dir + "/report.png";
  const Output o =
      sh("timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir=" + dir +
         "/chromium --screenshot=" + png + " --window-size=1200,2000 file://" + html);
  ASSERT_TRUE(std::filesystem::exists(png)) << o.text;
  EXPECT_GT(std::filesystem::file_size(png), 100000u) << o.text;
  const Output v = sh("/usr/bin/python3 -c \"from PIL import Image; im = Image.open('" + png +
                      "').convert('L'); print(len(set(im.getdata())))\"");
  ASSERT_EQ(v.exit_code, 0) << v.text;
  EXPECT_GT(std::stoi(v.text), 50) << "grey levels in the screenshot";
}

}  // namespace cxsim::testing
