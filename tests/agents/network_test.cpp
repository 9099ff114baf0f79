// Tests for the social network builders: structure, statistics, determinism, edge cases.
#include "agents/network.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "agents/network_spares.hpp"

namespace cxsim {
namespace {

constexpr std::uint64_t kSeed = 20240917;

NetworkConfig config(NetworkType type, int degree, double rewire = 0.1) {
  NetworkConfig c;
  c.type = type;
  c.mean_degree = degree;
  c.rewire_probability = rewire;
  return c;
}

// A statistical check passes when the observation lies within z standard errors of expectation.
bool within_se(double observed, double expected, double se, double z = 4.0) {
  return std::abs(observed - expected) < z * se;
}

// Sorted, no self loops, no duplicates, symmetric, offsets consistent with degrees.
void expect_well_formed(const Network& net) {
  ASSERT_FALSE(net.mean_field());
  std::uint64_t entries = 0;
  for (std::uint32_t i = 0; i < net.nodes(); ++i) {
    const auto list = net.neighbours(i);
    ASSERT_EQ(list.size(), net.degree(i)) << "node " << i;
    entries += list.size();
    for (std::size_t a = 0; a < list.size(); ++a) {
      ASSERT_LT(list[a], net.nodes()) << "node " << i;
      ASSERT_NE(list[a], i) << "self loop at " << i;
      if (a > 0) {
        ASSERT_LT(list[a - 1], list[a]) << "unsorted or duplicate at " << i;
      }
      const auto back = net.neighbours(list[a]);
      ASSERT_TRUE(std::binary_search(back.begin(), back.end(), i))
          << i << " lists " << list[a] << " but not the reverse";
    }
  }
  EXPECT_EQ(entries % 2, 0u);
  EXPECT_EQ(net.edges(), entries / 2);
}

std::uint32_t max_degree(const Network& net) {
  std::uint32_t best = 0;
  for (std::uint32_t i = 0; i < net.nodes(); ++i) best = std::max(best, net.degree(i));
  return best;
}

bool has_edge(const Network& net, std::uint32_t a, std::uint32_t b) {
  const auto list = net.neighbours(a);
  return std::binary_search(list.begin(), list.end(), b);
}

// Heavy tail, as the tests use it: the best-connected node has ten times the mean degree.
bool heavy_tailed(const Network& net) {
  return max_degree(net) > 10.0 * net.mean_degree();
}

TEST(Network, StructureOfEveryMaterialisedType) {
  const std::uint32_t n = 3000;
  for (const auto& c : {config(NetworkType::ring, 10), config(NetworkType::random, 10),
                        config(NetworkType::random, 7), config(NetworkType::small_world, 10, 0.3),
                        config(NetworkType::small_world, 4, 1.0),
                        config(NetworkType::scale_free, 10), config(NetworkType::scale_free, 5)}) {
    SCOPED_TRACE(std::string(to_string(c.type)) + " degree " + std::to_string(c.mean_degree));
    const Network net = build_network(c, n, kSeed, 3);
    EXPECT_EQ(net.nodes(), n);
    expect_well_formed(net);
  }
}

TEST(Network, RingDegreesAreExact) {
  const Network net = build_network(config(NetworkType::ring, 6), 1000, kSeed, 0);
  expect_well_formed(net);
  for (std::uint32_t i = 0; i < net.nodes(); ++i) ASSERT_EQ(net.degree(i), 6u);
  const std::vector<std::uint32_t> first{1, 2, 3, 997, 998, 999};
  EXPECT_TRUE(std::ranges::equal(net.neighbours(0), first));
  const std::vector<std::uint32_t> middle{497, 498, 499, 501, 502, 503};
  EXPECT_TRUE(std::ranges::equal(net.neighbours(500), middle));
  EXPECT_EQ(net.edges(), 3000u);
}

TEST(Network, RingAtDegreeNMinusOneIsComplete) {
  const Network net = build_network(config(NetworkType::ring, 6), 7, kSeed, 0);
  expect_well_formed(net);
  for (std::uint32_t i = 0; i < 7; ++i) EXPECT_EQ(net.degree(i), 6u);
}

// Edge count of G(n, p) is Binomial(n(n-1)/2, p), so the mean degree 2E/n has standard error
// 2 sqrt(N p (1 - p)) / n. Checked at 4 SE; the negative control (a 5% larger expected mean, about
// 16 SE away) must be rejected by the same check.
TEST(Network, RandomMeanDegreeWithinStandardErrors) {
  const std::uint32_t n = 20000;
  const int k = 10;
  const double pairs = n * (n - 1.0) / 2.0;
  const double p = k / (n - 1.0);
  const double se = 2.0 * std::sqrt(pairs * p * (1.0 - p)) / n;
  for (std::uint32_t rep = 0; rep < 3; ++rep) {
    const Network net = build_network(config(NetworkType::random, k), n, kSeed, rep);
    EXPECT_TRUE(within_se(net.mean_degree(), k, se))
        << "replication " << rep << ": mean degree " << net.mean_degree() << ", SE " << se;
    EXPECT_FALSE(within_se(net.mean_degree(), 1.05 * k, se)) << "negative control";
  }
}

// Degrees in G(n, p) are Binomial(n - 1, p): the share of isolated-or-low nodes must match its
// binomial probability within 4 SE (degrees of distinct nodes are nearly independent). Negative
// control: the Poisson-free "everyone has exactly k" expectation (share 0) is rejected.
TEST(Network, RandomDegreeDistributionIsBinomial) {
  const std::uint32_t n = 20000;
  const int k = 10;
  const double p = k / (n - 1.0);
  double expected = 0.0;  // P(degree <= 5)
  for (int d = 0; d <= 5; ++d) {
    expected += std::exp(std::lgamma(n) - std::lgamma(d + 1.0) - std::lgamma(n - d + 0.0) +
                         d * std::log(p) + (n - 1.0 - d) * std::log1p(-p));
  }
  const Network net = build_network(config(NetworkType::random, k), n, kSeed, 0);
  double low = 0;
  for (std::uint32_t i = 0; i < n; ++i) low += net.degree(i) <= 5 ? 1 : 0;
  const double share = low / n;
  const double se = std::sqrt(expected * (1.0 - expected) / n);
  EXPECT_TRUE(within_se(share, expected, se)) << share << " vs " << expected << ", SE " << se;
  EXPECT_FALSE(within_se(share, 0.0, se)) << "negative control";
}

TEST(Network, RandomAtDegreeNMinusOneIsComplete) {
  const Network net = build_network(config(NetworkType::random, 9), 10, kSeed, 0);
  expect_well_formed(net);
  for (std::uint32_t i = 0; i < 10; ++i) EXPECT_EQ(net.degree(i), 9u);
}

TEST(Network, SmallWorldWithoutRewiringIsTheRing) {
  const Network ring = build_network(config(NetworkType::ring, 8), 5000, kSeed, 0);
  const Network sw = build_network(config(NetworkType::small_world, 8, 0.0), 5000, kSeed, 0);
  EXPECT_EQ(sw, ring);
}

// Each forward lattice link survives rewiring with probability 1 - p (plus O(k / n) for links
// that are redrawn onto the old end or re-created by the other side), so the surviving share has
// SE sqrt(p (1 - p) / slots). Negative control: 1 - p - 0.02 (about 16 SE away) is rejected.
// Rewiring moves links but never drops them, except where two picks meet (a Poisson count with
// mean about (k p / 2)^2 = 1 here): the mean degree stays k within 4 SE of that count.
TEST(Network, SmallWorldRewiresTheStatedShare) {
  const std::uint32_t n = 20000;
  const std::uint32_t half = 5;
  const double p = 0.2;
  const Network net = build_network(config(NetworkType::small_world, 2 * half, p), n, kSeed, 1);
  expect_well_formed(net);
  double kept = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    for (std::uint32_t s = 1; s <= half; ++s) kept += has_edge(net, i, (i + s) % n) ? 1 : 0;
  }
  const double slots = static_cast<double>(n) * half;
  const double se = std::sqrt(p * (1.0 - p) / slots);
  EXPECT_TRUE(within_se(kept / slots, 1.0 - p, se)) << kept / slots << ", SE " << se;
  EXPECT_FALSE(within_se(kept / slots, 1.0 - p - 0.02, se)) << "negative control";

