// The random-graph generators behind build_network: ring, Erdos-Renyi, Watts-Strogatz,
// Barabasi-Albert.
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "agents/network_build.hpp"

namespace cxsim::network_detail {

namespace {

bool contains(std::span<const std::uint32_t> values, std::uint32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// A small-world link that left the lattice: slot owner -> far.
struct MovedLink {
  std::uint32_t owner;
  std::uint32_t far;
};

// Sorts [first, last), of which [first, sorted_end) is in order already. Lists are short and
// mostly in order (a moved link or two out of place): an inline insertion sort does a few
// comparisons per entry, where std::sort calls memmove for every entry below the first.
void sort_list(std::uint32_t* first, std::uint32_t* sorted_end, std::uint32_t* last) {
  constexpr std::ptrdiff_t kShort = 32;
  if (last - first > kShort) {
    std::sort(first, last);
    return;
  }
  for (std::uint32_t* p = sorted_end; p < last; ++p) {
    const std::uint32_t value = *p;
    std::uint32_t* q = p;
    while (q > first && q[-1] > value) {
      *q = q[-1];
      --q;
    }
    *q = value;
  }
}

}  // namespace

void sort_and_merge_lists(std::uint32_t nodes, Csr& csr) {
  std::uint64_t* const offsets = csr.offsets.data();
  std::uint32_t* const out = csr.neighbours.data();
  // Sort each list; count repeated entries (integer sums: exact in any order).
  const std::uint64_t repeats = tbb::parallel_reduce(
      tbb::blocked_range<std::uint32_t>(0, nodes), std::uint64_t{0},
      [&](const tbb::blocked_range<std::uint32_t>& range, std::uint64_t sum) {
        for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
          std::uint32_t* const first = out + offsets[i];
          std::uint32_t* const last = out + offsets[i + 1];
          // Most lists of the generators are written in order already: one pass tells.
          std::uint32_t* p = first;
          while (p + 1 < last && p[0] < p[1]) ++p;
          if (p + 1 >= last) continue;  // strictly increasing: sorted, no repeats
          sort_list(first, p + 1, last);
          for (p = first; p + 1 < last; ++p) sum += p[0] == p[1] ? 1 : 0;
        }
        return sum;
      },
      std::plus<>());
  if (repeats == 0) return;

