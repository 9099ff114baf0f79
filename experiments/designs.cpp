// Grid, list, Latin hypercube, shifted Sobol, Saltelli and Morris designs.
#include "experiments/designs.hpp"

#include <boost/random/sobol.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "experiments/design_streams.hpp"

namespace cxsim {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

Design empty_design(int points, int factors) {
  Design d;
  d.points = points;
  d.factors = factors;
  d.values.assign(static_cast<std::size_t>(points) * factors, 0.0);
  return d;
}

// Fisher-Yates with Boost's integer distribution, whose algorithm is fixed, so a permutation
// is the same on every platform for the same stream.
std::vector<int> random_permutation(int n, Stream& stream) {
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = n - 1; i > 0; --i) {
    const int j = boost::random::uniform_int_distribution<int>(0, i)(stream);
    std::swap(perm[i], perm[j]);
  }
  return perm;
}

}  // namespace

Design grid_design(const std::vector<std::vector<double>>& values) {
  require(!values.empty(), "a grid needs at least one factor");
  long long points = 1;
  for (std::size_t f = 0; f < values.size(); ++f) {
    require(!values[f].empty(), "grid factor " + std::to_string(f) + " has no values");
    points *= static_cast<long long>(values[f].size());
    require(points <= std::numeric_limits<int>::max(), "the grid has too many points");
  }
  const int factors = static_cast<int>(values.size());
  Design d = empty_design(static_cast<int>(points), factors);
  // Mixed-radix counting with the last factor as the lowest digit.
  std::vector<std::size_t> digit(factors, 0);
  for (int p = 0; p < d.points; ++p) {
    for (int f = 0; f < factors; ++f) d.at(p, f) = values[f][digit[f]];
    for (int f = factors - 1; f >= 0; --f) {
      if (++digit[f] < values[f].size()) break;
      digit[f] = 0;
    }
  }
  return d;
}

Design list_design(const std::vector<std::vector<double>>& values) {
  require(!values.empty(), "a list design needs at least one factor");
  const std::size_t n = values[0].size();
  for (std::size_t f = 1; f < values.size(); ++f) {
    require(values[f].size() == n,
            "list factors must have the same number of values (factor 0 has " + std::to_string(n) +
                ", factor " + std::to_string(f) + " has " + std::to_string(values[f].size()) + ")");
  }
  require(n <= static_cast<std::size_t>(std::numeric_limits<int>::max()),
          "the list has too many points");
  Design d = empty_design(static_cast<int>(n), static_cast<int>(values.size()));
  for (int p = 0; p < d.points; ++p) {
    for (int f = 0; f < d.factors; ++f) d.at(p, f) = values[f][p];
  }
  return d;
}

Design lhs_design(int points, int factors, std::uint64_t seed) {
  require(points >= 1 && factors >= 1, "a Latin hypercube needs points >= 1 and factors >= 1");
  Design d = empty_design(points, factors);
  for (int f = 0; f < factors; ++f) {
    // One stream per factor: a factor's column does not depend on how many factors come after.
    Stream stream = design_stream(seed, DesignStream::lhs, static_cast<std::uint32_t>(f));
    const std::vector<int> stratum = random_permutation(points, stream);
    for (int p = 0; p < points; ++p) {
      // uniform() is in (0, 1), so the value lies strictly inside its stratum.
      d.at(p, f) = (stratum[p] + stream.uniform()) / points;
    }
  }
  return d;
}

Design sobol_sequence_with_shift(int n, int dims, const std::vector<std::uint32_t>& shift) {
  require(n >= 1 && dims >= 1, "a Sobol sequence needs n >= 1 and dims >= 1");
  require(dims <= static_cast<int>(boost::random::default_sobol_table::max_dimension),
          "Boost's Sobol table has at most " +
              std::to_string(boost::random::default_sobol_table::max_dimension) + " dimensions");
  require(shift.size() == static_cast<std::size_t>(dims), "one shift word per dimension");
  Design d = empty_design(n, dims);
  boost::random::sobol engine(dims);
  for (int p = 0; p < n; ++p) {
    for (int f = 0; f < dims; ++f) {
      // The 64-bit engine's top 32 bits are the 32-bit sequence for the first 2^32 points.
      const auto word = static_cast<std::uint32_t>(engine() >> 32) ^ shift[f];
      d.at(p, f) = Stream::to_uniform(word);
    }
  }
  return d;
}

