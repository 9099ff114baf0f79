// "Did you mean ...?" suggestions for misspelt keys and names (edit distance).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace cxsim {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, std::span<const std::string> candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

}  // namespace cxsim
