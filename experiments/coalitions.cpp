// Coalitions of an attribution: subsets by bit mask, or the prefixes of shuffled orders.
#include "experiments/coalitions.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include "experiments/design_streams.hpp"

namespace cxsim {

int CoalitionPlan::size(int coalition) const {
  int n = 0;
  for (int i = 0; i < players; ++i) n += has(coalition, i) ? 1 : 0;
  return n;
}

int CoalitionPlan::full() const {
  if (exact) return coalitions() - 1;
  return permutations > 0 ? prefix(0, players) : 0;
}

CoalitionPlan exact_coalitions(int players) {
  if (players < 1 || players > 30) {
    throw std::invalid_argument("exact_coalitions: players must be in 1..30");
  }
  CoalitionPlan plan;
  plan.players = players;
  plan.exact = true;
  const std::size_t n = std::size_t{1} << players;
  plan.members.resize(n * static_cast<std::size_t>(players));
  for (std::size_t c = 0; c < n; ++c) {
    for (int i = 0; i < players; ++i) {
      plan.members[c * static_cast<std::size_t>(players) + static_cast<std::size_t>(i)] =
          (c >> i) & 1u;
    }
  }
  return plan;
}

CoalitionPlan sampled_coalitions(int players, int permutations, std::uint64_t seed) {
  if (players < 1 || permutations < 1) {
    throw std::invalid_argument("sampled_coalitions: players and permutations must be >= 1");
  }
  CoalitionPlan plan;
  plan.players = players;
  plan.exact = false;
  plan.permutations = permutations;
  const auto k = static_cast<std::size_t>(players);
  // Coalitions by their members as a string of 0 and 1 bytes, in order of first appearance.
  std::map<std::string, int> index;
  auto coalition_of = [&](const std::vector<std::uint8_t>& members) {
    const auto [it, inserted] =
        index.emplace(std::string(members.begin(), members.end()), static_cast<int>(index.size()));
    if (inserted) plan.members.insert(plan.members.end(), members.begin(), members.end());
    return it->second;
  };
  std::vector<std::uint8_t> members(k, 0);
  coalition_of(members);  // the empty coalition is coalition 0
  std::vector<int> order(k);
  for (int p = 0; p < permutations; ++p) {
    std::iota(order.begin(), order.end(), 0);
    Stream stream =
        design_stream(seed, DesignStream::shapley_orders, static_cast<std::uint32_t>(p));
    for (std::size_t i = k - 1; i > 0; --i) {
      // j uniform in 0..i: uniform() lies in (0, 1), so the floor is at most i.
      const auto j =
          std::min(i, static_cast<std::size_t>(stream.uniform() * static_cast<double>(i + 1)));
      std::swap(order[i], order[j]);
    }
    plan.orders.insert(plan.orders.end(), order.begin(), order.end());
    std::fill(members.begin(), members.end(), 0);
    plan.prefixes.push_back(coalition_of(members));
    for (std::size_t j = 0; j < k; ++j) {
      members[static_cast<std::size_t>(order[j])] = 1;
      plan.prefixes.push_back(coalition_of(members));
    }
  }
  return plan;
}

std::string coalition_label(const CoalitionPlan& plan, int coalition,
                            const std::vector<std::string>& names) {
  std::string out = "[";
  bool first = true;
  for (int i = 0; i < plan.players; ++i) {
    if (!plan.has(coalition, i)) continue;
    out += (first ? "" : ", ") + names[static_cast<std::size_t>(i)];
    first = false;
  }
  return out + "]";
}

}  // namespace cxsim
