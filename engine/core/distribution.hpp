// A number that may be uncertain: a constant or one of the distributions of MODEL.md s.5.
#pragma once

#include <string>

#include "engine/core/rng.hpp"

namespace cxsim {

// Bounds of distribution parameters (Distribution::check): within them every draw is finite.
inline constexpr double kMaxDistributionParameter = 1e15;
inline constexpr double kMinBetaParameter = 0.05;
inline constexpr double kMaxBetaParameter = 1e6;

enum class DistributionKind { constant, normal, lognormal, uniform, triangular, beta };

struct Distribution {
  DistributionKind kind = DistributionKind::constant;
  double a =
      0.0;  // constant value | normal mean | lognormal mu | uniform lo | triangular lo | beta a
  double b = 0.0;  // normal sd | lognormal sigma | uniform hi | triangular mode | beta b
  double c = 0.0;  // triangular hi

  static Distribution constant(double value) { return {DistributionKind::constant, value, 0, 0}; }

  bool is_constant() const { return kind == DistributionKind::constant; }
  // The parameter at 0-based `index` in the scenario's spelling ([a, b, c] above).
  double& parameter(int index) { return index == 0 ? a : index == 1 ? b : c; }
  double mean() const;
  // One draw; a constant returns its value without touching the stream.
  double sample(Stream& stream) const;
  // Empty when the parameters are valid, else what is wrong (e.g. "sd must be >= 0 (got -1)").
  std::string check() const;
  // The YAML spelling: "0.5" or "{triangular: [0.4, 0.55, 0.8]}".
  std::string to_yaml() const;
};

const char* to_string(DistributionKind kind);

}  // namespace cxsim
