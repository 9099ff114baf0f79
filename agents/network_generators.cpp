// The random-graph generators behind build_network: ring, Erdos-Renyi, Watts-Strogatz,
// Barabasi-Albert.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "agents/network_build.hpp"

namespace cxsim::network_detail {

namespace {

bool contains(const std::vector<std::uint32_t>& values, std::uint32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

// Every list is known in advance (the cyclic window around i), so it is written directly: no
// assembly pass, no scratch memory.
Csr build_ring(std::uint32_t nodes, std::uint32_t degree) {
  Csr csr;
  csr.offsets.resize(std::size_t{nodes} + 1);
  for (std::uint64_t i = 0; i <= nodes; ++i) csr.offsets[i] = i * degree;
  csr.neighbours.resize(std::uint64_t{nodes} * degree);
  const std::uint64_t n = nodes;
  const std::uint32_t half = degree / 2;
  std::uint32_t* const out = csr.neighbours.data();
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, nodes),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                        std::uint32_t* const list = out + std::uint64_t{i} * degree;
                        std::uint32_t t = 0;
                        for (std::uint32_t s = 1; s <= half; ++s) {
                          list[t++] = static_cast<std::uint32_t>((i + n - s) % n);
                          list[t++] = static_cast<std::uint32_t>((std::uint64_t{i} + s) % n);
                        }
                        std::sort(list, list + degree);
                      }
                    });
  return csr;
}

// G(n, p) by geometric skips (Batagelj & Brandes 2005): node i draws the gaps between its links
// to later nodes j > i, so the cost is O(n + edges), and each pair is decided once, by its lower
// end, from that node's stream. Nothing is stored between the two assembly passes: the links are
// drawn again, identically, from the same streams.
Csr build_random(std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                 std::uint32_t replication) {
  const double p = nodes > 1 ? static_cast<double>(degree) / (nodes - 1.0) : 0.0;
  const std::uint32_t items = degree == 0 ? 0 : nodes;
  const double log_q = std::log1p(-p);  // -inf when p == 1, handled below
  return assemble(nodes, items, [&](std::uint64_t item, auto&& emit) {
    const auto i = static_cast<std::uint32_t>(item);
    if (p >= 1.0) {
      for (std::uint32_t j = i + 1; j < nodes; ++j) emit(i, j);
      return;
    }
    Stream stream = node_stream(seed, i, replication);
    double j = i;  // exact: every value is an integer below 2^33
    for (;;) {
      j += 1.0 + std::floor(std::log(stream.uniform()) / log_q);
      if (j >= nodes) break;
      emit(i, static_cast<std::uint32_t>(j));
    }
  });
}

// Watts-Strogatz, decided per node so that it runs in parallel. Node i owns its forward lattice
// links (i, i + s), s = 1..k/2. Its stream first decides, link by link, which are rewired (pass
// 1, kept for all to read); then each rewired link gets a uniform node that i is not already
// linked to: not i, not a kept lattice neighbour on either side (the backward ones are known from
// pass 1), not an earlier pick. The only duplicates left are two rewired links that chose each
// other's owners (about (k p / 2)^2 in a whole graph); assembly merges them.
// The old far end may be drawn again, in which case the link stays where it was; that keeps a
// choice available even when k = n - 1 and lowers the effective rewiring rate by 1 / (n - k).
Csr build_small_world(std::uint32_t nodes, std::uint32_t degree, double rewire_probability,
                      std::uint64_t seed, std::uint32_t replication) {
  const std::uint32_t half = degree / 2;
  const std::uint64_t n = nodes;
  const std::uint64_t slots = n * half;
  if (slots == 0) return build_ring(nodes, degree);

  BigArray<std::uint8_t> rewired(slots);
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, nodes),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                        Stream stream = node_stream(seed, i, replication);
                        for (std::uint32_t s = 0; s < half; ++s) {
                          rewired[std::uint64_t{i} * half + s] =
                              stream.uniform() < rewire_probability ? 1 : 0;
                        }
                      }
                    });

  BigArray<std::uint32_t> targets(slots);
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, nodes),
      [&](const tbb::blocked_range<std::uint32_t>& range) {
        std::vector<std::uint32_t> taken;  // i's links so far; reused across the block
        for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
          const std::uint8_t* const mine = rewired.data() + std::uint64_t{i} * half;
          std::uint32_t* const out = targets.data() + std::uint64_t{i} * half;
          bool any = false;
          for (std::uint32_t s = 0; s < half; ++s) {
            out[s] = static_cast<std::uint32_t>((std::uint64_t{i} + s + 1) % n);
            any = any || mine[s] != 0;
          }
          if (!any) continue;

          taken.clear();
          for (std::uint32_t s = 0; s < half; ++s) {
            if (mine[s] == 0) taken.push_back(out[s]);
          }
          for (std::uint32_t s = 1; s <= half; ++s) {
            const auto j = static_cast<std::uint32_t>((i + n - s) % n);
            if (rewired[std::uint64_t{j} * half + (s - 1)] == 0) taken.push_back(j);
          }
          Stream stream = node_stream(seed, i, replication);
          for (std::uint32_t s = 0; s < half; ++s) stream();  // past the rewiring decisions
          for (std::uint32_t s = 0; s < half; ++s) {
            if (mine[s] == 0) continue;
            std::uint32_t r;
            do {
              r = uniform_below(stream, nodes);
            } while (r == i || contains(taken, r));
            taken.push_back(r);
            out[s] = r;
          }
        }
      });
  BigArray<std::uint8_t>().swap(rewired);  // free before the CSR is allocated

  return assemble(nodes, slots, [&](std::uint64_t slot, auto&& emit) {
    emit(static_cast<std::uint32_t>(slot / half), targets[slot]);
  });
}

