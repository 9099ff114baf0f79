// Internal to the network builders: CSR assembly from edge proposals and exact bounded draws.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/core/rng.hpp"

namespace cxsim::network_detail {

// The two arrays of a CSR graph, as the generators hand them to Network.
struct Csr {
  std::vector<std::uint64_t> offsets;
  std::vector<std::uint32_t> neighbours;
};

// The stream of every draw made while linking one node (MODEL.md s.6: month 0, purpose network).
inline Stream node_stream(std::uint64_t seed, std::uint32_t node, std::uint32_t replication) {
  return Stream(seed, node, replication, 0, Purpose::network);
}

// Uniform on {0, ..., n - 1}, exactly (Lemire's multiply-shift with rejection): a plain
// multiply-shift would favour some nodes by up to n / 2^32, which is 0.2% at 1e7 nodes.
inline std::uint32_t uniform_below(Stream& stream, std::uint32_t n) {
  std::uint64_t m = static_cast<std::uint64_t>(stream()) * n;
  auto low = static_cast<std::uint32_t>(m);
  if (low < n) {
    const std::uint32_t threshold = (0u - n) % n;
    while (low < threshold) {
      m = static_cast<std::uint64_t>(stream()) * n;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

// Uniform on {0, ..., n - 1} for 64-bit n (preferential attachment picks among edge ends, which can
// number more than 2^32); rejection keeps it exact.
inline std::uint64_t uniform_below64(Stream& stream, std::uint64_t n) {
  if (n <= std::numeric_limits<std::uint32_t>::max()) {
    return uniform_below(stream, static_cast<std::uint32_t>(n));
  }
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() / n * n;
  for (;;) {
    const std::uint64_t hi = stream();
    const std::uint64_t x = (hi << 32) | stream();
    if (x < limit) return x % n;
  }
}

// Builds the symmetric CSR from undirected edge proposals: visit(item, emit) calls emit(u, v) for
// each edge proposed by work item `item`, and must emit the same edges every time it is called
// (it is called twice: once to count degrees, once to fill lists). Each list is then sorted and
// duplicates (two proposals of one edge) removed, so the result depends only on the set of edges
// proposed, never on the order in which threads placed them: that is what makes the relaxed
// atomics below harmless to determinism. Peak memory: the final arrays plus 4 bytes per node.
template <class Visit>
Csr assemble(std::uint32_t nodes, std::uint64_t items, const Visit& visit) {
  Csr csr;
  csr.offsets.assign(std::size_t{nodes} + 1, 0);
  std::uint64_t* const offsets = csr.offsets.data();

  // Pass 1: degrees, counted into offsets[i + 1].
  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, items),
      [&](const tbb::blocked_range<std::uint64_t>& range) {
        for (std::uint64_t item = range.begin(); item != range.end(); ++item) {
          visit(item, [&](std::uint32_t u, std::uint32_t v) {
            std::atomic_ref<std::uint64_t>(offsets[u + 1]).fetch_add(1, std::memory_order_relaxed);
            std::atomic_ref<std::uint64_t>(offsets[v + 1]).fetch_add(1, std::memory_order_relaxed);
          });
        }
      });
  for (std::uint32_t i = 0; i < nodes; ++i) offsets[i + 1] += offsets[i];

  // Pass 2: place each end in the other's list, in whatever order threads arrive.
  csr.neighbours.resize(offsets[nodes]);
  std::uint32_t* const out = csr.neighbours.data();
  std::vector<std::uint32_t> fill(nodes, 0);
  std::uint32_t* const cursor = fill.data();
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, items),
                    [&](const tbb::blocked_range<std::uint64_t>& range) {
                      for (std::uint64_t item = range.begin(); item != range.end(); ++item) {
                        visit(item, [&](std::uint32_t u, std::uint32_t v) {
                          const auto pu = std::atomic_ref<std::uint32_t>(cursor[u]).fetch_add(
                              1, std::memory_order_relaxed);
                          out[offsets[u] + pu] = v;
                          const auto pv = std::atomic_ref<std::uint32_t>(cursor[v]).fetch_add(
                              1, std::memory_order_relaxed);
                          out[offsets[v] + pv] = u;
                        });
                      }
                    });

  // Sort each list; count what survives de-duplication (reusing the cursors).
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, nodes),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                        std::uint32_t* const first = out + offsets[i];
                        std::uint32_t* const last = out + offsets[i + 1];
                        std::sort(first, last);
                        cursor[i] = static_cast<std::uint32_t>(std::unique(first, last) - first);
                      }
                    });
  std::uint64_t kept = 0;
  for (std::uint32_t i = 0; i < nodes; ++i) kept += cursor[i];
  if (kept == offsets[nodes]) return csr;

  // Rare (small-world picks that met): close the gaps, front to back, so nothing is overwritten
  // before it is read.
  std::uint64_t to = 0;
  for (std::uint32_t i = 0; i < nodes; ++i) {
    const std::uint64_t from = offsets[i];
    offsets[i] = to;
    std::copy(out + from, out + from + cursor[i], out + to);
    to += cursor[i];
  }
  offsets[nodes] = to;
  csr.neighbours.resize(to);  // no shrink_to_fit: a few spare entries beat a second copy
  return csr;
}

Csr build_ring(std::uint32_t nodes, std::uint32_t degree);
Csr build_random(std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                 std::uint32_t replication);
Csr build_small_world(std::uint32_t nodes, std::uint32_t degree, double rewire_probability,
                      std::uint64_t seed, std::uint32_t replication);
Csr build_scale_free(std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                     std::uint32_t replication);

}  // namespace cxsim::network_detail
