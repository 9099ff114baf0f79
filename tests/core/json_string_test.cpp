// json_quoted escapes what JSON and YAML double-quoted scalars need escaped.
#include "engine/core/json_string.hpp"

#include <gtest/gtest.h>

namespace cxsim {
namespace {

TEST(JsonQuoted, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json_quoted("plain"), "\"plain\"");
  EXPECT_EQ(json_quoted("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(json_quoted("line\nnext\ttab\r"), "\"line\\nnext\\ttab\\u000d\"");
  EXPECT_EQ(json_quoted("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 passes through
}

}  // namespace
}  // namespace cxsim
