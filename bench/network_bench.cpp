// Times build_network for one configuration and reports its size: `bench_network TYPE NODES
// DEGREE [REWIRE] [THREADS] [BUILDS]`. With BUILDS > 1 the network is built that many times, one
// replication after another as `cxsim run` does (each into the memory of the one before), and the
// first build and the median of the others are reported. Peak memory is the caller's to measure
// (/usr/bin/time -v).
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agents/network.hpp"

namespace {

cxsim::NetworkType parse_type(const std::string& name) {
  using cxsim::NetworkType;
  for (NetworkType t : {NetworkType::none, NetworkType::complete, NetworkType::ring,
                        NetworkType::random, NetworkType::small_world, NetworkType::scale_free}) {
    if (name == cxsim::to_string(t)) return t;
  }
  throw std::invalid_argument("unknown network type '" + name +
                              "' (none, complete, ring, random, small_world, scale_free)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s TYPE NODES DEGREE [REWIRE] [THREADS] [BUILDS]\n", argv[0]);
    return 2;
  }
  try {
    cxsim::NetworkConfig config;
    config.type = parse_type(argv[1]);
    const auto nodes = static_cast<std::uint32_t>(std::stoul(argv[2]));
    config.mean_degree = std::stoi(argv[3]);
    if (argc > 4) config.rewire_probability = std::stod(argv[4]);
    const int threads = argc > 5 ? std::stoi(argv[5]) : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);

    const int builds = argc > 6 ? std::max(std::stoi(argv[6]), 1) : 1;

    // CXSIM_NO_SPARE=1: each build in fresh memory (the last one freed first), as before
    // `cxsim run` handed a replication's network on to the next.
    const char* no_spare = std::getenv("CXSIM_NO_SPARE");
    const bool fresh = no_spare != nullptr && std::string(no_spare) == "1";
    std::vector<double> times;
    cxsim::Network net;
    for (int b = 0; b < builds; ++b) {
      cxsim::Network spare = std::move(net);  // the last build's memory, as `cxsim run` hands on
      if (fresh) spare = cxsim::Network();
      const auto start = std::chrono::steady_clock::now();
      net = cxsim::build_network(config, nodes, 1, static_cast<std::uint32_t>(b), std::move(spare));
      times.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double seconds = times.front();

    std::uint32_t max_degree = 0;
    for (std::uint32_t i = 0; i < net.nodes(); ++i)
      max_degree = std::max(max_degree, net.degree(i));
    std::printf(
        "type %s nodes %u degree %d threads %d: %.3f s, %llu edges, mean degree %.4f, "
        "max degree %u, %.1f MB (%.2f bytes per entry)\n",
        argv[1], nodes, config.mean_degree, threads, seconds,
        static_cast<unsigned long long>(net.edges()), net.mean_degree(), max_degree,
        net.memory_bytes() / 1e6, net.edges() > 0 ? net.memory_bytes() / (2.0 * net.edges()) : 0.0);
    if (builds > 1) {
      std::vector<double> later(times.begin() + 1, times.end());
      std::sort(later.begin(), later.end());
      std::printf("builds %d: first %.4f s, median of the later ones %.4f s\n", builds,
                  times.front(), later[later.size() / 2]);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_network: %s\n", e.what());
    return 1;
  }
}
