// First Philox blocks of many agents' streams at once, in SIMD lanes: the same bits as
// Stream, computed for a batch of agents so the month kernel pays a fraction of a Philox call per
// draw.
//
// Philox is integer arithmetic only (32-bit multiplies, xors, adds), so a vectorised evaluation
// gives exactly the words r123::Philox4x32 gives: results do not depend on the instruction set.
// The .cpp picks AVX-512, AVX2 or scalar code at run time (__builtin_cpu_supports); the build
// itself stays generic (no -march).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/core/rng.hpp"

namespace cxsim {

// For j < n, the first block (counter index 0) of Stream(seed, agents[j], replication, month,
// purpose): words[w * stride + j] is its word w (stride >= n), so words[j] is the stream's first
// draw.
void philox_first_blocks(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                         std::uint32_t replication, std::uint32_t month, Purpose purpose,
                         std::uint32_t* words, std::size_t stride);

// Block `block_index` (counter index; 0 is the first block) of the same streams: words
// 4 block_index .. 4 block_index + 3 of each, laid out as above. Lets a decision that takes more
// than four words of every stream (a network node's rewiring flags) batch all of them.
void philox_blocks(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                   std::uint32_t replication, std::uint32_t month, Purpose purpose,
                   std::uint32_t block_index, std::uint32_t* words, std::size_t stride);

// Only the first word of each of those blocks (the one draw most decisions need):
// first[j] = words[j] above.
void philox_first_words(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                        std::uint32_t replication, std::uint32_t month, Purpose purpose,
                        std::uint32_t* first);

// The instruction sets the batch can use; tests run each one the processor has against Stream.
enum class PhiloxIsa { scalar, avx2, avx512 };
bool philox_isa_supported(PhiloxIsa isa);
void philox_blocks_using(PhiloxIsa isa, std::uint64_t seed, const std::uint32_t* agents,
                         std::size_t n, std::uint32_t replication, std::uint32_t month,
                         Purpose purpose, std::uint32_t block_index, std::uint32_t* words,
                         std::size_t stride);

}  // namespace cxsim
