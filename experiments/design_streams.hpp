// The random streams of the experiments layer: one Purpose::design stream family per use.
#pragma once

#include <cstdint>

#include "engine/core/rng.hpp"

namespace cxsim {

// The "agent" word of a Purpose::design stream. Each use has its own, so a design and the
// bootstrap of its estimates never share numbers, and adding a use never shifts another.
// The "replication" word then numbers the factor, trajectory or resample within the use.
enum class DesignStream : std::uint32_t {
  lhs = 1,           // Latin hypercube: one stream per factor
  sobol_shift,       // the digital shift of a Sobol sequence: one word per dimension
  morris,            // Morris trajectories: one stream per trajectory
  sobol_bootstrap,   // resampled rows of a Sobol study: one stream per resample
  morris_bootstrap,  // resampled trajectories of a Morris study: one stream per resample
  shapley_orders,    // random orders of an attribution's initiatives: one stream per order
  // Resampled first stages of cxsim optimize with a percentile objective: one stream per
  // resample (a value of its own, apart from the uses above and any added after them).
  optimize_bootstrap = 16,
  // The proposals of cxsim calibrate (ABC-SMC): one stream per proposal, the generation in the
  // stream's month word (abc_stream).
  abc_proposals = 17,
};

// The stream of one use; index is the factor, trajectory or resample.
inline Stream design_stream(std::uint64_t seed, DesignStream use, std::uint32_t index) {
  return Stream(seed, static_cast<std::uint32_t>(use), index, 0, Purpose::design);
}

// The stream of proposal `index` of ABC-SMC generation `generation`.
inline Stream abc_stream(std::uint64_t seed, std::uint32_t generation, std::uint32_t index) {
  return Stream(seed, static_cast<std::uint32_t>(DesignStream::abc_proposals), index, generation,
                Purpose::design);
}

}  // namespace cxsim
