// Text that is safe to print on a terminal, and the checks that tell text from binary input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cxsim {

// `s` with every control character escaped: C0 and DEL as \xNN (tab, line feed and carriage
// return as \t, \n, \r), C1 (U+0080..U+009F) as \u0080..\u009f, and bytes that are not UTF-8 as
// \xNN. Everything else is kept as it is, so that printing the result cannot move the cursor,
// ring the bell, change colours or end a C string early.
std::string printable(std::string_view s);

// The byte offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or nothing when all of `s` is UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

// The byte offset of the first control character in `s`: C0 other than those in `allowed`, DEL,
// or C1; nothing when there is none. `s` is assumed to be UTF-8.
std::optional<std::size_t> first_control(std::string_view s, std::string_view allowed = "");

}  // namespace cxsim
