// The batched exp gives std::exp's bits, on every evaluation this processor supports.
#include "engine/core/exp_batch.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace cxsim {
namespace {

// Every evaluation the processor supports, whether or not it passed its probes: a failed probe
// would hide the vector path from the kernel, not from these tests.
std::vector<ExpIsa> supported_isas() {
  std::vector<ExpIsa> isas;
  for (ExpIsa isa : {ExpIsa::scalar, ExpIsa::avx2_fma}) {
    if (exp_isa_supported(isa)) isas.push_back(isa);
  }
  return isas;
}

// Every mismatch counts; the first few are printed with their argument.
void expect_std_exp_bits(ExpIsa isa, const std::vector<double>& x) {
  std::vector<double> y(x.size(), -1.0);
  exp_batch_using(isa, x.data(), y.data(), x.size());
  std::size_t mismatches = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double want = std::exp(x[j]);
    if (std::bit_cast<std::uint64_t>(y[j]) == std::bit_cast<std::uint64_t>(want)) continue;
    if (++mismatches <= 5) {
      ADD_FAILURE() << "isa " << static_cast<int>(isa) << ": exp(" << std::hexfloat << x[j]
                    << ") = " << y[j] << ", std::exp gives " << want;
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << x.size() << " arguments";
}

TEST(ExpBatch, EqualsStdExpBitForBitOnRandomArguments) {
  std::mt19937_64 rng(20261202);
  std::vector<double> x;
  // The kernel's range (log-odds of a churn hazard), the polynomial's own range, the whole
  // finite range of exp, and arguments uniform in their bits (every exponent, both signs).
  for (const double span : {40.0, 1.0, 1e-3, 745.0}) {
    std::uniform_real_distribution<double> u(-span, span);
    for (int j = 0; j < 500000; ++j) x.push_back(u(rng));
  }
  for (int j = 0; j < 500000; ++j) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isnan(d)) x.push_back(d);
  }
  for (ExpIsa isa : supported_isas()) expect_std_exp_bits(isa, x);
}

TEST(ExpBatch, EqualsStdExpAtTheEdgesOfEveryTableInterval) {
  // Near x = (k + 1/2) ln 2 / 128, where the rounding of x 128 / ln 2 picks the table entry.
  std::vector<double> x;
  for (int k = -100000; k <= 100000; k += 7) {
    const double mid = (k + 0.5) * 0.693147180559945309417 / 128.0;
    double below = mid;
    double above = mid;
    for (int step = 0; step < 4; ++step) {
      below = std::nextafter(below, -1e300);
      above = std::nextafter(above, 1e300);
      x.push_back(below);
      x.push_back(above);
    }
    x.push_back(mid);
  }
  for (ExpIsa isa : supported_isas()) expect_std_exp_bits(isa, x);
}

TEST(ExpBatch, SpecialArgumentsGoToStdExp) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> x = {0.0,     -0.0,    0x1p-54, -0x1p-54, 0x1p-55, 4.9e-324,
                                 511.999, -511.99, 512.0,   -512.0,   709.78,  709.79,
                                 -745.13, -745.14, 1000.0,  -1000.0,  inf,     -inf,
                                 1e-310,  -1e-310, 1.0,     -1.0,     2.0};
  for (ExpIsa isa : supported_isas()) {
    expect_std_exp_bits(isa, x);
    const std::vector<double> nan(5, std::numeric_limits<double>::quiet_NaN());
    std::vector<double> y(nan.size());
    exp_batch_using(isa, nan.data(), y.data(), y.size());
    for (const double v : y) EXPECT_TRUE(std::isnan(v));
  }
}

TEST(ExpBatch, AnyLengthAndInPlace) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (ExpIsa isa : supported_isas()) {
    for (std::size_t n = 0; n <= 9; ++n) {
      std::vector<double> x(n);
      for (std::size_t j = 0; j < n; ++j) x[j] = -3.0 + 0.77 * static_cast<double>(j);
      // Arguments that go to std::exp among the others (the kernel passes +inf).
      if (n >= 2) x[1] = inf;
      if (n >= 7) x[6] = -1000.0;
      std::vector<double> in_place = x;
      exp_batch_using(isa, in_place.data(), in_place.data(), n);
      for (std::size_t j = 0; j < n; ++j) {
        EXPECT_EQ(std::bit_cast<std::uint64_t>(in_place[j]),
                  std::bit_cast<std::uint64_t>(std::exp(x[j])))
            << "isa " << static_cast<int>(isa) << " n " << n << " j " << j;
      }
    }
  }
}

// On x86-64 glibc with AVX2 and FMA the vector evaluation must pass its probes: if it stops
// doing so (a new glibc computing exp another way), this says so instead of the kernel silently
// running slower.
TEST(ExpBatch, TheVectorEvaluationIsChosenWhereTheProcessorHasIt) {
  if (!exp_isa_supported(ExpIsa::avx2_fma)) GTEST_SKIP() << "no AVX2 and FMA here";
  EXPECT_TRUE(exp_isa_usable(ExpIsa::avx2_fma));
  EXPECT_EQ(exp_isa_in_use(), ExpIsa::avx2_fma);
}

}  // namespace
}  // namespace cxsim
