// A string as a JSON string literal; also a valid YAML double-quoted scalar (YAML reads JSON's
// escapes), so the schema, describe and reports share one escaper.
#pragma once

#include <string>
#include <string_view>

namespace cxsim {

std::string json_quoted(std::string_view s);

}  // namespace cxsim
