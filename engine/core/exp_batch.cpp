// The batched exp (see exp_batch.hpp): glibc's exp evaluated four lanes at a time.
#include "engine/core/exp_batch.hpp"

#include <immintrin.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace cxsim {
namespace {

#include "engine/core/exp_table.inc"

// exp(x) = 2^(k/128) 2^(ki / 128 - k / 128) exp(r), with ki = round(x 128 / ln 2), k = ki mod
// 128 and r = x - ki ln 2 / 128 (|r| <= ln 2 / 256); exp(r) - 1 is a degree-5 polynomial.
// The constants are glibc's (exp_data.c), to the bit.
constexpr double kInvLn2N = std::bit_cast<double>(std::uint64_t{0x40671547652b82fe});    // 128/ln2
constexpr double kNegLn2HiN = std::bit_cast<double>(std::uint64_t{0xbf762e42fefa0000});  // high
constexpr double kNegLn2LoN = std::bit_cast<double>(std::uint64_t{0xbd0cf79abc9e3b3a});  // low
constexpr double kShift = 0x1.8p52;  // adding it rounds x 128 / ln 2 to an integer in the low bits
constexpr double kC2 = std::bit_cast<double>(std::uint64_t{0x3fdffffffffffdbd});  // ~1/2
constexpr double kC3 = std::bit_cast<double>(std::uint64_t{0x3fc555555555543c});  // ~1/6
constexpr double kC4 = std::bit_cast<double>(std::uint64_t{0x3fa55555cf172b91});  // ~1/24
constexpr double kC5 = std::bit_cast<double>(std::uint64_t{0x3f81111167a4d017});  // ~1/120

// The biased exponents of the main range, 2^-54 <= |x| < 512: glibc takes another path outside.
constexpr std::int64_t kLowestTop = 0x3c9;
constexpr std::int64_t kHighestTop = 0x407;

void exp_scalar(const double* x, double* y, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) y[j] = std::exp(x[j]);
}

// Four lanes; every operation is the one glibc's FMA variant performs, in its order, with its
// roundings (an FMA rounds once, as there). The build uses -ffp-contract=off, so the compiler
// fuses nothing else.
__attribute__((target("avx2,fma"))) __m256d exp4(__m256d x) {
  const __m256d shift = _mm256_set1_pd(kShift);
  const __m256d z = _mm256_fmadd_pd(x, _mm256_set1_pd(kInvLn2N), shift);
  const __m256i ki = _mm256_castpd_si256(z);
  const __m256d kd = _mm256_sub_pd(z, shift);
  __m256d r = _mm256_fmadd_pd(kd, _mm256_set1_pd(kNegLn2HiN), x);
  r = _mm256_fmadd_pd(kd, _mm256_set1_pd(kNegLn2LoN), r);
  const __m256i k = _mm256_and_si256(ki, _mm256_set1_epi64x(127));
  const __m256d tail = _mm256_i64gather_pd(reinterpret_cast<const double*>(kExpTailBits), k, 8);
  const __m256i head =
      _mm256_i64gather_epi64(reinterpret_cast<const long long*>(kExpHeadBits), k, 8);
  const __m256d scale = _mm256_castsi256_pd(_mm256_add_epi64(head, _mm256_slli_epi64(ki, 45)));
  const __m256d c23 = _mm256_fmadd_pd(r, _mm256_set1_pd(kC3), _mm256_set1_pd(kC2));
  const __m256d r_tail = _mm256_add_pd(r, tail);
  const __m256d r2 = _mm256_mul_pd(r, r);
  const __m256d c45 = _mm256_fmadd_pd(r, _mm256_set1_pd(kC5), _mm256_set1_pd(kC4));
  const __m256d low = _mm256_fmadd_pd(c23, r2, r_tail);
  const __m256d r4 = _mm256_mul_pd(r2, r2);
  const __m256d tmp = _mm256_fmadd_pd(r4, c45, low);
  return _mm256_fmadd_pd(scale, tmp, scale);
}

