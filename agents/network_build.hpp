// Internal to the network builders: CSR assembly from edge proposals and exact bounded draws.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "agents/big_array.hpp"
#include "engine/core/philox_batch.hpp"
#include "engine/core/rng.hpp"

namespace cxsim::network_detail {

// The two arrays of a CSR graph, as the generators hand them to Network. Each generator is given
// one, empty, to fill: memory it already holds (a spare network's) is used again.
struct Csr {
  BigArray<std::uint64_t> offsets;
  BigArray<std::uint32_t> neighbours;
};

// The stream of every draw made while linking one node (MODEL.md s.6: month 0, purpose network).
inline Stream node_stream(std::uint64_t seed, std::uint32_t node, std::uint32_t replication) {
  return Stream(seed, node, replication, 0, Purpose::network);
}

// Block `block` of the node_streams of nodes[0..n): word w of nodes[j] at words[w * stride + j].
inline void node_stream_blocks(std::uint64_t seed, const std::uint32_t* nodes, std::size_t n,
                               std::uint32_t replication, std::uint32_t block, std::uint32_t* words,
                               std::size_t stride) {
  philox_blocks(seed, nodes, n, replication, 0, Purpose::network, block, words, stride);
}

// node_stream(seed, node, replication) positioned at word `word`, given the block holding it.
inline Stream node_stream_at(std::uint64_t seed, std::uint32_t node, std::uint32_t replication,
                             std::uint32_t word, const std::uint32_t* words, std::size_t stride) {
  return Stream::at_word(seed, node, replication, 0, Purpose::network, word, words[0],
                         words[stride], words[2 * stride], words[3 * stride]);
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

// Edges are handled in batches so that the cache misses on the far ends' counters overlap: a
// locked read-modify-write waits for its line, so one at a time they would run at memory latency.
// Prefetching a batch first lets the lines arrive together.
class EdgeBatch {
 public:
  static constexpr int kSize = 64;

  bool push(std::uint32_t u, std::uint32_t v) {
    u_[size_] = u;
    v_[size_] = v;
    return ++size_ == kSize;
  }

  // Pass 1: one more link for each end.
  void count(std::uint64_t* counts) {
    for (int e = 0; e < size_; ++e) {
      __builtin_prefetch(counts + u_[e], 1);
      __builtin_prefetch(counts + v_[e], 1);
    }
    for (int e = 0; e < size_; ++e) {
      std::atomic_ref<std::uint64_t>(counts[u_[e]]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref<std::uint64_t>(counts[v_[e]]).fetch_add(1, std::memory_order_relaxed);
    }
    size_ = 0;
  }

  // Pass 2: each end claims a place in its list and writes the other end there.
  void place(std::uint64_t* cursors, std::uint32_t* out) {
    for (int e = 0; e < size_; ++e) {
      __builtin_prefetch(cursors + u_[e], 1);
      __builtin_prefetch(cursors + v_[e], 1);
    }
    for (int e = 0; e < size_; ++e) {
      at_u_[e] =
          std::atomic_ref<std::uint64_t>(cursors[u_[e]]).fetch_add(1, std::memory_order_relaxed);
      at_v_[e] =
          std::atomic_ref<std::uint64_t>(cursors[v_[e]]).fetch_add(1, std::memory_order_relaxed);
    }
    for (int e = 0; e < size_; ++e) {
      out[at_u_[e]] = v_[e];
      out[at_v_[e]] = u_[e];
    }
    size_ = 0;
  }

 private:
  int size_ = 0;
  std::uint32_t u_[kSize];
  std::uint32_t v_[kSize];
  std::uint64_t at_u_[kSize];
  std::uint64_t at_v_[kSize];
};

// Sorts each list of a CSR whose lists hold every end of every proposed edge, and drops repeated
// entries (two proposals of one edge), so the result depends only on the set of edges proposed.
void sort_and_merge_lists(std::uint32_t nodes, Csr& csr);

// Builds the symmetric CSR from undirected edge proposals: visit(item, emit) calls emit(u, v) for
// each edge proposed by work item `item`, and must emit the same edges every time it is called
// (it is called twice: once to count degrees, once to fill lists). Each list is then sorted and
// duplicates (two proposals of one edge) removed, so the result depends only on the set of edges
// proposed, never on the order in which threads placed them: that is what makes the relaxed
// atomics harmless to determinism. Peak memory: the final arrays, nothing more. `csr`: the
// storage to fill (empty).
template <class Visit>
Csr assemble(Csr csr, std::uint32_t nodes, std::uint64_t items, const Visit& visit) {
  csr.offsets.assign(std::size_t{nodes} + 1, 0);
  std::uint64_t* const offsets = csr.offsets.data();

  // Pass 1: degrees, counted into offsets[i + 1].
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, items),
                    [&](const tbb::blocked_range<std::uint64_t>& range) {
                      EdgeBatch batch;
                      for (std::uint64_t item = range.begin(); item != range.end(); ++item) {
                        visit(item, [&](std::uint32_t u, std::uint32_t v) {
                          if (batch.push(u, v)) batch.count(offsets + 1);
                        });
                      }
                      batch.count(offsets + 1);
                    });
  for (std::uint32_t i = 0; i < nodes; ++i) offsets[i + 1] += offsets[i];

  // Pass 2: place each end in the other's list, in whatever order threads arrive. offsets[i]
  // serves as i's insertion cursor (no cursor array, one cache miss per end rather than two), and
  // ends as the start of list i + 1.
  csr.neighbours.resize(offsets[nodes]);
  std::uint32_t* const out = csr.neighbours.data();
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, items),
                    [&](const tbb::blocked_range<std::uint64_t>& range) {
                      EdgeBatch batch;
                      for (std::uint64_t item = range.begin(); item != range.end(); ++item) {
                        visit(item, [&](std::uint32_t u, std::uint32_t v) {
                          if (batch.push(u, v)) batch.place(offsets, out);
                        });
                      }
                      batch.place(offsets, out);
                    });
  std::copy_backward(offsets, offsets + nodes, offsets + nodes + 1);
  offsets[0] = 0;

  sort_and_merge_lists(nodes, csr);
  return csr;
}

// Each fills `csr` (empty storage, possibly with capacity) and returns it.
Csr build_ring(Csr csr, std::uint32_t nodes, std::uint32_t degree);
Csr build_random(Csr csr, std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                 std::uint32_t replication);
Csr build_small_world(Csr csr, std::uint32_t nodes, std::uint32_t degree, double rewire_probability,
                      std::uint64_t seed, std::uint32_t replication);
Csr build_scale_free(Csr csr, std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                     std::uint32_t replication);

}  // namespace cxsim::network_detail
