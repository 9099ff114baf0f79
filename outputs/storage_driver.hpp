// The HDF5 file driver results files are written through: POSIX I/O whose every write, flush
// and close is checked, a flush that reaches the disk (fdatasync), and faults a test can inject.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "outputs/hdf5_handles.hpp"

namespace cxsim::h5 {

// Storage faults to inject (tests only; never set in a normal run).
struct StorageFaults {
  std::int64_t fail_call = 0;    // the k-th write, flush or truncate (1-based) fails; 0: none
  std::int64_t full_after = -1;  // the disk is full past this many bytes of the file; -1: never

  bool any() const { return fail_call > 0 || full_after >= 0; }
  // "call=K" or "bytes=N" (what the CXSIM_STORAGE_FAULT test hook holds); IoError otherwise.
  static StorageFaults parse(std::string_view text);
};

// What happened to one file's storage, shared by the driver and the writer; it outlives the
// file. After the first failure the driver leaves the file as it was on disk at that moment:
// later writes, flushes and truncations report success to HDF5 but do nothing. HDF5 never sees
// the failure (its error paths after a failed write or close are where it crashes), so the
// writer checks failed() after every step instead.
struct StorageState {
  StorageFaults faults;
  bool sync = true;           // fdatasync on every flush (tests that need no durability skip it)
  std::int64_t calls = 0;     // writes, flushes and truncations so far
  std::uint64_t written = 0;  // the highest file offset written + 1
  std::string failure;        // the first failure in words; empty while there was none
  std::string open_error;     // why the last open() of the file failed, in words

  bool failed() const { return !failure.empty(); }
};

// A file access property list for writing results files: this driver reporting into `state`
// (which must outlive every file opened with it), HDF5 1.10 format bounds (checksummed
// metadata), strong close. Throws IoError when HDF5 refuses a setting. The driver takes no HDF5
// file lock (outputs/output_lock.hpp excludes other writers), so HDF5 never marks the
// superblock as being written: a .partial whose writer was killed opens like any other file.
PropertyList writing_fapl(StorageState* state);

}  // namespace cxsim::h5
