// Philox4x32-10 over SIMD lanes (Random123's round function, one agent per lane).
#include "engine/core/philox_batch.hpp"

#include <immintrin.h>

#include <algorithm>

namespace cxsim {

namespace {

constexpr std::uint32_t kM0 = 0xD2511F53u;  // PHILOX_M4x32_0
constexpr std::uint32_t kM1 = 0xCD9E8D57u;  // PHILOX_M4x32_1
constexpr std::uint32_t kW0 = 0x9E3779B9u;  // PHILOX_W32_0
constexpr std::uint32_t kW1 = 0xBB67AE85u;  // PHILOX_W32_1

// Where the words go: word w of agent j at out[w * stride + j]; only word 0 when !all_words.
struct Out {
  std::uint32_t* words;
  std::size_t stride;
  bool all_words;
};

void batch_scalar(std::uint32_t key0, std::uint32_t key1, const std::uint32_t* agents,
                  std::size_t lo, std::size_t n, std::uint32_t replication, std::uint32_t word2,
                  std::uint32_t block_index, const Out& out) {
  const Stream::Philox::key_type key = {{key0, key1}};
  for (std::size_t j = lo; j < n; ++j) {
    const Stream::Philox::ctr_type ctr = {{agents[j], replication, word2, block_index}};
    const Stream::Philox::ctr_type block = Stream::Philox()(ctr, key);
    out.words[j] = block.v[0];
    if (out.all_words) {
      out.words[out.stride + j] = block.v[1];
      out.words[2 * out.stride + j] = block.v[2];
      out.words[3 * out.stride + j] = block.v[3];
    }
  }
}

// GCC 12's AVX-512 intrinsics start from _mm512_undefined_epi32(), which -Wmaybe-uninitialized
// reports once inlined (a false positive of the header, not of this code).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// 32 x 32 -> 64 multiplies of the even and the odd 32-bit lanes, recombined into lo and hi
// words per lane: the mulhilo of Random123, 16 (AVX-512) or 8 (AVX2) lanes at a time.
__attribute__((target("avx512f"))) std::size_t batch_avx512(
    std::uint32_t key0, std::uint32_t key1, const std::uint32_t* agents, std::size_t n,
    std::uint32_t replication, std::uint32_t word2, std::uint32_t block_index, const Out& out) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  constexpr __mmask16 odd = 0xAAAA;
  std::size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    __m512i x0 = _mm512_loadu_si512(agents + j);
    __m512i x1 = _mm512_set1_epi32(static_cast<int>(replication));
    __m512i x2 = _mm512_set1_epi32(static_cast<int>(word2));
    __m512i x3 = _mm512_set1_epi32(static_cast<int>(block_index));
    std::uint32_t k0 = key0;
    std::uint32_t k1 = key1;
    for (int round = 0; round < 10; ++round) {
      const __m512i p0e = _mm512_mul_epu32(x0, m0);
      const __m512i p0o = _mm512_mul_epu32(_mm512_srli_epi64(x0, 32), m0);
      const __m512i p1e = _mm512_mul_epu32(x2, m1);
      const __m512i p1o = _mm512_mul_epu32(_mm512_srli_epi64(x2, 32), m1);
      const __m512i lo0 = _mm512_mask_blend_epi32(odd, p0e, _mm512_slli_epi64(p0o, 32));
      const __m512i hi0 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(p0e, 32), p0o);
      const __m512i lo1 = _mm512_mask_blend_epi32(odd, p1e, _mm512_slli_epi64(p1o, 32));
      const __m512i hi1 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(p1e, 32), p1o);
      x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm512_storeu_si512(out.words + j, x0);
    if (out.all_words) {
      _mm512_storeu_si512(out.words + out.stride + j, x1);
      _mm512_storeu_si512(out.words + 2 * out.stride + j, x2);
      _mm512_storeu_si512(out.words + 3 * out.stride + j, x3);
    }
  }
  return j;
}

#pragma GCC diagnostic pop

