// A POSIX HDF5 virtual file driver (the shape of HDF5's sec2) that checks every system call,
// records the first failure instead of returning it to HDF5, and can inject faults.
#include "outputs/storage_driver.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

#include "engine/core/errors.hpp"

namespace cxsim::h5 {

namespace {

constexpr haddr_t kMaxAddr = (static_cast<haddr_t>(1) << 62) - 1;

// What the property list carries for this driver.
struct DriverInfo {
  StorageState* state = nullptr;
};

struct CheckedFile {
  H5FD_t pub;  // HDF5's part; must come first
  int fd = -1;
  haddr_t eoa = 0;
  haddr_t eof = 0;
  dev_t device = 0;
  ino_t inode = 0;
  bool writable = false;
  StorageState* state = nullptr;
};

CheckedFile* cast(H5FD_t* f) {
  return reinterpret_cast<CheckedFile*>(f);
}
const CheckedFile* cast(const H5FD_t* f) {
  return reinterpret_cast<const CheckedFile*>(f);
}

// Records the first failure. With a state, HDF5 is told all went well (see StorageState);
// without one (never in cxsim), the failure is returned as usual.
herr_t fail(CheckedFile* f, const std::string& what) {
  if (f->state == nullptr) return -1;
  if (f->state->failure.empty()) f->state->failure = what;
  return 0;
}

bool poisoned(const CheckedFile* f) {
  return f->state != nullptr && f->state->failed();
}

// Counts a write, flush or truncation; true when this one is to fail by injection.
bool injected_failure(CheckedFile* f) {
  if (f->state == nullptr) return false;
  ++f->state->calls;
  return f->state->faults.fail_call > 0 && f->state->calls == f->state->faults.fail_call;
}

void* info_copy(const void* info) {
  return new DriverInfo(*static_cast<const DriverInfo*>(info));
}

herr_t info_free(void* info) {
  delete static_cast<DriverInfo*>(info);
  return 0;
}

void* info_get(H5FD_t* file) {
  return new DriverInfo{cast(file)->state};
}

H5FD_t* open_file(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  if (name == nullptr || *name == '\0' || maxaddr == 0 || maxaddr == HADDR_UNDEF) return nullptr;
  const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
  StorageState* state = info ? info->state : nullptr;
  int o_flags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
  if (flags & H5F_ACC_TRUNC) o_flags |= O_TRUNC;
  if (flags & H5F_ACC_CREAT) o_flags |= O_CREAT;
  if (flags & H5F_ACC_EXCL) o_flags |= O_EXCL;
  const int fd = ::open(name, o_flags | O_CLOEXEC, 0666);
  if (fd < 0) {
    // Not a storage failure: HDF5 probes for an existing file before creating one.
    if (state) state->open_error = std::strerror(errno);
    return nullptr;
  }
  struct stat sb {};
  if (::fstat(fd, &sb) != 0) {
    ::close(fd);
    return nullptr;
  }
  auto* f = new CheckedFile{};
  f->fd = fd;
  f->eof = static_cast<haddr_t>(sb.st_size);
  f->device = sb.st_dev;
  f->inode = sb.st_ino;
  f->writable = (flags & H5F_ACC_RDWR) != 0;
  f->state = state;
  return &f->pub;
}

herr_t close_file(H5FD_t* file) {
  CheckedFile* f = cast(file);
  herr_t result = 0;
  if (::close(f->fd) != 0 && f->writable && !poisoned(f)) {
    result = fail(f, fmt::format("closing failed: {}", std::strerror(errno)));
  }
  delete f;
  return result;
}

int compare(const H5FD_t* a, const H5FD_t* b) {
  const CheckedFile* x = cast(a);
  const CheckedFile* y = cast(b);
  if (x->device != y->device) return x->device < y->device ? -1 : 1;
  if (x->inode != y->inode) return x->inode < y->inode ? -1 : 1;
  return 0;
}

herr_t query(const H5FD_t*, unsigned long* flags) {
  if (flags) {
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA;
  }
  return 0;
}

haddr_t get_eoa(const H5FD_t* file, H5FD_mem_t) {
  return cast(file)->eoa;
}

herr_t set_eoa(H5FD_t* file, H5FD_mem_t, haddr_t addr) {
  cast(file)->eoa = addr;
  return 0;
}

haddr_t get_eof(const H5FD_t* file, H5FD_mem_t) {
  return cast(file)->eof;
}

herr_t get_handle(H5FD_t* file, hid_t, void** handle) {
  if (handle == nullptr) return -1;
  *handle = &cast(file)->fd;
  return 0;
}

herr_t read_file(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buffer) {
  CheckedFile* f = cast(file);
  auto* out = static_cast<unsigned char*>(buffer);
  if (addr == HADDR_UNDEF || addr + size > kMaxAddr) return -1;
  while (size > 0) {
    const ssize_t n = ::pread(f->fd, out, size, static_cast<off_t>(addr));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) {
      std::memset(out, 0, size);  // past the end of the file: zeros, as sec2 reads it
      break;
    }
    out += n;
    addr += static_cast<haddr_t>(n);
    size -= static_cast<size_t>(n);
  }
  return 0;
}

herr_t write_file(H5FD_t* file, H5FD_mem_t, hid_t, haddr_t addr, size_t size, const void* buffer) {
  CheckedFile* f = cast(file);
  if (poisoned(f)) return 0;
  if (addr == HADDR_UNDEF || addr + size > kMaxAddr) return fail(f, "write outside the file");
  if (injected_failure(f)) {
    return fail(
        f, fmt::format("write failed: Input/output error (injected at call {})", f->state->calls));
  }
  std::size_t allowed = size;
  bool full = false;
  if (f->state && f->state->faults.full_after >= 0) {
    const auto limit = static_cast<haddr_t>(f->state->faults.full_after);
    if (addr + size > limit) {
      full = true;
      allowed = addr >= limit ? 0 : static_cast<std::size_t>(limit - addr);
    }
  }
  const auto* in = static_cast<const unsigned char*>(buffer);
  haddr_t at = addr;
  while (allowed > 0) {
    const ssize_t n = ::pwrite(f->fd, in, allowed, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return fail(
          f, fmt::format("write failed: {}", n < 0 ? std::strerror(errno) : "no bytes written"));
    }
    in += n;
    at += static_cast<haddr_t>(n);
    allowed -= static_cast<std::size_t>(n);
  }
  if (f->state) f->state->written = std::max<std::uint64_t>(f->state->written, at);
  if (at > f->eof) f->eof = at;
  if (full) {
    return fail(f, fmt::format("write failed: No space left on device (injected past {} bytes)",
                               f->state->faults.full_after));
  }
  return 0;
}

herr_t flush_file(H5FD_t* file, hid_t, hbool_t) {
  CheckedFile* f = cast(file);
  if (!f->writable || poisoned(f)) return 0;
  if (injected_failure(f)) {
    return fail(
        f, fmt::format("flush failed: Input/output error (injected at call {})", f->state->calls));
  }
  if (f->state && f->state->sync) {
    while (::fdatasync(f->fd) != 0) {
      if (errno == EINTR) continue;
      // A file system that cannot sync this kind of file (a pipe, some FUSE mounts) says so
      // with EINVAL; anything else means the data may not be on the disk.
      if (errno == EINVAL || errno == EROFS) break;
      return fail(f, fmt::format("flush to disk failed: {}", std::strerror(errno)));
    }
  }
  return 0;
}

herr_t truncate_file(H5FD_t* file, hid_t, hbool_t) {
  CheckedFile* f = cast(file);
  if (!f->writable || poisoned(f)) return 0;
  if (f->eoa == f->eof) return 0;
  if (injected_failure(f)) {
    return fail(f, fmt::format("truncate failed: Input/output error (injected at call {})",
                               f->state->calls));
  }
  if (f->state && f->state->faults.full_after >= 0 &&
      f->eoa > static_cast<haddr_t>(f->state->faults.full_after)) {
    return fail(f, fmt::format("truncate failed: No space left on device (injected past {} bytes)",
                               f->state->faults.full_after));
  }
  if (::ftruncate(f->fd, static_cast<off_t>(f->eoa)) != 0) {
    return fail(f, fmt::format("truncate failed: {}", std::strerror(errno)));
  }
  f->eof = f->eoa;
  return 0;
}

const H5FD_class_t kDriver = {
    .name = "cxsim_checked",
    .maxaddr = kMaxAddr,
    .fc_degree = H5F_CLOSE_STRONG,
    .terminate = nullptr,
    .sb_size = nullptr,
    .sb_encode = nullptr,
    .sb_decode = nullptr,
    .fapl_size = sizeof(DriverInfo),
    .fapl_get = info_get,
    .fapl_copy = info_copy,
    .fapl_free = info_free,
    .dxpl_size = 0,
    .dxpl_copy = nullptr,
    .dxpl_free = nullptr,
    .open = open_file,
    .close = close_file,
    .cmp = compare,
    .query = query,
    .get_type_map = nullptr,
    .alloc = nullptr,
    .free = nullptr,
    .get_eoa = get_eoa,
    .set_eoa = set_eoa,
    .get_eof = get_eof,
    .get_handle = get_handle,
    .read = read_file,
    .write = write_file,
    .flush = flush_file,
    .truncate = truncate_file,
    .lock = nullptr,  // cxsim locks <out>.partial.lock itself (outputs/output_lock.hpp)
    .unlock = nullptr,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

hid_t driver_id() {
  // Registered once; HDF5 keeps the registration until it shuts down.
  static const hid_t id = H5FDregister(&kDriver);
  return id;
}

}  // namespace

StorageFaults StorageFaults::parse(std::string_view text) {
  StorageFaults faults;
  auto number = [&](std::string_view digits) {
    std::int64_t value = -1;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || value < 0) {
      throw IoError(
          fmt::format("CXSIM_STORAGE_FAULT: expected call=K or bytes=N (got '{}')", text));
    }
    return value;
  };
  if (text.rfind("call=", 0) == 0) {
    faults.fail_call = number(text.substr(5));
    if (faults.fail_call == 0) throw IoError("CXSIM_STORAGE_FAULT: call=K counts from 1");
  } else if (text.rfind("bytes=", 0) == 0) {
    faults.full_after = number(text.substr(6));
  } else {
    throw IoError(fmt::format("CXSIM_STORAGE_FAULT: expected call=K or bytes=N (got '{}')", text));
  }
  return faults;
}

PropertyList writing_fapl(StorageState* state) {
  silence_errors();
  PropertyList fapl(H5Pcreate(H5P_FILE_ACCESS));
  const hid_t id = driver_id();
  if (!fapl.valid() || id < 0) throw IoError("HDF5: cannot set up the results file driver");
  const DriverInfo info{state};
  if (H5Pset_driver(fapl.get(), id, &info) < 0 ||
      H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110) < 0 ||
      H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG) < 0) {
    throw IoError("HDF5: cannot set up the results file driver");
  }
  return fapl;
}

}  // namespace cxsim::h5