// Lanes outside the main range, as a 4-bit mask.
__attribute__((target("avx2,fma"))) int outside_main_range(__m256d x) {
  const __m256i top =
      _mm256_and_si256(_mm256_srli_epi64(_mm256_castpd_si256(x), 52), _mm256_set1_epi64x(0x7ff));
  const __m256i inside =
      _mm256_and_si256(_mm256_cmpgt_epi64(top, _mm256_set1_epi64x(kLowestTop - 1)),
                       _mm256_cmpgt_epi64(_mm256_set1_epi64x(kHighestTop + 1), top));
  return ~_mm256_movemask_pd(_mm256_castsi256_pd(inside)) & 0xf;
}

__attribute__((target("avx2,fma"))) void exp_avx2_fma(const double* x, double* y, std::size_t n) {
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const __m256d v = _mm256_loadu_pd(x + j);
    const int outside = outside_main_range(v);
    if (outside != 0) {  // rare; the arguments are kept, as y may be x
      alignas(32) double args[4];
      _mm256_store_pd(args, v);
      _mm256_storeu_pd(y + j, exp4(v));
      for (int lane = 0; lane < 4; ++lane) {
        if ((outside >> lane & 1) != 0) y[j + lane] = std::exp(args[lane]);
      }
      continue;
    }
    _mm256_storeu_pd(y + j, exp4(v));
  }
  if (j < n) {  // the last one to three, padded with 1 (inside the main range)
    alignas(32) double in[4] = {1.0, 1.0, 1.0, 1.0};
    alignas(32) double out[4];
    std::memcpy(in, x + j, (n - j) * sizeof(double));
    exp_avx2_fma(in, out, 4);
    std::memcpy(y + j, out, (n - j) * sizeof(double));
  }
}

// Probe arguments for the check at first use: spread over the range the kernel sees and beyond
// it, every table index and both signs, plus the edges of the main range.
std::array<double, 4096> probe_arguments() {
  std::array<double, 4096> probes{};
  std::uint64_t state = 0x9e3779b97f4a7c15u;
  for (std::size_t j = 0; j < probes.size(); ++j) {
    state += 0x9e3779b97f4a7c15u;  // splitmix64
    std::uint64_t h = state;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    h ^= h >> 31;
    const double u = static_cast<double>(h >> 11) * 0x1p-53;  // [0, 1)
    const double span = j % 4 == 0 ? 700.0 : j % 4 == 1 ? 40.0 : j % 4 == 2 ? 1.0 : 1e-3;
    probes[j] = (2.0 * u - 1.0) * span;
  }
  const double edges[] = {0.0,     0x1p-54,  -0x1p-54, 0x1.fffffffffffffp-55,
                          511.999, -511.999, 512.0,    -512.0,
                          709.78,  -745.1,   1e-300};
  std::memcpy(probes.data(), edges, sizeof edges);
  return probes;
}

bool reproduces_std_exp(ExpIsa isa) {
  const std::array<double, 4096> x = probe_arguments();
  std::array<double, 4096> ours{};
  exp_batch_using(isa, x.data(), ours.data(), x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (std::bit_cast<std::uint64_t>(ours[j]) != std::bit_cast<std::uint64_t>(std::exp(x[j]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool exp_isa_supported(ExpIsa isa) {
  switch (isa) {
    case ExpIsa::scalar:
      return true;
    case ExpIsa::avx2_fma:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return false;
}

void exp_batch_using(ExpIsa isa, const double* x, double* y, std::size_t n) {
  switch (isa) {
    case ExpIsa::avx2_fma:
      exp_avx2_fma(x, y, n);
      return;
    case ExpIsa::scalar:
      break;
  }
  exp_scalar(x, y, n);
}

bool exp_isa_usable(ExpIsa isa) {
  if (isa == ExpIsa::scalar) return true;
  static const bool avx2_fma =
      exp_isa_supported(ExpIsa::avx2_fma) && reproduces_std_exp(ExpIsa::avx2_fma);
  return avx2_fma;
}

ExpIsa exp_isa_in_use() {
  static const ExpIsa chosen = exp_isa_usable(ExpIsa::avx2_fma) ? ExpIsa::avx2_fma : ExpIsa::scalar;
  return chosen;
}

void exp_batch(const double* x, double* y, std::size_t n) {
  exp_batch_using(exp_isa_in_use(), x, y, n);
}

}  // namespace cxsim
