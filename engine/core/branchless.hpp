// std::max and std::min of doubles without a branch, bit for bit (NaN and signed zeros included).
//
// GCC compiles std::max(a, b) on doubles to a compare and a jump unless it may ignore NaN and
// signed zeros (-ffinite-math-only -fno-signed-zeros, which change results). Where the sign of
// the argument is random from customer to customer (the disconfirmation d, the price gap), that
// jump is mispredicted about half the time. SSE2's MAXSD and MINSD make exactly the same
// selection: `maxsd a, b` leaves b when b > a and a otherwise, which is std::max(a, b)'s
// `a < b ? b : a` for every input; `minsd` likewise for std::min's `b < a ? b : a`.
//
// The instructions are written as inline assembly: GCC treats the _mm_max_sd intrinsic as a
// plain maximum and may swap or fold its operands, which changes the result for signed zeros
// and NaN.
#pragma once

#include <algorithm>

namespace cxsim {

inline double branchless_max(double a, double b) {
#if defined(__x86_64__) && defined(__GNUC__)
  asm("maxsd %1, %0" : "+x"(b) : "x"(a));
  return b;
#else
  return std::max(a, b);
#endif
}

inline double branchless_min(double a, double b) {
#if defined(__x86_64__) && defined(__GNUC__)
  asm("minsd %1, %0" : "+x"(b) : "x"(a));
  return b;
#else
  return std::min(a, b);
#endif
}

// std::clamp(x, lo, hi) as libstdc++ computes it: std::min(std::max(x, lo), hi).
inline double branchless_clamp(double x, double lo, double hi) {
  return branchless_min(branchless_max(x, lo), hi);
}

}  // namespace cxsim
