// Counter-based random streams (Philox4x32-10): common random numbers and thread independence.
//
// Every draw is a pure function of (seed, agent, replication, month, purpose, index), never of
// the order in which work runs. The same agent in the same month of the same replication sees
// the same numbers under every roadmap, so roadmap differences are not noise (MODEL.md s.6).
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace cxsim {

// Named purposes keep streams apart: adding a draw for one purpose never shifts another.
enum class Purpose : std::uint32_t {
  segment = 1,       // which agents belong to which segment
  initial_status,    // which agents start as customers
  initial_state,     // initial S and E
  fit,               // persistent fit a_i (drawn at creation and at each acquisition)
  heterogeneity,     // per-agent baseline churn
  contacts,          // touchpoint contact counts
  failures,          // failures among contacts
  recovery,          // recovered failures
  experience_noise,  // month-to-month noise e in perceived performance
  purchases,         // transactional purchase counts
  churn,             // churn decision
  talk,              // whether a promoter or detractor talks this month
  broadcast,         // broadcast negative messages received
  adoption,          // acquisition and win-back decisions
  network,           // social network construction
  parameters,        // per-replication parameter draws
  design,            // experiment designs and their bootstrap resamples (experiments/)
  posterior,         // which posterior particle a replication uses (scenario key posterior)
};

// 64-bit FNV-1a folded to 32 bits: the "agent" word of a parameter's stream, from its path.
std::uint32_t path_hash(std::string_view path);

// A stream of 32-bit words for one decision; a UniformRandomBitGenerator for Boost.Random.
class Stream {
 public:
  using result_type = std::uint32_t;
  using Philox = r123::Philox4x32;

  Stream(std::uint64_t seed, std::uint32_t agent, std::uint32_t replication, std::uint32_t month,
         Purpose purpose)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{agent, replication, month * 256u + static_cast<std::uint32_t>(purpose), 0u}} {}

  // The same stream, its first block (w0..w3) already computed by philox_first_blocks: the
  // words it yields are those of the constructor above.
  Stream(std::uint64_t seed, std::uint32_t agent, std::uint32_t replication, std::uint32_t month,
         Purpose purpose, std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{agent, replication, month * 256u + static_cast<std::uint32_t>(purpose), 1u}},
        block_{{w0, w1, w2, w3}},
        pos_(0) {}

  // The same stream positioned at word `word` (its next draw), given the Philox block that holds
  // it (block word / 4, as philox_blocks computes it): for a decision that starts past the first
  // words of its stream.
  static Stream at_word(std::uint64_t seed, std::uint32_t agent, std::uint32_t replication,
                        std::uint32_t month, Purpose purpose, std::uint32_t word, std::uint32_t w0,
                        std::uint32_t w1, std::uint32_t w2, std::uint32_t w3) {
    Stream stream(seed, agent, replication, month, purpose);
    stream.ctr_.v[3] = word / 4 + 1;
    stream.block_ = {{w0, w1, w2, w3}};
    stream.pos_ = static_cast<int>(word % 4);
    return stream;
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return 0xffffffffu; }

  result_type operator()() {
    if (pos_ == 4) refill();
    return block_.v[pos_++];
  }

  // Uniform on the open interval (0, 1) with 32-bit resolution: never 0, never 1.
  double uniform() { return to_uniform((*this)()); }

  // The uniform() of a given word (for draws whose word was computed in a batch).
  static double to_uniform(result_type word) { return (static_cast<double>(word) + 0.5) * 0x1p-32; }

  // The words w with to_uniform(w) < p are exactly those below this bound, so a draw against a
  // probability fixed for many draws is one integer comparison: (w + 0.5) 2^-32 < p holds exactly
  // when the integer w is below p 2^32 - 0.5, and so below its ceiling (each step exact in double).
  static std::uint64_t words_below(double p) {
    if (!(p > 0.0)) return 0;                     // and NaN: no word is below
    if (p >= 1.0) return std::uint64_t{1} << 32;  // every word
    return static_cast<std::uint64_t>(std::ceil(p * 0x1p32 - 0.5));
  }

 private:
  // Out of line: most draws in the month kernel come from a first block computed in a batch, and
  // with the block inlined the compiler prepared its key schedule for every customer, refill or
  // not (about 40 instructions a stream).
  [[gnu::noinline]] void refill() {
    block_ = Philox()(ctr_, key_);
    ++ctr_.v[3];
    pos_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  int pos_ = 4;
};

}  // namespace cxsim
