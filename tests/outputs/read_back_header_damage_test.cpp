// The read back refuses a file whose root object header has a continuation chunk that fails its
// checksum. HDF5 reports such a chunk only at its first load: asked again, it answers from the
// chunks it could read, so a link in the bad chunk reads as absent (the file would pass for one
// written before cxsim kept digests). Every continuation chunk of the root header is damaged in
// turn; the untouched file is the negative control.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fake_results.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/results_writer.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::fake_result;
using testing::fake_scenario;
using testing::read_back_verdict;
using testing::TempDir;

struct Chunk {
  std::uint64_t address = 0;
  std::uint64_t length = 0;
};

std::vector<unsigned char> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint64_t little_endian(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// The continuation chunks named in chunk 0 of the version-2 object header at `at` (HDF5's file
// format specification, "Version 2 Object Header"; offsets and lengths of 8 bytes).
std::vector<Chunk> continuation_chunks(const std::vector<unsigned char>& bytes, std::uint64_t at) {
  const unsigned char* p = bytes.data() + at;
  EXPECT_EQ(std::memcmp(p, "OHDR", 4), 0) << "no version-2 object header at " << at;
  const unsigned flags = p[5];
  std::size_t pos = 6;
  if ((flags & 0x20) != 0) pos += 16;  // access, modification, change and birth times
  if ((flags & 0x10) != 0) pos += 4;   // attribute phase change values
  const int size_bytes = 1 << (flags & 0x03);
  const std::uint64_t chunk0 = little_endian(p + pos, size_bytes);
  pos += static_cast<std::size_t>(size_bytes);
  const std::size_t end = pos + chunk0;
  const std::size_t prefix = (flags & 0x04) != 0 ? 6 : 4;  // type, size, flags[, creation order]
  std::vector<Chunk> out;
  while (pos + prefix <= end) {
    const unsigned type = p[pos];
    const auto size = static_cast<std::size_t>(little_endian(p + pos + 1, 2));
    if (type == 0x10)
      out.push_back({little_endian(p + pos + prefix, 8), little_endian(p + pos + prefix + 8, 8)});
    pos += prefix + size;
  }
  return out;
}

TEST(ReadBackHeaderDamage, ABadContinuationChunkOfTheRootHeaderIsDamage) {
  const TempDir dir("read_back_header");
  const auto out = dir / "run.h5";
  const Scenario s = fake_scenario();
  WriterOptions options;
  options.sync = false;
  {
    auto w = ResultsWriter::create(out, s, {}, false, options);
    for (std::int64_t r = 0; r < s.replications; ++r) w->write(fake_result(s, r));
    w->finish();
  }
  ASSERT_EQ(read_back_verdict(out), "whole");
  H5O_info_t root{};
  {
    const h5::File f(H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    ASSERT_TRUE(f.valid());
    ASSERT_GE(H5Oget_info2(f.get(), &root, H5O_INFO_BASIC), 0);
  }
  const std::vector<unsigned char> bytes = read_bytes(out);
  const std::vector<Chunk> chunks = continuation_chunks(bytes, root.addr);
  ASSERT_FALSE(chunks.empty()) << "the root header has no continuation chunk to damage";
  for (const Chunk& c : chunks) {
    ASSERT_EQ(std::memcmp(bytes.data() + c.address, "OCHK", 4), 0) << c.address;
    const auto damaged = dir / ("damaged_" + std::to_string(c.address) + ".h5");
    std::vector<unsigned char> copy = bytes;
    copy[c.address + c.length / 2] ^= 0xff;  // the checksum covers the whole chunk
    std::ofstream(damaged, std::ios::binary)
        .write(reinterpret_cast<const char*>(copy.data()),
               static_cast<std::streamsize>(copy.size()));
    const std::string what = read_back_verdict(damaged);
    EXPECT_NE(what.find("is damaged"), std::string::npos)
        << "chunk at " << c.address << " (" << c.length << " bytes): " << what;
  }
}

}  // namespace
}  // namespace cxsim
