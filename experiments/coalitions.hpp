// The coalitions an attribution evaluates: every subset of the initiatives (exact Shapley), or
// the prefixes of random orders of them (sampled, Castro, Gomez & Tejada 2009), de-duplicated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cxsim {

struct CoalitionPlan {
  int players = 0;
  bool exact = true;
  // [coalition][player]: 1 when the player is in the coalition. Exact: coalition c holds player i
  // iff bit i of c is set (so c is its own mask: 0 the empty coalition, 2^k - 1 all).
  std::vector<std::uint8_t> members;
  // Sampled: each order of the players, [permutation][position] = player, and the coalition of
  // each of its prefixes, [permutation][j] = the coalition of its first j players (j = 0..k).
  std::vector<int> orders;
  std::vector<int> prefixes;
  int permutations = 0;

  int coalitions() const { return players > 0 ? static_cast<int>(members.size()) / players : 0; }
  bool has(int coalition, int player) const {
    return members[static_cast<std::size_t>(coalition) * players + player] != 0;
  }
  int order(int permutation, int position) const {
    return orders[static_cast<std::size_t>(permutation) * players + position];
  }
  int prefix(int permutation, int length) const {
    return prefixes[static_cast<std::size_t>(permutation) * (players + 1) + length];
  }
  int size(int coalition) const;
  // The empty coalition and the coalition of every player.
  int empty() const { return 0; }
  int full() const;
};

// All 2^k subsets of k players (k <= 30), coalition c the players of the set bits of c.
CoalitionPlan exact_coalitions(int players);

// `permutations` uniformly random orders of k players, each a Fisher-Yates shuffle on its own
// Purpose::design stream of `seed` (DesignStream::shapley_orders, the permutation's index), and
// the coalitions along them in order of first appearance: the empty one first.
CoalitionPlan sampled_coalitions(int players, int permutations, std::uint64_t seed);

// "[billing_fix, digital_app]", "[]" for the empty coalition: the players in player order.
std::string coalition_label(const CoalitionPlan& plan, int coalition,
                            const std::vector<std::string>& names);

}  // namespace cxsim