// Barabasi-Albert by the list of edge ends: a uniform pick from it is a node chosen in proportion
// to its degree. Sequential by nature (each node sees the graph its predecessors made), but node
// t still draws from its own stream, so the graph does not depend on anything else. The end list
// doubles as the edge list for assembly; peak memory is about twice the final CSR.
Csr build_scale_free(std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                     std::uint32_t replication) {
  if (degree == 0) return build_ring(nodes, 0);
  const std::uint64_t k = degree;
  // Core: complete on ceil(k / 2) + 1 nodes, so the first newcomer finds enough distinct targets.
  const std::uint64_t core = std::min<std::uint64_t>((k + 1) / 2 + 1, nodes);
  // Node t >= core adds floor((t + 1) k / 2) - floor(t k / 2) links: k / 2 when k is even,
  // alternating floor and ceil when it is odd.
  const auto links_before = [&](std::uint64_t t) { return t * k / 2 - core * k / 2; };
  const std::uint64_t core_edges = core * (core - 1) / 2;
  const std::uint64_t edges = core_edges + links_before(nodes);

  BigArray<std::uint32_t> ends(2 * edges);
  std::uint64_t used = 0;
  for (std::uint32_t b = 1; b < core; ++b) {
    for (std::uint32_t a = 0; a < b; ++a) {
      ends[used++] = b;
      ends[used++] = a;
    }
  }
  std::vector<std::uint32_t> chosen;
  std::vector<std::uint64_t> picks;
  for (std::uint64_t t = core; t < nodes; ++t) {
    const std::uint64_t links = links_before(t + 1) - links_before(t);
    Stream stream = node_stream(seed, static_cast<std::uint32_t>(t), replication);
    const std::uint64_t pool = used;  // the graph as it was before t arrived
    // Draw all picks first and prefetch their ends: the reads then overlap instead of each
    // waiting its turn at memory latency. A repeated target is drawn again afterwards.
    picks.resize(links);
    for (auto& pick : picks) {
      pick = uniform_below64(stream, pool);
      __builtin_prefetch(ends.data() + pick);
    }
    chosen.clear();
    for (std::uint64_t pick : picks) {
      std::uint32_t target = ends[pick];
      while (contains(chosen, target)) target = ends[uniform_below64(stream, pool)];
      chosen.push_back(target);
    }
    for (std::uint32_t target : chosen) {
      ends[used++] = static_cast<std::uint32_t>(t);
      ends[used++] = target;
    }
  }

  return assemble(nodes, edges, [&](std::uint64_t edge, auto&& emit) {
    emit(ends[2 * edge], ends[2 * edge + 1]);
  });
}

}  // namespace cxsim::network_detail