  // Rare (small-world picks that met): drop repeats, front to back, so nothing is overwritten
  // before it is read.
  std::uint64_t to = 0;
  std::uint64_t from = 0;
  for (std::uint32_t i = 0; i < nodes; ++i) {
    const std::uint64_t end = offsets[i + 1];
    offsets[i] = to;
    for (std::uint64_t e = from; e < end; ++e) {
      if (e == from || out[e] != out[e - 1]) out[to++] = out[e];
    }
    from = end;
  }
  offsets[nodes] = to;
  csr.neighbours.resize(to);  // no shrink_to_fit: a few spare entries beat a second copy
}

// Every list is known in advance (the cyclic window around i), so it is written directly: no
// assembly pass, no scratch memory.
Csr build_ring(Csr csr, std::uint32_t nodes, std::uint32_t degree) {
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
Csr build_random(Csr csr, std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                 std::uint32_t replication) {
  const double p = nodes > 1 ? static_cast<double>(degree) / (nodes - 1.0) : 0.0;
  const std::uint32_t items = degree == 0 ? 0 : nodes;
  const double log_q = std::log1p(-p);  // -inf when p == 1, handled below
  return assemble(std::move(csr), nodes, items, [&](std::uint64_t item, auto&& emit) {
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
Csr build_small_world(Csr csr, std::uint32_t nodes, std::uint32_t degree, double rewire_probability,
                      std::uint64_t seed, std::uint32_t replication) {
  const std::uint32_t half = degree / 2;
  const std::uint64_t n = nodes;
  const std::uint64_t slots = n * half;
  if (slots == 0) return build_ring(std::move(csr), nodes, degree);

  // v mod n for v < n + half + 1 <= 2n when half < n: one subtraction, no division per slot.
  const bool small_degree = half < n;
  const auto mod_n = [&](std::uint64_t v) {
    return static_cast<std::uint32_t>(small_degree ? (v >= n ? v - n : v) : v % n);
  };

  // Pass 1: stream.uniform() < p for each of a node's first `half` words, as one integer
  // comparison (exact: Stream::words_below). The words come from the Philox blocks of up to 256
  // nodes at once (philox_blocks, in SIMD lanes): the words each node's Stream yields.
  const std::uint64_t rewire_words = Stream::words_below(rewire_probability);
  BigArray<std::uint8_t> rewired(slots);
  const std::uint32_t blocks_per_node = (half + 3) / 4;
  constexpr std::uint32_t kBatch = 256;
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, nodes, kBatch),
      [&](const tbb::blocked_range<std::uint32_t>& range) {
        // Copies in registers: a byte store may alias anything, so through the references the
        // compiler would load `half` and the threshold again after every flag.
        const std::uint32_t h = half;
        const std::uint64_t below = rewire_words;
        std::uint8_t* const flags = rewired.data();
        std::array<std::uint32_t, kBatch> ids{};
        std::array<std::uint32_t, 4 * kBatch> words{};
        for (std::uint32_t first = range.begin(); first < range.end(); first += kBatch) {
          const std::uint32_t count = std::min<std::uint32_t>(kBatch, range.end() - first);
          for (std::uint32_t j = 0; j < count; ++j) ids[j] = first + j;
          for (std::uint32_t b = 0; b < blocks_per_node; ++b) {
            node_stream_blocks(seed, ids.data(), count, replication, b, words.data(), kBatch);
            const std::uint32_t in_block = std::min<std::uint32_t>(4, h - 4 * b);
            for (std::uint32_t w = 0; w < in_block; ++w) {
              const std::uint32_t* const word = words.data() + w * kBatch;
              std::uint8_t* const flag = flags + std::uint64_t{first} * h + 4 * b + w;
              for (std::uint32_t j = 0; j < count; ++j) {
                flag[std::uint64_t{j} * h] = word[j] < below ? 1 : 0;
              }
            }
          }
        }
      });

  // Pass 2: every slot's far end, its lattice end unless rewired; and the links that left the
  // lattice, as (owner, far end), for the lists of their far ends. Which thread holds which link
  // changes nothing: the lists are sorted at the end.
  BigArray<std::uint32_t> targets(slots);
  tbb::enumerable_thread_specific<std::vector<MovedLink>> moved_links;
  tbb::parallel_for(
      tbb::blocked_range<std::uint32_t>(0, nodes, kBatch),
      [&](const tbb::blocked_range<std::uint32_t>& range) {
        // Copies in registers: through the references, every store to a list (uint32_t, as
        // `half` is) would make the compiler load `half` again, and the flags' pointer with it.
        const std::uint32_t h = half;
        const std::uint8_t* const flags = rewired.data();
        std::uint32_t* const ends = targets.data();
        // i's links so far (at most its half forward and half backward ones); reused across the
        // block, written by index: no capacity check per entry.
        std::vector<std::uint32_t> taken(2 * std::uint64_t{h});
        std::vector<MovedLink>& moved = moved_links.local();
        std::array<std::uint32_t, kBatch> ids{};
        std::array<std::uint32_t, 4 * kBatch> words{};
        for (std::uint32_t first = range.begin(); first < range.end(); first += kBatch) {
          const std::uint32_t last = std::min<std::uint32_t>(first + kBatch, range.end());
          std::uint32_t count = 0;  // the nodes with a rewired slot
          for (std::uint32_t i = first; i < last; ++i) {
            const std::uint8_t* const mine = flags + std::uint64_t{i} * h;
            std::uint32_t* const out = ends + std::uint64_t{i} * h;
            std::uint8_t any = 0;  // the flags are 0 or 1: their OR, without a branch each
            for (std::uint32_t s = 0; s < h; ++s) {
              out[s] = mod_n(std::uint64_t{i} + s + 1);
              any |= mine[s];
            }
            if (any != 0) ids[count++] = i;
          }
          // Their streams resume past the rewiring decisions, at word `half`: its block for all
          // of them at once.
          node_stream_blocks(seed, ids.data(), count, replication, h / 4, words.data(), kBatch);
          for (std::uint32_t c = 0; c < count; ++c) {
            const std::uint32_t i = ids[c];
            const std::uint8_t* const mine = flags + std::uint64_t{i} * h;
            std::uint32_t* const out = ends + std::uint64_t{i} * h;  // lattice ends
            std::uint32_t* const held = taken.data();
            std::uint32_t t = 0;
            for (std::uint32_t s = 0; s < h; ++s) {
              held[t] = out[s];
              t += mine[s] == 0 ? 1 : 0;
            }
            for (std::uint32_t s = 1; s <= h; ++s) {
              const auto j = mod_n(std::uint64_t{i} + n - s);
              held[t] = j;
              t += flags[std::uint64_t{j} * h + (s - 1)] == 0 ? 1 : 0;
            }
            Stream stream = node_stream_at(seed, i, replication, h, words.data() + c, kBatch);
            for (std::uint32_t s = 0; s < h; ++s) {
              if (mine[s] == 0) continue;
              std::uint32_t r;
              do {
                r = uniform_below(stream, nodes);
              } while (r == i || contains({held, t}, r));
              held[t++] = r;
              // out[s] still holds the lattice end; drawn again, it is the same edge, not moved.
              if (r != out[s]) moved.push_back({i, r});
              out[s] = r;
            }
          }
        }
      });

  BigArray<std::uint8_t>().swap(rewired);  // free before the CSR is allocated

  // The lists, written directly (what assemble() makes of the slots, without its atomics): node
  // i's list holds its own slots' far ends, the nodes i - s whose slot s - 1 still points at i,
  // and the owners of moved slots that point at i. Loops run over (node, slot) pairs: no division
  // per slot.
  if (!small_degree) {
    // Degrees of at least the node count (tiny test graphs): the general path.
    return assemble(std::move(csr), nodes, slots, [&](std::uint64_t slot, auto&& emit) {
      emit(static_cast<std::uint32_t>(slot / half), targets[slot]);
    });
  }
  // Node i's backward lattice neighbour at distance s, and whether that neighbour's slot s - 1
  // (of the `h` per node in `ends`) still points at i. The passes below hand in `half` and the
  // far ends as copies in registers (see pass 2).
  const auto backward_end = [&](std::uint32_t i, std::uint32_t s) {
    return mod_n(std::uint64_t{i} + n - s);
  };
  const auto points_back = [](const std::uint32_t* ends, std::uint32_t h, std::uint32_t j,
                              std::uint32_t s, std::uint32_t i) {
    return ends[std::uint64_t{j} * h + (s - 1)] == i;
  };
  BigArray<std::uint32_t> incoming(nodes);  // moved links arriving, then a cursor per list
  std::fill(incoming.begin(), incoming.end(), 0u);
  for (const auto& links : moved_links) {
    for (const MovedLink& link : links) ++incoming[link.far];
  }
  csr.offsets.assign(std::size_t{nodes} + 1, 0);
  std::uint64_t* const offsets = csr.offsets.data();
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, nodes),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      const std::uint32_t h = half;
                      const std::uint32_t* const ends = targets.data();
                      for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                        std::uint64_t d = h + incoming[i];
                        for (std::uint32_t s = 1; s <= h; ++s) {
                          d += points_back(ends, h, backward_end(i, s), s, i) ? 1 : 0;
                        }
                        offsets[std::uint64_t{i} + 1] = d;
                      }
                    });
  for (std::uint32_t i = 0; i < nodes; ++i) offsets[i + 1] += offsets[i];
  csr.neighbours.resize(offsets[nodes]);
  std::uint32_t* const out = csr.neighbours.data();
  tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, nodes),
                    [&](const tbb::blocked_range<std::uint32_t>& range) {
                      const std::uint32_t h = half;
                      const std::uint32_t* const ends = targets.data();
                      for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                        // Backward ends from the farthest, then the forward ones: away from
                        // the ring's seam and moved slots a list comes out sorted, which is
                        // what its sort below costs least on (the order changes nothing else).
                        std::uint32_t* const list = out + offsets[i];
                        std::uint32_t t = 0;
                        // Written always, kept by the count (about one in ten is not, at
                        // random: a branch would miss on it); the list has room, as the
                        // forward ends follow.
                        for (std::uint32_t s = h; s >= 1; --s) {
                          const std::uint32_t j = backward_end(i, s);
                          list[t] = j;
                          t += points_back(ends, h, j, s, i) ? 1 : 0;
                        }
                        for (std::uint32_t s = 0; s < h; ++s) {
                          list[t++] = ends[std::uint64_t{i} * h + s];
                        }
                        incoming[i] = t;  // where the moved links arriving at i go
                      }
                    });
  // Each arriving link lands in a list far from the last one's: the places are looked up a batch
  // at a time, their lines prefetched first, so that the misses overlap.
  constexpr std::size_t kPlaceBatch = 32;
  for (const auto& links : moved_links) {
    for (std::size_t at = 0; at < links.size(); at += kPlaceBatch) {
      const std::size_t end = std::min(at + kPlaceBatch, links.size());
      for (std::size_t e = at; e < end; ++e) {
        __builtin_prefetch(offsets + links[e].far);
        __builtin_prefetch(incoming.data() + links[e].far);
      }
      for (std::size_t e = at; e < end; ++e) {
        const MovedLink& link = links[e];
        out[offsets[link.far] + incoming[link.far]++] = link.owner;
      }
    }
  }
  BigArray<std::uint32_t>().swap(incoming);
  BigArray<std::uint32_t>().swap(targets);
  sort_and_merge_lists(nodes, csr);
  return csr;
}

// Barabasi-Albert by the list of edge ends: a uniform pick from it is a node chosen in proportion
// to its degree. Sequential by nature (each node sees the graph its predecessors made), but node
// t still draws from its own stream, so the graph does not depend on anything else. The end list
// doubles as the edge list for assembly; peak memory is about twice the final CSR.
Csr build_scale_free(Csr csr, std::uint32_t nodes, std::uint32_t degree, std::uint64_t seed,
                     std::uint32_t replication) {
  if (degree == 0) return build_ring(std::move(csr), nodes, 0);
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

  return assemble(std::move(csr), nodes, edges, [&](std::uint64_t edge, auto&& emit) {
    emit(ends[2 * edge], ends[2 * edge + 1]);
  });
}

}  // namespace cxsim::network_detail
