// Inverse CDFs of the scenario's distributions: how a unit-cube design becomes factor values.
#pragma once

#include "engine/core/distribution.hpp"

namespace cxsim {

// The u-quantile of d (its inverse CDF), u in [0, 1]. A constant is its value at every u. At the
// ends: u <= 0 gives the lower end of the support where it is finite (uniform and triangular
// lo, beta 0, lognormal 0), u >= 1 the upper end where finite (uniform and triangular hi, beta
// 1); an infinite end (normal at either, lognormal above) gives the quantile at 2^-33 from that
// end, the smallest distance a Stream uniform has from 0 or 1, so a design point never maps to an
// infinite factor value. NaN u gives NaN.
double quantile(const Distribution& d, double u);

// quantile(d, 0.5).
double median(const Distribution& d);

}  // namespace cxsim
