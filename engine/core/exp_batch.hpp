// exp of many doubles at once, bit for bit what std::exp gives one by one.
//
// The month kernel takes one exp per customer (the churn hazard's logistic). Called one by one,
// each is a call through glibc's wrapper and its dispatch, and the call spills every vector
// register the kernel holds. Batched, four arguments go through one AVX2 + FMA evaluation.
//
// Results must not change, so the batch evaluates the algorithm of glibc's exp (2.28 and later,
// the variant glibc itself picks on a processor with AVX2 and FMA): the same table of 2^(k/128)
// (engine/core/exp_table.inc, generated exactly by scripts/generate-exp-table), the same
// constants and the same operations, each rounded as glibc rounds it. Arguments outside its main
// range (|x| below 2^-54 or from 512 up, infinities, NaN) go to std::exp itself.
//
// The vector path is used only where it is known to agree: the processor has AVX2 and FMA, and
// at first use it reproduces std::exp's bits on a fixed set of probe arguments. A C library that
// computes exp another way (another glibc variant, musl) fails the probes, and every call then
// goes to std::exp: slower, never different. tests/core/exp_batch_test.cpp compares the two on
// millions of arguments.
#pragma once

#include <cstddef>

namespace cxsim {

// y[j] = std::exp(x[j]) for j < n, bit for bit. x and y may be the same array.
void exp_batch(const double* x, double* y, std::size_t n);

// The evaluations exp_batch chooses between; tests run each usable one against std::exp.
enum class ExpIsa { scalar, avx2_fma };
// True when the processor has the instructions the evaluation needs.
bool exp_isa_supported(ExpIsa isa);
// True when it is supported and reproduced std::exp on the probes.
bool exp_isa_usable(ExpIsa isa);
// The evaluation exp_batch uses on this machine.
ExpIsa exp_isa_in_use();
void exp_batch_using(ExpIsa isa, const double* x, double* y, std::size_t n);

}  // namespace cxsim