  const double lost = n * half - static_cast<double>(net.edges());
  EXPECT_GE(lost, 0.0);
  EXPECT_TRUE(within_se(lost, 1.0, 1.0)) << lost << " links merged";
  EXPECT_TRUE(within_se(net.mean_degree(), 2.0 * half, 2.0 * 5.0 / n));
  EXPECT_FALSE(heavy_tailed(net));
}

// Rewired links that pick each other's owners are merged: small dense graphs with every link
// rewired do this often, and must still come out sorted, symmetric and free of repeats.
TEST(Network, SmallWorldMergesLinksThatMeet) {
  std::uint64_t merged = 0;
  for (std::uint32_t rep = 0; rep < 20; ++rep) {
    const Network net = build_network(config(NetworkType::small_world, 10, 1.0), 40, kSeed, rep);
    expect_well_formed(net);
    merged += 40 * 5 - net.edges();
  }
  EXPECT_GT(merged, 0u);
}

// Barabasi-Albert adds a fixed number of links per node, so its edge count is exact: a complete
// core of m + 1 nodes, then m per newcomer (mean degree 2m - m(m+1)/n).
TEST(Network, ScaleFreeEdgeCountIsExact) {
  const std::uint32_t n = 20000;
  const std::uint64_t m = 5;
  const Network net = build_network(config(NetworkType::scale_free, 2 * m), n, kSeed, 0);
  EXPECT_EQ(net.edges(), m * (m + 1) / 2 + (n - m - 1) * m);
  // Odd degree: links alternate 2 and 3 per newcomer, so the mean stays 5 up to the core.
  const Network odd = build_network(config(NetworkType::scale_free, 5), n, kSeed, 0);
  EXPECT_NEAR(odd.mean_degree(), 5.0, 0.01);
  expect_well_formed(odd);
  for (std::uint32_t i = 4; i < n; ++i) ASSERT_GE(odd.degree(i), 2u);
}

// Preferential attachment gives a power-law tail (max degree ~ m sqrt(n), here ~700 against a
// mean of 10); G(n, p) and the lattice have near-Poisson or fixed degrees (max ~ 25). The heavy
// tail check is the same predicate for all three, so the random graph is its negative control.
TEST(Network, ScaleFreeHasAHeavyTailAndRandomDoesNot) {
  const std::uint32_t n = 20000;
  const Network sf = build_network(config(NetworkType::scale_free, 10), n, kSeed, 0);
  const Network er = build_network(config(NetworkType::random, 10), n, kSeed, 0);
  const Network ring = build_network(config(NetworkType::ring, 10), n, kSeed, 0);
  EXPECT_TRUE(heavy_tailed(sf)) << "max " << max_degree(sf);
  EXPECT_FALSE(heavy_tailed(er)) << "max " << max_degree(er);
  EXPECT_FALSE(heavy_tailed(ring));
  EXPECT_LT(max_degree(er), 3 * 10u);
  // Every newcomer brings m links, so nobody falls below m.
  for (std::uint32_t i = 0; i < n; ++i) ASSERT_GE(sf.degree(i), 5u);
}

// In BA the share of nodes of degree exactly m tends to 2 / (m + 2) (Bollobas et al. 2001); at
// n = 20000 the finite-size correction is far below the SE of sqrt(q (1 - q) / n) = 0.0032.
// Negative control: the share a G(n, p) of the same mean would give (about 0.04) is rejected.
TEST(Network, ScaleFreeDegreeDistributionFollowsTheory) {
  const std::uint32_t n = 20000;
  const std::uint32_t m = 5;
  const Network sf = build_network(config(NetworkType::scale_free, 2 * m), n, kSeed, 2);
  double at_m = 0;
  for (std::uint32_t i = 0; i < n; ++i) at_m += sf.degree(i) == m ? 1 : 0;
  const double expected = 2.0 / (m + 2.0);
  const double se = std::sqrt(expected * (1 - expected) / n);
  EXPECT_TRUE(within_se(at_m / n, expected, se)) << at_m / n << " vs " << expected;
  EXPECT_FALSE(within_se(at_m / n, 0.04, se)) << "negative control";
}

TEST(Network, SameInputsGiveTheSameGraphAtAnyThreadCount) {
  for (const auto& c : {config(NetworkType::random, 10), config(NetworkType::small_world, 10, 0.3),
                        config(NetworkType::scale_free, 10)}) {
    SCOPED_TRACE(to_string(c.type));
    Network one;
    Network all;
    tbb::task_arena(1).execute([&] { one = build_network(c, 30000, kSeed, 5); });
    tbb::task_arena().execute([&] { all = build_network(c, 30000, kSeed, 5); });
    EXPECT_EQ(one, all);
    EXPECT_EQ(build_network(c, 30000, kSeed, 5), all);
    EXPECT_NE(build_network(c, 30000, kSeed, 6), all) << "replication must change the graph";
    EXPECT_NE(build_network(c, 30000, kSeed + 1, 5), all) << "seed must change the graph";
  }
}

// A spare's memory is taken over with its old contents in place (no zeroing): every generator
// must write every entry it keeps. Spares larger, smaller and of another type than the graph.
TEST(Network, BuildingIntoASpareGivesTheSameGraph) {
  const auto spares = [] {
    std::vector<Network> s;
    s.push_back(build_network(config(NetworkType::small_world, 16, 0.5), 60000, kSeed + 7, 2));
    s.push_back(build_network(config(NetworkType::random, 30), 20000, kSeed + 7, 1));
    s.push_back(build_network(config(NetworkType::ring, 2), 100, kSeed, 0));
    s.push_back(build_network(config(NetworkType::complete, 0), 100, kSeed, 0));
    return s;
  };
  for (NetworkType type : {NetworkType::none, NetworkType::complete, NetworkType::ring,
                           NetworkType::random, NetworkType::small_world, NetworkType::scale_free}) {
    SCOPED_TRACE(to_string(type));
    const NetworkConfig c = config(type, 10, 0.3);
    const Network fresh = build_network(c, 20000, kSeed, 4);
    for (Network& spare : spares()) {
      const Network reused = build_network(c, 20000, kSeed, 4, std::move(spare));
      EXPECT_EQ(reused, fresh);
      EXPECT_EQ(spare.nodes(), 0u);
      EXPECT_TRUE(spare.offsets().empty() && spare.neighbour_array().empty());
    }
  }
}

TEST(Network, SparesKeepAtMostTheirCapacity) {
  NetworkSpares spares(2);
  EXPECT_EQ(spares.take().nodes(), 0u) << "none kept yet";
  for (std::uint32_t n : {100u, 200u, 300u}) {
    spares.give(build_network(config(NetworkType::ring, 4), n, kSeed, 0));
  }
  std::vector<std::uint32_t> taken;
  for (int i = 0; i < 3; ++i) taken.push_back(spares.take().nodes());
  EXPECT_EQ(taken, (std::vector<std::uint32_t>{200u, 100u, 0u})) << "the third was freed";
}

TEST(Network, TinySizesAreWellFormed) {
  for (NetworkType type : {NetworkType::ring, NetworkType::random, NetworkType::small_world,
                           NetworkType::scale_free}) {
    const bool even_only = type == NetworkType::ring || type == NetworkType::small_world;
    for (std::uint32_t n = 0; n <= 9; ++n) {
      for (int k = 0; k == 0 || k < static_cast<int>(n); ++k) {
        if (even_only && k % 2 != 0) continue;
        SCOPED_TRACE(std::string(to_string(type)) + " n " + std::to_string(n) + " k " +
                     std::to_string(k));
        for (std::uint32_t rep = 0; rep < 4; ++rep) {
          const Network net = build_network(config(type, k, 0.5), n, kSeed, rep);
          EXPECT_EQ(net.nodes(), n);
          expect_well_formed(net);
        }
      }
    }
  }
  // The smallest graphs with a link.
  const Network ba = build_network(config(NetworkType::scale_free, 1), 2, kSeed, 0);
  EXPECT_EQ(ba.edges(), 1u);
  const Network er = build_network(config(NetworkType::random, 1), 2, kSeed, 0);
  EXPECT_EQ(er.edges(), 1u);  // p = 1
  EXPECT_EQ(build_network(config(NetworkType::scale_free, 0), 1, kSeed, 0).degree(0), 0u);
  EXPECT_EQ(build_network(config(NetworkType::random, 0), 1, kSeed, 0).degree(0), 0u);
}

TEST(Network, NoneHasNoLinks) {
  const Network net = build_network(config(NetworkType::none, 10), 100, kSeed, 0);
  EXPECT_EQ(net.nodes(), 100u);
  EXPECT_FALSE(net.mean_field());
  EXPECT_EQ(net.edges(), 0u);
  for (std::uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(net.degree(i), 0u);
    EXPECT_TRUE(net.neighbours(i).empty());
  }
  EXPECT_EQ(net.memory_bytes(), sizeof(Network));
}

TEST(Network, CompleteIsMeanFieldAndStoresNothing) {
  const Network net = build_network(config(NetworkType::complete, 0), 1000000, kSeed, 0);
  EXPECT_TRUE(net.mean_field());
  EXPECT_EQ(net.nodes(), 1000000u);
  EXPECT_EQ(net.degree(0), 999999u);
  EXPECT_EQ(net.degree(999999), 999999u);
  EXPECT_TRUE(net.neighbours(0).empty());
  EXPECT_EQ(net.edges(), 1000000ull * 999999ull / 2);
  EXPECT_DOUBLE_EQ(net.mean_degree(), 999999.0);
  EXPECT_EQ(net.memory_bytes(), sizeof(Network));
}

TEST(Network, MemoryIsFourBytesPerEntryPlusOffsets) {
  const Network net = build_network(config(NetworkType::ring, 10), 100000, kSeed, 0);
  EXPECT_EQ(net.memory_bytes(), sizeof(Network) + 100001 * 8 + 1000000 * 4);
}

TEST(Network, ImpossibleInputIsRejected) {
  const auto build = [](NetworkConfig c, std::uint32_t n) { build_network(c, n, kSeed, 0); };
  EXPECT_THROW(build(config(NetworkType::ring, 3), 100), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::small_world, 5), 100), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::random, 10), 10), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::scale_free, 2), 2), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::ring, 2), 1), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::random, -2), 100), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::small_world, 4, 1.5), 100), std::invalid_argument);
  EXPECT_THROW(build(config(NetworkType::small_world, 4, std::nan("")), 100),
               std::invalid_argument);
  try {
    build(config(NetworkType::ring, 3), 100);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("even"), std::string::npos) << e.what();
  }
  // Types that ignore the degree accept any.
  EXPECT_NO_THROW(build(config(NetworkType::none, 50), 10));
  EXPECT_NO_THROW(build(config(NetworkType::complete, 50), 10));
}

}  // namespace
}  // namespace cxsim

namespace cxsim {
namespace {

// FNV-1a over a graph's offsets and neighbour lists.
std::uint64_t graph_digest(const Network& g) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  mix(g.offsets().data(), g.offsets().size_bytes());
  mix(g.neighbour_array().data(), g.neighbour_array().size_bytes());
  return h;
}

// Pins the small-world graphs bit for bit. The lists are written directly from the slots since
// 75fa24e and came from the generic assembly before; both builders give these digests (the
// earlier one checked at 492354a), so a change of the draws or of the lists shows here.
TEST(Network, SmallWorldGraphsArePinned) {
  EXPECT_EQ(graph_digest(build_network(config(NetworkType::small_world, 10, 0.2), 5000, 11, 3)),
            0x7665672b24559377ull);
  EXPECT_EQ(graph_digest(build_network(config(NetworkType::small_world, 8, 0.9), 37, 11, 0)),
            0x42804d9148582261ull);
  EXPECT_EQ(graph_digest(build_network(config(NetworkType::small_world, 30, 0.5), 31, 5, 1)),
            0xb06aa6dd4bb80803ull);
}

}  // namespace
}  // namespace cxsim
