// Experiment designs: where in factor space the runs of a sweep or a sensitivity study go.
//
// Designs other than grid and list live in the unit cube; mapping a coordinate onto a factor
// (a range, or a distribution through its inverse CDF) is a separate step, so one design serves
// every kind of factor. Every random design is a pure function of its seed (Purpose::design
// streams), so a study can be recomputed anywhere, at any thread count.
#pragma once

#include <cstdint>
#include <vector>

namespace cxsim {

// A design: `points` rows of `factors` coordinates, stored row-major.
struct Design {
  int points = 0;
  int factors = 0;
  std::vector<double> values;  // values[point * factors + factor]

  double at(int point, int factor) const {
    return values[static_cast<std::size_t>(point) * factors + factor];
  }
  double& at(int point, int factor) {
    return values[static_cast<std::size_t>(point) * factors + factor];
  }
};

// The Cartesian product of each factor's values (actual values, not the unit cube), the LAST
// factor varying fastest: {{1, 2}, {10, 20, 30}} gives (1,10) (1,20) (1,30) (2,10) (2,20) (2,30).
// Throws std::invalid_argument when there is no factor, a factor has no value, or the product
// exceeds what an int counts.
Design grid_design(const std::vector<std::vector<double>>& values);

// Point i is (values[0][i], values[1][i], ...). Throws std::invalid_argument when there is no
// factor or the lists differ in length (the caller reports it with the file location).
Design list_design(const std::vector<std::vector<double>>& values);

// A Latin hypercube in [0,1)^factors: each factor's [0,1) is cut into `points` equal strata,
// each stratum holds exactly one point, placed uniformly within it, and the strata are permuted
// independently per factor. Point p of factor f lies in stratum perm_f(p).
Design lhs_design(int points, int factors, std::uint64_t seed);

// The first n points (the origin skipped, as boost::random::sobol does) of the dims-dimensional
// Sobol sequence of boost::random::sobol under a random digital shift drawn from the seed: each
// coordinate's 32-bit integer is XORed with a per-dimension 32-bit word and mapped to (0,1) as
// (x + 0.5) / 2^32. A digital shift keeps every net property of the sequence (each elementary
// interval of a 2^m-point block still holds its share of points) while making studies with
// different seeds differ, and lets repeated studies estimate their own error.
//
// Relation to SALib's `saltelli.sample` (checked against SALib's sources and SciPy, not claimed
// beyond that): Boost documents its direction numbers as those of Joe and Kuo (2008),
// new-joe-kuo-6.21201, cut to the polynomials below 2^16 (3667 dimensions); its table equals the
// first 3667 dimensions of SALib's sample/directions.py entry for entry, and its sequence (top 32
// bits) equals SciPy's unscrambled qmc.Sobol point for point after SciPy's origin (4096 points,
// 40 dimensions). SALib builds the same Gray-code recurrence with 31 bits, keeps the origin as
// row 0 and then skips `skip_values` rows (default a power of two >= N and >= 16; 1000 in old
// versions), applies no scrambling, and interleaves A, AB_i (and BA_i) and B row by row, where
// saltelli_design below keeps them in blocks. SALib's newer `sample.sobol` uses SciPy's Sobol
// with Owen (LMS + shift) scrambling by default; this is a digital shift only.
Design sobol_sequence(int n, int dims, std::uint64_t seed);

// The same with an explicit shift (one word per dimension); a zero shift gives the raw Boost
// sequence, (word + 0.5) / 2^32 of the top 32 bits of each boost::random::sobol output.
Design sobol_sequence_with_shift(int n, int dims, const std::vector<std::uint32_t>& shift);

// The Saltelli design of a Sobol study of k factors with N base samples (N a power of 2, else
// std::invalid_argument). A and B are the first and the last k columns of the first N points of
// one 2k-dimensional shifted Sobol sequence. Point order, N (k + 2) rows in all (other code
// writes this order to results files):
//   rows [0, N)                     A
//   rows [N, 2N)                    B
//   rows [(2 + i) N, (3 + i) N)     AB_i, i = 0 .. k-1: A with column i taken from B
// Row j of each block belongs to base sample j.
Design saltelli_design(int base_samples, int factors, std::uint64_t seed);

// A Morris (1991) elementary-effects design in the Campolongo et al. (2007) style: r
// trajectories of k + 1 points on the p-level grid {0, 1/(p-1), ..., 1} (p even), step
// delta = p / (2 (p - 1)). Each trajectory starts at a random grid point and moves each factor
// once, in a random order, by +delta or -delta. With p even and this delta, exactly one of the
// two stays in [0, 1] at every level (levels below the middle move up, the others down), so the
// sign is set by the random base point and every point stays on the grid.
struct MorrisDesign {
  int trajectories = 0;  // r
  int factors = 0;       // k
  int levels = 0;        // p
  double delta = 0.0;    // p / (2 (p - 1))
  // r (k + 1) points: trajectory t is rows [t (k + 1), (t + 1) (k + 1)).
  Design points;
  // Per step s = t k + j (j = 0 .. k-1): row t (k + 1) + j + 1 equals row t (k + 1) + j except in
  // factor moved[s], which changed by step[s] (+delta or -delta).
  std::vector<int> moved;
  std::vector<double> step;
};

// Throws std::invalid_argument unless r >= 1, k >= 1 and p is even and >= 2.
MorrisDesign morris_design(int trajectories, int levels, int factors, std::uint64_t seed);

}  // namespace cxsim
