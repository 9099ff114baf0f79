// The customer population of one (replication, roadmap) as a struct of arrays.
#pragma once

#include <cstdint>
#include <vector>

namespace cxsim {

enum class Status : std::uint8_t { prospect = 0, active = 1, lapsed = 2 };

// Talk flags set in the "speak" pass of a month and read by every receiver in the next pass.
inline constexpr std::uint8_t kTalksPositive = 1;
inline constexpr std::uint8_t kTalksNegative = 2;

// One array per attribute so each pass streams only what it touches (DESIGN.md, hot path).
// About 34 bytes an agent.
struct Population {
  std::vector<std::uint8_t> segment;
  std::vector<Status> status;
  std::vector<std::uint8_t> talk;             // this month's talk flags
  std::vector<std::uint8_t> will_churn;       // decided in step 8, applied at the end of the month
  std::vector<std::uint16_t> tenure;          // months as a customer (saturates)
  std::vector<float> satisfaction;            // S, 0..10
  std::vector<float> expectation;             // E, 0..10
  std::vector<float> reference_price;         // R
  std::vector<float> fit;                     // a_i, persistent offer fit
  std::vector<float> base_churn;              // h0_i when the segment is heterogeneous, else unused
  std::vector<std::uint32_t> inbox_positive;  // positive messages received last month
  std::vector<std::uint32_t> inbox_negative;  // negative messages received last month

  Population() = default;
  explicit Population(std::uint32_t n)
      : segment(n),
        status(n, Status::prospect),
        talk(n),
        will_churn(n),
        tenure(n),
        satisfaction(n),
        expectation(n),
        reference_price(n),
        fit(n),
        base_churn(n),
        inbox_positive(n),
        inbox_negative(n) {}

  std::uint32_t size() const { return static_cast<std::uint32_t>(segment.size()); }

  // Bytes of state per agent (for memory estimates and the benchmark report).
  static constexpr std::size_t bytes_per_agent() {
    return 4 * sizeof(std::uint8_t) + sizeof(std::uint16_t) + 5 * sizeof(float) +
           2 * sizeof(std::uint32_t);
  }
};

}  // namespace cxsim
