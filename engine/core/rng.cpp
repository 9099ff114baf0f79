// Path hashing for parameter streams.
#include "engine/core/rng.hpp"

namespace cxsim {

std::uint32_t path_hash(std::string_view path) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : path) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace cxsim
