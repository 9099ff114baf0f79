// The social network of one replication: an undirected graph in compressed sparse row form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "agents/big_array.hpp"
#include "engine/core/scenario.hpp"

namespace cxsim {

// Undirected social network in compressed sparse row form, built once per replication and shared
// read-only by its roadmaps (MODEL.md s.6). Neighbour lists are sorted, hold no self loops and no
// duplicates, and j is a neighbour of i exactly when i is a neighbour of j.
//
// Offsets are 64-bit: a list's start is an index into the neighbour array, whose length (twice
// the edge count) passes 2^32 at, say, 1e8 agents of mean degree 43. Four more bytes per agent
// (about 10% at mean degree 10) buy no upper limit and no second code path in the month kernel.
// Neighbours are 32-bit, as agents are numbered by std::uint32_t.
class Network {
 public:
  Network() = default;

  std::uint32_t nodes() const { return nodes_; }

  // NetworkType::complete: everyone hears everyone (Bass mean field). Nothing is stored: the month
  // kernel counts talkers globally instead of walking lists, and neighbours() is empty.
  bool mean_field() const { return mean_field_; }

  std::uint32_t degree(std::uint32_t i) const {
    // No offsets: NetworkType::none (everyone isolated) or complete (everyone else).
    if (offsets_.empty()) return mean_field_ ? nodes_ - 1 : 0;
    return static_cast<std::uint32_t>(offsets_[i + 1] - offsets_[i]);
  }

  std::span<const std::uint32_t> neighbours(std::uint32_t i) const {
    if (offsets_.empty()) return {};
    return {neighbours_.data() + offsets_[i], neighbours_.data() + offsets_[i + 1]};
  }

  // Undirected edges, each counted once; for a mean-field network, the edges it stands for.
  std::uint64_t edges() const;

  double mean_degree() const;

  // Heap bytes held by the lists plus the object itself.
  std::size_t memory_bytes() const;

  // The raw arrays (empty for none and complete): for tests, checksums and writers.
  std::span<const std::uint64_t> offsets() const { return offsets_; }
  std::span<const std::uint32_t> neighbour_array() const { return neighbours_; }

  friend bool operator==(const Network&, const Network&) = default;

 private:
  friend Network build_network(const NetworkConfig& config, std::uint32_t nodes, std::uint64_t seed,
                               std::uint32_t replication, Network&& spare);

  std::uint32_t nodes_ = 0;
  bool mean_field_ = false;
  BigArray<std::uint64_t> offsets_;     // [nodes + 1], or empty for none and complete
  BigArray<std::uint32_t> neighbours_;  // [offsets_[nodes]]
};

// Builds the network of one replication. Every random number comes from
// Stream(seed, node, replication, 0, Purpose::network) for the node whose links are being drawn,
// so the graph is a pure function of the arguments, whatever the thread count. With
// config.per_replication false the caller passes replication 0 for every replication.
//
//   none         every degree 0
//   complete     mean field, nothing stored
//   ring         each node linked to mean_degree / 2 neighbours on each side
//   random       Erdos-Renyi G(n, p), p = mean_degree / (n - 1)
//   small_world  Watts-Strogatz: the ring, then each node's forward lattice links rewired with
//                rewire_probability to uniform random nodes, never a self loop or a link the node
//                already has
//   scale_free   Barabasi-Albert: a complete core of ceil(mean_degree / 2) + 1 nodes, then each
//                new node links to mean_degree / 2 distinct earlier nodes chosen in proportion to
//                degree (an odd mean_degree alternates floor and ceil so the mean stays exact)
//
// Throws std::invalid_argument on input no graph can satisfy: a negative degree, mean_degree not
// below nodes (for ring, random, small_world, scale_free with mean_degree > 0), an odd degree for
// ring or small_world, a rewire probability outside [0, 1].
//
// `spare`: a network no longer needed, whose memory the new one may take over (its contents do
// not matter, and it is left empty). Memory that is already the process's has no pages left to
// fault in and zero; for a graph the size of the last that is about a quarter of a build.
Network build_network(const NetworkConfig& config, std::uint32_t nodes, std::uint64_t seed,
                      std::uint32_t replication, Network&& spare = Network());

}  // namespace cxsim
