// The batched Philox blocks are the words Stream yields, on every instruction set.
#include "engine/core/philox_batch.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace cxsim {
namespace {

TEST(PhiloxBatch, BlocksEqualStreamWordsOnEveryInstructionSet) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  std::vector<std::uint32_t> agents;
  for (std::uint32_t i = 0; i < 300; ++i) agents.push_back(i * 2654435761u);  // lanes differ
  for (PhiloxIsa isa : {PhiloxIsa::scalar, PhiloxIsa::avx2, PhiloxIsa::avx512}) {
    if (!philox_isa_supported(isa)) continue;
    for (std::uint32_t block : {0u, 1u, 2u, 7u}) {
      for (std::size_t n : {0, 1, 7, 8, 15, 16, 17, 33, 300}) {
        const std::size_t stride = 301;
        std::vector<std::uint32_t> words(4 * stride, 0);
        philox_blocks_using(isa, seed, agents.data(), n, 77, 13, Purpose::churn, block,
                            words.data(), stride);
        for (std::size_t j = 0; j < n; ++j) {
          Stream stream(seed, agents[j], 77, 13, Purpose::churn);
          for (std::uint32_t skip = 0; skip < 4 * block; ++skip) stream();
          for (std::size_t w = 0; w < 4; ++w) {
            ASSERT_EQ(words[w * stride + j], stream())
                << "isa " << static_cast<int>(isa) << " block " << block << " n " << n << " agent "
                << j << " word " << w;
          }
        }
      }
    }
  }
}

TEST(PhiloxBatch, StreamFromABatchedBlockContinuesTheStream) {
  const std::uint64_t seed = 42;
  const std::vector<std::uint32_t> agents = {0, 5, 99999, 0xffffffffu};
  std::vector<std::uint32_t> words(4 * agents.size());
  philox_first_blocks(seed, agents.data(), agents.size(), 3, 36, Purpose::failures, words.data(),
                      agents.size());
  std::vector<std::uint32_t> first(agents.size());
  philox_first_words(seed, agents.data(), agents.size(), 3, 36, Purpose::failures, first.data());
  std::vector<std::uint32_t> block0(4 * agents.size());
  philox_blocks(seed, agents.data(), agents.size(), 3, 36, Purpose::failures, 0, block0.data(),
                agents.size());
  EXPECT_EQ(block0, words);
  const std::size_t n = agents.size();
  for (std::size_t j = 0; j < n; ++j) {
    EXPECT_EQ(first[j], words[j]);
    Stream plain(seed, agents[j], 3, 36, Purpose::failures);
    Stream batched(seed, agents[j], 3, 36, Purpose::failures, words[j], words[n + j],
                   words[2 * n + j], words[3 * n + j]);
    for (int draw = 0; draw < 13; ++draw) ASSERT_EQ(batched(), plain()) << "draw " << draw;
  }
}

TEST(PhiloxBatch, StreamAtAWordOfABatchedBlockContinuesTheStream) {
  const std::uint64_t seed = 7;
  const std::vector<std::uint32_t> agents = {1, 2, 3, 40000, 0xfffffffeu};
  const std::size_t n = agents.size();
  for (std::uint32_t word : {0u, 1u, 3u, 4u, 5u, 11u, 30u}) {
    std::vector<std::uint32_t> words(4 * n);
    philox_blocks(seed, agents.data(), n, 2, 0, Purpose::network, word / 4, words.data(), n);
    for (std::size_t j = 0; j < n; ++j) {
      Stream plain(seed, agents[j], 2, 0, Purpose::network);
      for (std::uint32_t skip = 0; skip < word; ++skip) plain();
      Stream batched = Stream::at_word(seed, agents[j], 2, 0, Purpose::network, word, words[j],
                                       words[n + j], words[2 * n + j], words[3 * n + j]);
      for (int draw = 0; draw < 9; ++draw) {
        ASSERT_EQ(batched(), plain()) << "word " << word << " agent " << j << " draw " << draw;
      }
    }
  }
}

}  // namespace
}  // namespace cxsim
