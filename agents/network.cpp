// Network accessors and build_network: input checks, then the generator for the type.
#include "agents/network.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "agents/network_build.hpp"

namespace cxsim {

std::uint64_t Network::edges() const {
  if (mean_field_) return std::uint64_t{nodes_} * (nodes_ > 0 ? nodes_ - 1 : 0) / 2;
  return neighbours_.size() / 2;
}

double Network::mean_degree() const {
  if (nodes_ == 0) return 0.0;
  return 2.0 * static_cast<double>(edges()) / static_cast<double>(nodes_);
}

std::size_t Network::memory_bytes() const {
  return sizeof(*this) + offsets_.capacity() * sizeof(std::uint64_t) +
         neighbours_.capacity() * sizeof(std::uint32_t);
}

namespace {

[[noreturn]] void reject(const NetworkConfig& config, std::uint32_t nodes, const std::string& why) {
  throw std::invalid_argument("network: " + std::string(to_string(config.type)) + " with " +
                              std::to_string(nodes) + " nodes and mean_degree " +
                              std::to_string(config.mean_degree) + ": " + why);
}

}  // namespace

Network build_network(const NetworkConfig& config, std::uint32_t nodes, std::uint64_t seed,
                      std::uint32_t replication, Network&& spare) {
  // The spare's arrays, emptied: their capacity stays for the generators to fill.
  network_detail::Csr storage{std::move(spare.offsets_), std::move(spare.neighbours_)};
  spare = Network();
  storage.offsets.clear();
  storage.neighbours.clear();
  Network network;
  network.nodes_ = nodes;
  if (config.type == NetworkType::none) return network;
  if (config.type == NetworkType::complete) {
    network.mean_field_ = true;
    return network;
  }

  if (config.mean_degree < 0) reject(config, nodes, "mean_degree must be 0 or more");
  const auto degree = static_cast<std::uint32_t>(config.mean_degree);
  if (degree > 0 && degree >= nodes) {
    reject(config, nodes,
           "mean_degree must be below the number of nodes (no self links, no "
           "repeated links)");
  }
  const bool lattice = config.type == NetworkType::ring || config.type == NetworkType::small_world;
  if (lattice && degree % 2 != 0) {
    reject(config, nodes, "mean_degree must be even (mean_degree / 2 links on each side)");
  }
  if (config.type == NetworkType::small_world &&
      !(config.rewire_probability >= 0.0 && config.rewire_probability <= 1.0)) {
    reject(
        config, nodes,
        "rewire_probability must lie in [0, 1], got " + std::to_string(config.rewire_probability));
  }

  network_detail::Csr csr;
  switch (config.type) {
    case NetworkType::ring:
      csr = network_detail::build_ring(std::move(storage), nodes, degree);
      break;
    case NetworkType::random:
      csr = network_detail::build_random(std::move(storage), nodes, degree, seed, replication);
      break;
    case NetworkType::small_world:
      csr = network_detail::build_small_world(std::move(storage), nodes, degree,
                                              config.rewire_probability, seed, replication);
      break;
    case NetworkType::scale_free:
      csr = network_detail::build_scale_free(std::move(storage), nodes, degree, seed, replication);
      break;
    case NetworkType::none:
    case NetworkType::complete:
      break;
  }
  network.offsets_ = std::move(csr.offsets);
  network.neighbours_ = std::move(csr.neighbours);
  return network;
}

}  // namespace cxsim
