// Sampling and checking of uncertain numbers (Boost.Random on a Philox stream).
#include "engine/core/distribution.hpp"

#include <fmt/format.h>

#include <boost/random/beta_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/triangle_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <cmath>

namespace cxsim {

const char* to_string(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::constant:
      return "constant";
    case DistributionKind::normal:
      return "normal";
    case DistributionKind::lognormal:
      return "lognormal";
    case DistributionKind::uniform:
      return "uniform";
    case DistributionKind::triangular:
      return "triangular";
    case DistributionKind::beta:
      return "beta";
  }
  return "?";
}

double Distribution::mean() const {
  switch (kind) {
    case DistributionKind::constant:
      return a;
    case DistributionKind::normal:
      return a;
    case DistributionKind::lognormal:
      return std::exp(a + 0.5 * b * b);
    case DistributionKind::uniform:
      return 0.5 * (a + b);
    case DistributionKind::triangular:
      return (a + b + c) / 3.0;
    case DistributionKind::beta:
      return a / (a + b);
  }
  return a;
}

double Distribution::sample(Stream& stream) const {
  switch (kind) {
    case DistributionKind::constant:
      return a;
    case DistributionKind::normal:
      if (b == 0.0) return a;
      return boost::random::normal_distribution<double>(a, b)(stream);
    case DistributionKind::lognormal:
      if (b == 0.0) return std::exp(a);
      // Boost's lognormal takes the underlying normal's mean and sd, as MODEL.md does.
      return boost::random::lognormal_distribution<double>(a, b)(stream);
    case DistributionKind::uniform:
      if (a == b) return a;
      return boost::random::uniform_real_distribution<double>(a, b)(stream);
    case DistributionKind::triangular:
      if (a == c) return a;
      return boost::random::triangle_distribution<double>(a, b, c)(stream);
    case DistributionKind::beta:
      return boost::random::beta_distribution<double>(a, b)(stream);
  }
  return a;
}

std::string Distribution::check() const {
  auto finite = [](double x) { return std::isfinite(x); };
  if (!finite(a) || !finite(b) || !finite(c)) return "parameters must be finite numbers";
  // Beyond this, differences such as hi - lo overflow and draws become infinite or NaN.
  for (const double x : {a, b, c}) {
    if (std::fabs(x) > kMaxDistributionParameter) {
      return fmt::format("parameters must be at most 1e15 in magnitude (got {})", x);
    }
  }
  switch (kind) {
    case DistributionKind::constant:
      return {};
    case DistributionKind::normal:
      return b < 0 ? fmt::format("normal sd must be >= 0 (got {})", b) : std::string{};
    case DistributionKind::lognormal:
      return b < 0 ? fmt::format("lognormal sigma must be >= 0 (got {})", b) : std::string{};
    case DistributionKind::uniform:
      return a > b ? fmt::format("uniform needs lo <= hi (got lo {} > hi {})", a, b)
                   : std::string{};
    case DistributionKind::triangular:
      return (a <= b && b <= c)
                 ? std::string{}
                 : fmt::format("triangular needs lo <= mode <= hi (got {}, {}, {})", a, b, c);
    case DistributionKind::beta:
      if (!(a > 0 && b > 0)) return fmt::format("beta parameters must be > 0 (got {}, {})", a, b);
      // Below 0.05 both gamma draws behind a beta draw underflow to 0 now and then: 0/0.
      if (a < kMinBetaParameter || b < kMinBetaParameter || a > kMaxBetaParameter ||
          b > kMaxBetaParameter) {
        return fmt::format(
            "beta parameters must be in [0.05, 1e6] (got {}, {}; smaller ones draw 0/0 now and "
            "then)",
            a, b);
      }
      return {};
  }
  return {};
}

std::string Distribution::to_yaml() const {
  switch (kind) {
    case DistributionKind::constant:
      return fmt::format("{}", a);
    case DistributionKind::triangular:
      return fmt::format("{{triangular: [{}, {}, {}]}}", a, b, c);
    default:
      return fmt::format("{{{}: [{}, {}]}}", to_string(kind), a, b);
  }
}

}  // namespace cxsim
