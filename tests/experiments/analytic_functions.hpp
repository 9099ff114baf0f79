// Test functions with known Sobol indices (Ishigami, Sobol G), evaluated on unit-cube designs.
#pragma once

#include <cmath>
#include <numbers>
#include <vector>

#include "experiments/designs.hpp"

namespace cxsim::testing {

// Ishigami and Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i uniform on [-pi, pi].
struct Ishigami {
  double a = 7.0;
  double b = 0.1;

  double operator()(const double* u) const {
    const double pi = std::numbers::pi;
    const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
    const double s2 = std::sin(x2);
    return std::sin(x1) + a * s2 * s2 + b * x3 * x3 * x3 * x3 * std::sin(x1);
  }

  // The closed forms: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0,
  // V13 = b^2 pi^8 (1/18 - 1/50), V = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1/2.
  double variance() const {
    const double p4 = std::pow(std::numbers::pi, 4), p8 = p4 * p4;
    return a * a / 8 + b * p4 / 5 + b * b * p8 / 18 + 0.5;
  }
  std::vector<double> s1() const {
    const double p4 = std::pow(std::numbers::pi, 4);
    const double v1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5);
    return {v1 / variance(), a * a / 8 / variance(), 0.0};
  }
  std::vector<double> st() const {
    const double p4 = std::pow(std::numbers::pi, 4), p8 = p4 * p4;
    const double v1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5);
    const double v13 = b * b * p8 * (1.0 / 18 - 1.0 / 50);
    return {(v1 + v13) / variance(), a * a / 8 / variance(), v13 / variance()};
  }
};

// Sobol's G function: f = prod_i (|4 u_i - 2| + a_i) / (1 + a_i), u_i uniform on [0, 1].
struct SobolG {
  std::vector<double> a{0, 1, 4.5, 9, 99, 99};

  int factors() const { return static_cast<int>(a.size()); }
  double operator()(const double* u) const {
    double y = 1.0;
    for (std::size_t i = 0; i < a.size(); ++i) y *= (std::fabs(4 * u[i] - 2) + a[i]) / (1 + a[i]);
    return y;
  }

  // V_i = 1 / (3 (1 + a_i)^2), V = prod(1 + V_i) - 1, S1_i = V_i / V,
  // ST_i = V_i prod_{j != i}(1 + V_j) / V.
  std::vector<double> partial() const {
    std::vector<double> v;
    for (double ai : a) v.push_back(1.0 / (3 * (1 + ai) * (1 + ai)));
    return v;
  }
  double variance() const {
    double p = 1.0;
    for (double vi : partial()) p *= 1 + vi;
    return p - 1;
  }
  std::vector<double> s1() const {
    std::vector<double> s;
    for (double vi : partial()) s.push_back(vi / variance());
    return s;
  }
  std::vector<double> st() const {
    const std::vector<double> v = partial();
    std::vector<double> s;
    for (std::size_t i = 0; i < v.size(); ++i) {
      double others = 1.0;
      for (std::size_t j = 0; j < v.size(); ++j) {
        if (j != i) others *= 1 + v[j];
      }
      s.push_back(v[i] * others / variance());
    }
    return s;
  }
};

// The function at every point of a design (a point's factors are one row).
template <typename F>
std::vector<double> evaluate(const F& f, const Design& d) {
  std::vector<double> y(d.points);
  for (int p = 0; p < d.points; ++p) y[p] = f(&d.values[static_cast<std::size_t>(p) * d.factors]);
  return y;
}

}  // namespace cxsim::testing