__attribute__((target("avx2"))) std::size_t batch_avx2(std::uint32_t key0, std::uint32_t key1,
                                                       const std::uint32_t* agents, std::size_t n,
                                                       std::uint32_t replication,
                                                       std::uint32_t word2,
                                                       std::uint32_t block_index, const Out& out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(agents + j));
    __m256i x1 = _mm256_set1_epi32(static_cast<int>(replication));
    __m256i x2 = _mm256_set1_epi32(static_cast<int>(word2));
    __m256i x3 = _mm256_set1_epi32(static_cast<int>(block_index));
    std::uint32_t k0 = key0;
    std::uint32_t k1 = key1;
    for (int round = 0; round < 10; ++round) {
      const __m256i p0e = _mm256_mul_epu32(x0, m0);
      const __m256i p0o = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
      const __m256i p1e = _mm256_mul_epu32(x2, m1);
      const __m256i p1o = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
      const __m256i lo0 = _mm256_blend_epi32(p0e, _mm256_slli_epi64(p0o, 32), 0xAA);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(p0e, 32), p0o, 0xAA);
      const __m256i lo1 = _mm256_blend_epi32(p1e, _mm256_slli_epi64(p1o, 32), 0xAA);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(p1e, 32), p1o, 0xAA);
      x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(k0)));
      x1 = lo1;
      x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(k1)));
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.words + j), x0);
    if (out.all_words) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.words + out.stride + j), x1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.words + 2 * out.stride + j), x2);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.words + 3 * out.stride + j), x3);
    }
  }
  return j;
}

using BatchFn = std::size_t (*)(std::uint32_t, std::uint32_t, const std::uint32_t*, std::size_t,
                                std::uint32_t, std::uint32_t, std::uint32_t, const Out&);

std::size_t batch_none(std::uint32_t, std::uint32_t, const std::uint32_t*, std::size_t,
                       std::uint32_t, std::uint32_t, std::uint32_t, const Out&) {
  return 0;
}

BatchFn batch_for(PhiloxIsa isa) {
  switch (isa) {
    case PhiloxIsa::avx512:
      return batch_avx512;
    case PhiloxIsa::avx2:
      return batch_avx2;
    case PhiloxIsa::scalar:
      break;
  }
  return batch_none;
}

// Chosen once, from what the processor running the program supports.
BatchFn pick_batch() {
  if (philox_isa_supported(PhiloxIsa::avx512)) return batch_avx512;
  if (philox_isa_supported(PhiloxIsa::avx2)) return batch_avx2;
  return batch_none;
}

void batch(BatchFn vector_part, std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
           std::uint32_t replication, std::uint32_t month, Purpose purpose,
           std::uint32_t block_index, const Out& out) {
  const auto key0 = static_cast<std::uint32_t>(seed);
  const auto key1 = static_cast<std::uint32_t>(seed >> 32);
  const std::uint32_t word2 = month * 256u + static_cast<std::uint32_t>(purpose);
  const std::size_t done = vector_part(key0, key1, agents, n, replication, word2, block_index, out);
  batch_scalar(key0, key1, agents, done, n, replication, word2, block_index, out);
}

BatchFn best_batch() {
  static const BatchFn best = pick_batch();
  return best;
}

}  // namespace

void philox_first_blocks(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                         std::uint32_t replication, std::uint32_t month, Purpose purpose,
                         std::uint32_t* words, std::size_t stride) {
  batch(best_batch(), seed, agents, n, replication, month, purpose, 0, Out{words, stride, true});
}

void philox_blocks(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                   std::uint32_t replication, std::uint32_t month, Purpose purpose,
                   std::uint32_t block_index, std::uint32_t* words, std::size_t stride) {
  batch(best_batch(), seed, agents, n, replication, month, purpose, block_index,
        Out{words, stride, true});
}

void philox_first_words(std::uint64_t seed, const std::uint32_t* agents, std::size_t n,
                        std::uint32_t replication, std::uint32_t month, Purpose purpose,
                        std::uint32_t* first) {
  batch(best_batch(), seed, agents, n, replication, month, purpose, 0, Out{first, 0, false});
}

bool philox_isa_supported(PhiloxIsa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case PhiloxIsa::avx512:
      return __builtin_cpu_supports("avx512f");
    case PhiloxIsa::avx2:
      return __builtin_cpu_supports("avx2");
    case PhiloxIsa::scalar:
      break;
  }
  return true;
}

void philox_blocks_using(PhiloxIsa isa, std::uint64_t seed, const std::uint32_t* agents,
                         std::size_t n, std::uint32_t replication, std::uint32_t month,
                         Purpose purpose, std::uint32_t block_index, std::uint32_t* words,
                         std::size_t stride) {
  batch(batch_for(isa), seed, agents, n, replication, month, purpose, block_index,
        Out{words, stride, true});
}

}  // namespace cxsim
