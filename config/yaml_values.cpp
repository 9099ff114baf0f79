// Scalar and distribution parsing for the scenario loader.
#include "config/yaml_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "config/did_you_mean.hpp"

namespace cxsim {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// YAML 1.2 core-schema decimal numbers: [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?
bool is_decimal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

bool is_non_finite_spelling(std::string_view s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) lower.erase(0, 1);
  return lower == ".inf" || lower == ".nan" || lower == "inf" || lower == "nan" ||
         lower == "infinity";
}

struct KindSpec {
  const char* name;
  DistributionKind kind;
  int arity;
  const char* params;
};

constexpr std::array<KindSpec, 5> kKinds{{
    {"normal", DistributionKind::normal, 2, "[mean, sd]"},
    {"lognormal", DistributionKind::lognormal, 2, "[mu, sigma]"},
    {"uniform", DistributionKind::uniform, 2, "[lo, hi]"},
    {"triangular", DistributionKind::triangular, 3, "[lo, mode, hi]"},
    {"beta", DistributionKind::beta, 2, "[a, b]"},
}};

}  // namespace

std::optional<double> read_number(const YamlTree& node, std::string& error) {
  if (node.is_scalar() && !node.quoted) {
    std::string_view s = node.text;
    if (is_decimal(s)) {
      if (s[0] == '+') s.remove_prefix(1);
      double x = 0;
      const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
      if (r.ec == std::errc() && std::isfinite(x)) return x;
      error = "number too large (got " + node.text + "; expected a finite number)";
      return std::nullopt;
    }
    if (is_non_finite_spelling(s)) {
      error = "not a finite number (got " + node.text + "; expected a finite number)";
      return std::nullopt;
    }
  }
  error = "wrong type (got " + describe_value(node) + "; expected a number)";
  return std::nullopt;
}

std::optional<std::uint64_t> read_uint64(const YamlTree& node, std::string& error) {
  if (node.is_scalar() && !node.quoted && !node.text.empty() &&
      std::all_of(node.text.begin(), node.text.end(), is_digit)) {
    std::uint64_t v = 0;
    const auto r = std::from_chars(node.text.data(), node.text.data() + node.text.size(), v);
    if (r.ec == std::errc()) return v;
    error =
        "out of range (got " + node.text + "; expected an integer in [0, 18446744073709551615])";
    return std::nullopt;
  }
  const std::optional<double> x = read_number(node, error);
  if (!x) return std::nullopt;
  if (*x < 0 || *x >= 18446744073709551616.0) {
    error =
        "out of range (got " + node.text + "; expected an integer in [0, 18446744073709551615])";
    return std::nullopt;
  }
  if (std::floor(*x) != *x) {
    error = "not a whole number (got " + node.text + "; expected an integer)";
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*x);
}

std::optional<bool> read_bool(const YamlTree& node, std::string& error) {
  if (node.is_scalar() && !node.quoted) {
    std::string lower;
    for (char c : node.text)
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true" || lower == "yes" || lower == "on") return true;
    if (lower == "false" || lower == "no" || lower == "off") return false;
  }
  error = "wrong type (got " + describe_value(node) + "; expected true or false)";
  return std::nullopt;
}

bool looks_like_distribution(const YamlTree& node) {
  if (!node.is_map() || node.keys.size() != 1) return false;
  for (const auto& k : kKinds) {
    if (node.keys[0].text == k.name) return true;
  }
  return false;
}

std::optional<Distribution> read_distribution(const YamlTree& node, std::string& error) {
  const std::string expected =
      "expected a number or one of {normal: [mean, sd]}, {lognormal: [mu, sigma]}, "
      "{uniform: [lo, hi]}, {triangular: [lo, mode, hi]}, {beta: [a, b]}";
  if (!node.is_map() || node.keys.size() != 1) {
    error =
        "wrong type (got " +
        (node.is_map() ? std::string("a mapping with ") + std::to_string(node.keys.size()) + " keys"
                       : describe_value(node)) +
        "; " + expected + ")";
    return std::nullopt;
  }
  const std::string& name = node.keys[0].text;
  const KindSpec* spec = nullptr;
  for (const auto& k : kKinds) {
    if (name == k.name) spec = &k;
  }
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& k : kKinds) names.emplace_back(k.name);
    error = "unknown distribution '" + name + "'" + did_you_mean(name, names) + " (got '" + name +
            "'; expected normal, lognormal, uniform, triangular or beta)";
    return std::nullopt;
  }
  const YamlTree& args = node.items[0];
  if (!args.is_sequence() || static_cast<int>(args.items.size()) != spec->arity) {
    error = fmt::format(
        "{} takes {} numbers {} (got {}; expected e.g. {{{}: {}}})", spec->name, spec->arity,
        spec->params,
        args.is_sequence() ? std::to_string(args.items.size()) + " numbers" : describe_value(args),
        spec->name, spec->params);
    return std::nullopt;
  }
  double v[3] = {0, 0, 0};
  for (int i = 0; i < spec->arity; ++i) {
    std::string e;
    const std::optional<double> x = read_number(args.items[static_cast<std::size_t>(i)], e);
    if (!x) {
      error = std::string(spec->name) + " parameter " + std::to_string(i + 1) + ": " + e;
      return std::nullopt;
    }
    v[i] = *x;
  }
  Distribution d{spec->kind, v[0], v[1], v[2]};
  const std::string problem = d.check();
  if (!problem.empty()) {
    error = "bad distribution: " + problem;
    return std::nullopt;
  }
  return d;
}

namespace {
// Bounds such as 1e12 read better as powers of ten than as thirteen digits.
std::string format_bound(double x) {
  const double magnitude = std::fabs(x);
  if (magnitude >= 1e6) {
    const double exponent = std::round(std::log10(magnitude));
    if (std::pow(10.0, exponent) == magnitude) {
      return fmt::format("{}1e{:.0f}", x < 0 ? "-" : "", exponent);
    }
  }
  return format_number(x);
}
}  // namespace

std::string range_text(double lo, double hi, bool hi_exclusive) {
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi) {
    return fmt::format("in [{}, {}{}", format_bound(lo), format_bound(hi),
                       hi_exclusive ? ")" : "]");
  }
  if (has_lo) return ">= " + format_bound(lo);
  if (has_hi) return (hi_exclusive ? "< " : "<= ") + format_bound(hi);
  return "any number";
}

std::string format_number(double x) {
  if (std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 1e15) {
    return fmt::format("{:.0f}", x == 0 ? 0.0 : x);  // no "-0"
  }
  return fmt::format("{}", x);
}

std::string format_distribution(const Distribution& d) {
  switch (d.kind) {
    case DistributionKind::constant:
      return format_number(d.a);
    case DistributionKind::triangular:
      return fmt::format("{{triangular: [{}, {}, {}]}}", format_number(d.a), format_number(d.b),
                         format_number(d.c));
    default:
      return fmt::format("{{{}: [{}, {}]}}", to_string(d.kind), format_number(d.a),
                         format_number(d.b));
  }
}

}  // namespace cxsim
