// Whether a results file reads back whole and holds what was written: every dataset readable
// (HDF5 checks Fletcher-32 on chunks and the checksums of its metadata), the layout as created,
// each written replication's values as written (SHA-256 digests kept under /run).
#pragma once

#include <hdf5.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/core/errors.hpp"

namespace cxsim {

// A results file whose content cannot be trusted: unreadable, or not what was written.
class DamagedFile : public IoError {
 public:
  using IoError::IoError;
};

// Run bookkeeping (RESULTS.md: comparisons of results skip /run/).
inline constexpr const char* kRunGroup = "run";
// [replication] 64-character hex SHA-256 of each written replication's values ("" until
// written); its attribute `datasets` lists the datasets covered, in digest order.
inline constexpr const char* kReplicationDigests = "run/replication_sha256";
inline constexpr const char* kDigestDatasets = "datasets";
// Attribute of /run: the digest of what create() wrote once (layout_digest).
inline constexpr const char* kLayoutDigest = "layout_sha256";

// SHA-256 of what a results file holds from its creation on and never changes: the root
// attributes (but complete and resumed_*), every dataset's name, type, shape and attributes, and
// the values of the datasets that are not chunked (/scenario, /coords).
std::string layout_digest(hid_t file, const std::filesystem::path& path);

// Reads every dataset in full, slab by slab; DamagedFile naming the first that fails.
void check_readable(hid_t file, const std::filesystem::path& path);

// Every dataset read in full and, in files that have /run, the layout digest and the digest of
// every replication marked in /done checked, in one walk over the file and one read of each
// digested dataset. DamagedFile "<path>: is damaged: <what>" when anything fails.
void verify_results(hid_t file, const std::filesystem::path& path);

// Opens `path` read-only, as any HDF5 reader does, and verifies it, in a child process: HDF5
// 1.10 crashes on some damage (a damaged global heap, where variable-length strings live, has
// no checksum), and a crash there is reported as damage, never a crash of this process.
// DamagedFile when it is damaged. Some damage makes HDF5 loop: a child still reading after
// `limit` is ended and the file called damaged.
void verify_results_file(const std::filesystem::path& path, std::chrono::seconds limit);
// The same within read_back_time_limit(path).
void verify_results_file(const std::filesystem::path& path);

// How long a read back may take: 120 s plus 1 s per 4 MiB of the file, or the whole seconds in
// the environment variable CXSIM_READ_BACK_SECONDS (at least 1) where it is set.
std::chrono::seconds read_back_time_limit(const std::filesystem::path& path);

}  // namespace cxsim
