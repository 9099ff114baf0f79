// Reading numbers, booleans and distributions from YAML scalars with exact, locale-free rules
// and messages in the form "what is wrong (got X; expected Y)".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/yaml_tree.hpp"
#include "engine/core/distribution.hpp"

namespace cxsim {

// A finite number written as a plain scalar (12, -0.5, 1e15, 2e+06). On failure `error` says why.
std::optional<double> read_number(const YamlTree& node, std::string& error);

// An unsigned 64-bit integer (plain digits, or an integral number in float notation).
std::optional<std::uint64_t> read_uint64(const YamlTree& node, std::string& error);

// true/false (also yes/no/on/off, any case, as YAML 1.1 spells them).
std::optional<bool> read_bool(const YamlTree& node, std::string& error);

// A mapping with a single key naming a distribution kind.
bool looks_like_distribution(const YamlTree& node);

// {normal: [m, sd]}, {lognormal: [mu, sigma]}, {uniform: [lo, hi]}, {triangular: [lo, mode, hi]},
// {beta: [a, b]}, checked with Distribution::check().
std::optional<Distribution> read_distribution(const YamlTree& node, std::string& error);

// "in [0, 1]", "in [0, 1)", ">= 0", "any number".
std::string range_text(double lo, double hi, bool hi_exclusive);

// Shortest text that reads back to the same double; integers without exponent below 1e15.
std::string format_number(double x);

// A distribution in YAML spelling, numbers via format_number.
std::string format_distribution(const Distribution& d);

}  // namespace cxsim
