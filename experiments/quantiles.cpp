// Inverse CDFs: Boost.Math for normal and beta, closed forms for the others.
#include "experiments/quantiles.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

namespace cxsim {
namespace {

// Half a step of Stream's 32-bit uniforms: the closest they come to 0 or 1.
constexpr double kEndDistance = 0x1p-33;

double normal_quantile(double mean, double sd, double u) {
  if (sd == 0.0) return mean;
  return boost::math::quantile(boost::math::normal_distribution<double>(mean, sd), u);
}

}  // namespace

double quantile(const Distribution& d, double u) {
  if (std::isnan(u)) return std::numeric_limits<double>::quiet_NaN();
  const bool low = u <= 0.0;
  const bool high = u >= 1.0;
  // Where the support ends at infinity, stay a Stream step inside instead.
  const double inner = low ? kEndDistance : (high ? 1.0 - kEndDistance : u);
  switch (d.kind) {
    case DistributionKind::constant:
      return d.a;
    case DistributionKind::normal:
      return normal_quantile(d.a, d.b, inner);
    case DistributionKind::lognormal:
      if (d.b == 0.0) return std::exp(d.a);  // a point mass, not a support from 0
      if (low) return 0.0;
      return std::exp(normal_quantile(d.a, d.b, inner));
    case DistributionKind::uniform:
      if (low) return d.a;
      if (high) return d.b;
      return d.a + u * (d.b - d.a);
    case DistributionKind::triangular: {
      const double lo = d.a, mode = d.b, hi = d.c;
      if (low || lo == hi) return lo;
      if (high) return hi;
      // F(x) = (x - lo)^2 / ((hi - lo)(mode - lo)) up to the mode, 1 - (hi - x)^2 / (...) after.
      const double at_mode = (mode - lo) / (hi - lo);
      if (u < at_mode) return lo + std::sqrt(u * (hi - lo) * (mode - lo));
      return hi - std::sqrt((1.0 - u) * (hi - lo) * (hi - mode));
    }
    case DistributionKind::beta:
      if (low) return 0.0;
      if (high) return 1.0;
      return boost::math::quantile(boost::math::beta_distribution<double>(d.a, d.b), u);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double median(const Distribution& d) {
  return quantile(d, 0.5);
}

}  // namespace cxsim