Design sobol_sequence(int n, int dims, std::uint64_t seed) {
  require(dims >= 1, "a Sobol sequence needs dims >= 1");
  Stream stream = design_stream(seed, DesignStream::sobol_shift, 0);
  std::vector<std::uint32_t> shift(dims);
  for (auto& word : shift) word = stream();
  return sobol_sequence_with_shift(n, dims, shift);
}

Design saltelli_design(int base_samples, int factors, std::uint64_t seed) {
  const int n = base_samples;
  require(n >= 1 && (n & (n - 1)) == 0,
          "Sobol base_samples must be a power of 2 (got " + std::to_string(n) + ")");
  require(factors >= 1, "a Sobol study needs at least one factor");
  const int k = factors;
  require(static_cast<long long>(n) * (k + 2) <= std::numeric_limits<int>::max(),
          "the Sobol study has too many points");
  const Design base = sobol_sequence(n, 2 * k, seed);
  Design d = empty_design(n * (k + 2), k);
  for (int j = 0; j < n; ++j) {
    for (int f = 0; f < k; ++f) {
      const double a = base.at(j, f);
      const double b = base.at(j, k + f);
      d.at(j, f) = a;
      d.at(n + j, f) = b;
      for (int i = 0; i < k; ++i) d.at((2 + i) * n + j, f) = (i == f) ? b : a;
    }
  }
  return d;
}

MorrisDesign morris_design(int trajectories, int levels, int factors, std::uint64_t seed) {
  require(trajectories >= 1, "Morris needs at least one trajectory");
  require(factors >= 1, "Morris needs at least one factor");
  require(levels >= 2 && levels % 2 == 0,
          "Morris levels must be even and >= 2 (got " + std::to_string(levels) + ")");
  require(static_cast<long long>(trajectories) * (factors + 1) <= std::numeric_limits<int>::max(),
          "the Morris design has too many points");
  const int r = trajectories, k = factors, p = levels;
  MorrisDesign m;
  m.trajectories = r;
  m.factors = k;
  m.levels = p;
  m.delta = p / (2.0 * (p - 1));
  m.points = empty_design(r * (k + 1), k);
  m.moved.resize(static_cast<std::size_t>(r) * k);
  m.step.resize(static_cast<std::size_t>(r) * k);
  const int half = p / 2;  // delta in grid steps
  for (int t = 0; t < r; ++t) {
    Stream stream = design_stream(seed, DesignStream::morris, static_cast<std::uint32_t>(t));
    std::vector<int> level(k);
    for (int& l : level) l = boost::random::uniform_int_distribution<int>(0, p - 1)(stream);
    const std::vector<int> order = random_permutation(k, stream);
    const int row0 = t * (k + 1);
    // Coordinates come from integer levels, so a factor's value is the same grid number at every
    // point of the trajectory, and y(after) - y(before) sees only the moved factor.
    auto write_row = [&](int row) {
      for (int f = 0; f < k; ++f) m.points.at(row, f) = static_cast<double>(level[f]) / (p - 1);
    };
    write_row(row0);
    for (int j = 0; j < k; ++j) {
      const int f = order[j];
      const bool up = level[f] < half;
      level[f] += up ? half : -half;
      const std::size_t s = static_cast<std::size_t>(t) * k + j;
      m.moved[s] = f;
      m.step[s] = up ? m.delta : -m.delta;
      write_row(row0 + j + 1);
    }
  }
  return m;
}

}  // namespace cxsim
