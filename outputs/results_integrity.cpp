// Read-back checks of results files: readability, the layout digest, replication digests.
#include "outputs/results_integrity.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "outputs/hdf5_handles.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

namespace fs = std::filesystem;

namespace {

// Bytes read per slab when a dataset is read back in full.
constexpr std::size_t kSlabBytes = std::size_t{8} << 20;

// Root attributes that change after creation (and so are not in the layout digest).
const std::set<std::string, std::less<>> kMutableRootAttributes = {"complete", "resumed_utc",
                                                                   "resumed_command_line"};

[[noreturn]] void damaged(const fs::path& path, const std::string& what) {
  throw DamagedFile(fmt::format("{}: is damaged: {}", path.string(), what));
}

// Whether `loc` has the link or attribute `name`. A failure to look is damage, not "no": HDF5
// reports an object header chunk that fails its checksum only at the first load, and after that
// answers from the chunks it could read, as if they were all there.
bool has_link(hid_t loc, const char* name, const fs::path& path) {
  const htri_t found = H5Lexists(loc, name, H5P_DEFAULT);
  if (found < 0) damaged(path, fmt::format("cannot look for /{} in it", name));
  return found > 0;
}

bool has_attribute(hid_t obj, const char* name, const fs::path& path) {
  const htri_t found = H5Aexists(obj, name);
  if (found < 0) damaged(path, fmt::format("cannot look for the attribute {}", name));
  return found > 0;
}

std::uint64_t count_of(const std::vector<hsize_t>& dims) {
  std::uint64_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

std::vector<hsize_t> extent(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

// Reads `n` values of file type `stored` through `read(mem_type, buffer)` and adds them to
// `sha` (when given) in a form that does not depend on where the library put them in memory:
// variable-length strings and sequences by content, everything else as native bytes.
// `space` describes the memory layout (for reclaiming variable-length memory). False when the
// read fails.
bool read_values(hid_t stored, hid_t space, std::uint64_t n,
                 const std::function<herr_t(hid_t, void*)>& read, Sha256* sha) {
  const H5T_class_t cls = H5Tget_class(stored);
  if (cls == H5T_STRING && H5Tis_variable_str(stored) > 0) {
    const h5::Datatype type(H5Tget_native_type(stored, H5T_DIR_ASCEND));
    if (!type.valid()) return false;
    std::vector<char*> values(n, nullptr);
    if (n > 0 && read(type.get(), values.data()) < 0) return false;
    for (char* s : values) {
      if (sha) {
        const std::string_view text = s ? s : "";
        const std::uint64_t size = text.size();
        sha->add(&size, sizeof size);
        sha->add(text);
      }
    }
    if (n > 0) H5Dvlen_reclaim(type.get(), space, H5P_DEFAULT, values.data());
    return true;
  }
  const h5::Datatype type(H5Tget_native_type(stored, H5T_DIR_ASCEND));
  if (!type.valid()) return false;
  const std::size_t size = H5Tget_size(type.get());
  std::vector<unsigned char> buffer(n * size, 0);
  if (n > 0 && read(type.get(), buffer.data()) < 0) return false;
  if (cls == H5T_VLEN) {
    const h5::Datatype base(H5Tget_super(type.get()));
    const std::size_t base_size = H5Tget_size(base.get());
    for (std::uint64_t i = 0; i < n; ++i) {
      hvl_t v{};
      std::memcpy(&v, buffer.data() + i * size, sizeof v);
      if (sha) {
        const std::uint64_t len = v.len;
        sha->add(&len, sizeof len);
        if (v.p) sha->add(v.p, v.len * base_size);
      }
    }
    if (n > 0) H5Dvlen_reclaim(type.get(), space, H5P_DEFAULT, buffer.data());
    return true;
  }
  if (sha) sha->add(buffer.data(), buffer.size());
  return true;
}

struct DigestContext {
  Sha256* sha;
  std::string failure;
};

// Adds every attribute of an object (by name order) to the digest.
herr_t add_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  auto* ctx = static_cast<DigestContext*>(data);
  const h5::Attribute attr(H5Aopen(obj, name, H5P_DEFAULT));
  const h5::Datatype stored(attr.valid() ? H5Aget_type(attr.get()) : H5I_INVALID_HID);
  const h5::Dataspace space(attr.valid() ? H5Aget_space(attr.get()) : H5I_INVALID_HID);
  if (!attr.valid() || !stored.valid() || !space.valid()) {
    ctx->failure = fmt::format("attribute {} cannot be opened", name);
    return -1;
  }
  const auto n = static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space.get()));
  ctx->sha->add(std::string_view(name));
  ctx->sha->add(&n, sizeof n);
  const bool ok = read_values(
      stored.get(), space.get(), n,
      [&](hid_t type, void* buf) { return H5Aread(attr.get(), type, buf); }, ctx->sha);
  if (!ok) {
    ctx->failure = fmt::format("attribute {} cannot be read", name);
    return -1;
  }
  return 0;
}

bool add_attributes(hid_t obj, DigestContext& ctx, const std::set<std::string, std::less<>>* skip) {
  struct Filter {
    DigestContext* ctx;
    const std::set<std::string, std::less<>>* skip;
  } filter{&ctx, skip};
  hsize_t index = 0;
  const herr_t status = H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, &index,
      [](hid_t o, const char* name, const H5A_info_t* info, void* data) -> herr_t {
        auto* f = static_cast<Filter*>(data);
        if (f->skip && f->skip->count(name)) return 0;
        return add_attribute(o, name, info, f->ctx);
      },
      &filter);
  if (status < 0 && ctx.failure.empty()) ctx.failure = "its attributes cannot be listed";
  return status >= 0;
}

// Reads a dataset whole, slab by slab along its longest dimension so that memory stays bounded.
bool read_in_slabs(hid_t ds, hid_t stored, hid_t space, const std::vector<hsize_t>& dims) {
  const std::uint64_t n = count_of(dims);
  const std::size_t element = std::max<std::size_t>(1, H5Tget_size(stored));
  auto read_part = [&](hid_t file_space, hid_t mem_space, std::uint64_t count) {
    return read_values(
        stored, mem_space, count,
        [&](hid_t type, void* buf) {
          return H5Dread(ds, type, mem_space, file_space, h5::string_transfer(), buf);
        },
        nullptr);
  };
  if (dims.empty() || n * element <= kSlabBytes) return read_part(H5S_ALL, H5S_ALL, n);
  const std::size_t axis =
      static_cast<std::size_t>(std::max_element(dims.begin(), dims.end()) - dims.begin());
  const std::uint64_t per_index = n / dims[axis];
  const hsize_t step =
      std::max<hsize_t>(1, static_cast<hsize_t>(kSlabBytes / (per_index * element)));
  for (hsize_t at = 0; at < dims[axis]; at += step) {
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    start[axis] = at;
    count[axis] = std::min(step, dims[axis] - at);
    const h5::Dataspace file_space(H5Scopy(space));
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                        nullptr);
    const h5::Dataspace mem_space(
        H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
    if (!read_part(file_space.get(), mem_space.get(), count_of(count))) return false;
  }
  return true;
}

// One walk over a file's datasets, by name, doing either or both of a read back's jobs: adding
// each dataset to the layout digest (name, type, shape, attributes, and the values of those not
// chunked), and reading every value (readability; HDF5 checks each chunk's Fletcher-32). Each
// dataset is opened once and read at most once.
struct Walk {
  Sha256* layout = nullptr;  // the layout digest, when it is taken
  bool read_all = false;     // read every dataset whole
  // Datasets that the replication digests read whole afterwards: not read here, their handles
  // kept in `kept` (by name) so that the digests need not open them again.
  const std::set<std::string, std::less<>>* read_later = nullptr;
  std::map<std::string, h5::Dataset, std::less<>>* kept = nullptr;
  std::string failure;
};

herr_t walk_dataset(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  auto* walk = static_cast<Walk*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  h5::Dataset ds(H5Dopen2(root, name, H5P_DEFAULT));
  const h5::Datatype stored(ds.valid() ? H5Dget_type(ds.get()) : H5I_INVALID_HID);
  const h5::Dataspace space(ds.valid() ? H5Dget_space(ds.get()) : H5I_INVALID_HID);
  const h5::PropertyList dcpl(ds.valid() && walk->layout ? H5Dget_create_plist(ds.get())
                                                         : H5I_INVALID_HID);
  if (!ds.valid() || !stored.valid() || !space.valid() || (walk->layout && !dcpl.valid())) {
    walk->failure = fmt::format("/{} cannot be opened", name);
    return -1;
  }
  const std::vector<hsize_t> dims = extent(space.get());
  bool values_read = false;
  if (walk->layout) {
    Sha256& sha = *walk->layout;
    const auto cls = static_cast<std::int64_t>(H5Tget_class(stored.get()));
    const std::uint64_t size = H5Tget_size(stored.get());
    const std::uint64_t rank = dims.size();
    sha.add(std::string_view(name));
    sha.add(&cls, sizeof cls);
    sha.add(&size, sizeof size);
    sha.add(&rank, sizeof rank);
    sha.add(dims.data(), dims.size() * sizeof(hsize_t));
    DigestContext attrs{&sha, {}};
    if (!add_attributes(ds.get(), attrs, nullptr)) {
      walk->failure = fmt::format("/{}: {}", name, attrs.failure);
      return -1;
    }
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) {
      const bool ok = read_values(
          stored.get(), space.get(), count_of(dims),
          [&](hid_t type, void* buf) {
            return H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, h5::string_transfer(), buf);
          },
          &sha);
      if (!ok) {
        walk->failure = fmt::format("/{} cannot be read back", name);
        return -1;
      }
      values_read = true;
    }
  }
  const bool later = walk->read_later && walk->read_later->count(name) > 0;
  if (walk->read_all && !values_read && !later &&
      !read_in_slabs(ds.get(), stored.get(), space.get(), dims)) {
    walk->failure = fmt::format("/{} cannot be read back", name);
    return -1;
  }
  if (later && walk->kept) walk->kept->insert_or_assign(name, std::move(ds));
  return 0;
}

// Walks the file: the layout digest (root attributes first) when `layout` is set.
void walk_file(hid_t file, const fs::path& path, Walk& walk) {
  if (walk.layout) {
    DigestContext ctx{walk.layout, {}};
    if (!add_attributes(file, ctx, &kMutableRootAttributes)) {
      damaged(path, "root: " + ctx.failure);
    }
  }
  if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, walk_dataset, &walk, H5O_INFO_BASIC) < 0) {
    damaged(path, walk.failure.empty() ? "its objects cannot be listed" : walk.failure);
  }
}

// The dimension of `dataset` that /coords/replication (at `scale_addr`) is attached to, from
// its DIMENSION_LIST (H5DSis_attached scans every dataset attached to the scale instead, which
// makes checking a file quadratic in its number of datasets). An object reference is the
// address of the object's header, so it is compared as it is, without opening what it names.
std::optional<std::size_t> replication_axis(hid_t dataset, haddr_t scale_addr, std::size_t rank) {
  if (H5Aexists(dataset, "DIMENSION_LIST") <= 0) return std::nullopt;  // the caller says damaged
  const h5::Attribute attr(H5Aopen(dataset, "DIMENSION_LIST", H5P_DEFAULT));
  const h5::Datatype stored(attr.valid() ? H5Aget_type(attr.get()) : H5I_INVALID_HID);
  const h5::Dataspace space(attr.valid() ? H5Aget_space(attr.get()) : H5I_INVALID_HID);
  if (!stored.valid() || !space.valid() ||
      H5Sget_simple_extent_npoints(space.get()) != static_cast<hssize_t>(rank)) {
    return std::nullopt;
  }
  const h5::Datatype type(H5Tvlen_create(H5T_STD_REF_OBJ));
  std::vector<hvl_t> lists(rank);
  if (rank == 0 || H5Aread(attr.get(), type.get(), lists.data()) < 0) return std::nullopt;
  std::optional<std::size_t> axis;
  for (std::size_t i = 0; i < rank && !axis; ++i) {
    const auto* refs = static_cast<const hobj_ref_t*>(lists[i].p);
    for (std::size_t j = 0; j < lists[i].len && !axis; ++j) {
      if (static_cast<haddr_t>(refs[j]) == scale_addr) axis = i;
    }
  }
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, lists.data());
  return axis;
}

// The digest of each replication 0 .. R - 1: its values in every dataset of `datasets`, in that
// order, as native doubles in C order (what the writer digests as it writes them). Each dataset
// is read once, whole, in slabs of whole replications; every dataset must hold at least `needed`
// replications. A dataset is taken from `kept` where the walk left it open, and closed once
// read (an open dataset keeps the chunks it read in its cache).
std::vector<std::string> replication_digests(hid_t file, const std::vector<std::string>& datasets,
                                             std::map<std::string, h5::Dataset, std::less<>>& kept,
                                             hsize_t R, hsize_t needed, const fs::path& path) {
  const h5::Dataset scale(H5Dopen2(file, "coords/replication", H5P_DEFAULT));
  H5O_info_t scale_info{};
  if (!scale.valid() || H5Oget_info2(scale.get(), &scale_info, H5O_INFO_BASIC) < 0) {
    damaged(path, "/coords/replication cannot be opened");
  }
  std::vector<std::unique_ptr<Sha256>> shas;
  shas.reserve(R);
  for (hsize_t r = 0; r < R; ++r) shas.push_back(std::make_unique<Sha256>());
  std::vector<double> values;
  for (const std::string& name : datasets) {
    const auto open = kept.find(name);
    const h5::Dataset ds(open != kept.end() ? open->second.release()
                                            : H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    if (!ds.valid()) damaged(path, fmt::format("/{} cannot be opened", name));
    const h5::Dataspace space(H5Dget_space(ds.get()));
    const std::vector<hsize_t> dims = extent(space.get());
    const auto found = replication_axis(ds.get(), scale_info.addr, dims.size());
    if (!found) damaged(path, fmt::format("/{} has no replication dimension", name));
    const std::size_t axis = *found;
    const hsize_t held = dims[axis];
    if (held < needed) damaged(path, fmt::format("/{} has no replication {}", name, held));
    // Values per replication: `outer` runs of `inner` contiguous values in C order.
    std::uint64_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < axis; ++d) outer *= dims[d];
    for (std::size_t d = axis + 1; d < dims.size(); ++d) inner *= dims[d];
    if (outer * inner == 0) continue;
    const hsize_t step =
        std::max<hsize_t>(1, static_cast<hsize_t>(kSlabBytes / (outer * inner * sizeof(double))));
    for (hsize_t at = 0; at < held; at += step) {
      const hsize_t m = std::min(step, held - at);
      std::vector<hsize_t> start(dims.size(), 0), count = dims;
      start[axis] = at;
      count[axis] = m;
      values.assign(outer * m * inner, 0.0);
      const h5::Dataspace file_space(H5Scopy(space.get()));
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr);
      const h5::Dataspace mem_space(
          H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
      if (H5Dread(ds.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT,
                  values.data()) < 0) {
        damaged(path, fmt::format("/{} cannot be read back", name));
      }
      for (hsize_t j = 0; j < m && at + j < R; ++j) {
        Sha256& sha = *shas[at + j];
        for (std::uint64_t o = 0; o < outer; ++o) {
          sha.add(values.data() + (o * m + j) * inner, inner * sizeof(double));
        }
      }
    }
  }
  std::vector<std::string> out;
  out.reserve(R);
  for (auto& sha : shas) out.push_back(sha->hex());
  return out;
}

// The names of the datasets the replication digests cover (the attribute `datasets` of
// /run/replication_sha256).
std::vector<std::string> digested_datasets(hid_t digests_ds, const fs::path& path) {
  const h5::Attribute attr(H5Aexists(digests_ds, kDigestDatasets) > 0
                               ? H5Aopen(digests_ds, kDigestDatasets, H5P_DEFAULT)
                               : H5I_INVALID_HID);
  const h5::Dataspace space(attr.valid() ? H5Aget_space(attr.get()) : H5I_INVALID_HID);
  const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
  const h5::Datatype type = h5::string_type();
  std::vector<char*> names(static_cast<std::size_t>(std::max<hssize_t>(n, 0)), nullptr);
  if (n < 0 || (n > 0 && H5Aread(attr.get(), type.get(), names.data()) < 0)) {
    damaged(path, "the list of digested datasets cannot be read");
  }
  std::vector<std::string> out;
  for (char* s : names) out.emplace_back(s ? s : "");
  if (n > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, names.data());
  return out;
}

}  // namespace

std::string layout_digest(hid_t file, const fs::path& path) {
  Sha256 sha;
  Walk walk;
  walk.layout = &sha;
  walk_file(file, path, walk);
  return sha.hex();
}

void check_readable(hid_t file, const fs::path& path) {
  Walk walk;
  walk.read_all = true;
  walk_file(file, path, walk);
}

void verify_results(hid_t file, const fs::path& path) {
  h5::silence_errors();
  if (!has_link(file, kRunGroup, path)) {  // written before cxsim kept digests
    check_readable(file, path);
    return;
  }
  const h5::Group run(H5Gopen2(file, kRunGroup, H5P_DEFAULT));
  if (!run.valid()) damaged(path, "/run cannot be opened");
  std::string recorded;
  try {
    recorded = h5::read_string_attribute(run.get(), kLayoutDigest, path);
  } catch (const IoError&) {
    damaged(path, "/run has no readable layout digest (the run stopped while creating the file)");
  }
  // Files of one run (not experiments) digest each replication: the datasets those digests
  // cover are read once, by the digests, after the walk has read the rest.
  const bool experiment = has_attribute(file, "experiment", path);
  const bool has_digests =
      !experiment && has_link(file, "done", path) && has_link(file, kReplicationDigests, path);
  h5::Dataset digests_ds;
  std::vector<std::string> datasets;
  std::set<std::string, std::less<>> read_later;
  if (has_digests) {
    digests_ds = h5::Dataset(H5Dopen2(file, kReplicationDigests, H5P_DEFAULT));
    if (!digests_ds.valid()) damaged(path, "/run/replication_sha256 cannot be opened");
    datasets = digested_datasets(digests_ds.get(), path);
    read_later.insert(datasets.begin(), datasets.end());
  }

  Sha256 layout;
  std::map<std::string, h5::Dataset, std::less<>> kept;
  Walk walk;
  walk.layout = &layout;
  walk.read_all = true;
  walk.read_later = &read_later;
  walk.kept = &kept;
  walk_file(file, path, walk);
  if (layout.hex() != recorded) {
    damaged(path, "its layout (attributes, coordinates or the scenario) is not what was written");
  }
  if (experiment) {
    // Experiment files (EXPERIMENTS.md) record their points in /run/point_done; every value was
    // read back whole above.
    if (!has_link(file, "run/point_done", path)) damaged(path, "/run/point_done is missing");
    return;
  }
  if (!has_digests) damaged(path, "/done or /run/replication_sha256 is missing");
  const h5::Dataset done_ds(H5Dopen2(file, "done", H5P_DEFAULT));
  if (!done_ds.valid()) damaged(path, "/done cannot be opened");
  const std::vector<hsize_t> dims = h5::shape(done_ds.get(), path);
  if (dims.size() != 1 || h5::shape(digests_ds.get(), path) != dims) {
    damaged(path, "/done and /run/replication_sha256 differ in shape");
  }
  const hsize_t R = dims[0];
  std::vector<std::uint8_t> done(R, 0);
  std::vector<char> digests(R * 64, '\0');
  const h5::Datatype hex(H5Tcopy(H5T_C_S1));
  H5Tset_size(hex.get(), 64);
  H5Tset_strpad(hex.get(), H5T_STR_NULLPAD);
  if (R > 0 &&
      (H5Dread(done_ds.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done.data()) < 0 ||
       H5Dread(digests_ds.get(), hex.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, digests.data()) < 0)) {
    damaged(path, "/done cannot be read");
  }
  hsize_t needed = 0;  // one past the last replication written
  for (hsize_t r = 0; r < R; ++r) {
    if (done[r] != 0) needed = r + 1;
  }
  const std::vector<std::string> read = replication_digests(file, datasets, kept, R, needed, path);
  for (hsize_t r = 0; r < R; ++r) {
    if (done[r] == 0) continue;
    if (read[r] != std::string_view(digests.data() + r * 64, 64)) {
      damaged(path, fmt::format("replication {} does not hold the values written", r));
    }
  }
}

std::chrono::seconds read_back_time_limit(const fs::path& path) {
  if (const char* env = std::getenv("CXSIM_READ_BACK_SECONDS")) {
    char* end = nullptr;
    const long long seconds = std::strtoll(env, &end, 10);
    if (end != env && *end == '\0' && seconds >= 1) return std::chrono::seconds(seconds);
  }
  std::error_code ec;
  const std::uintmax_t bytes = fs::file_size(path, ec);
  // Two minutes, and a second per 4 MiB beyond: a read back slower than that on any disk is
  // not reading, it is looping.
  const std::int64_t per_size = ec ? 0 : static_cast<std::int64_t>(bytes >> 22);
  return std::chrono::seconds(120 + per_size);
}

void verify_results_file(const fs::path& path) {
  verify_results_file(path, read_back_time_limit(path));
}

void verify_results_file(const fs::path& path, std::chrono::seconds limit) {
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    throw IoError(fmt::format("{}: cannot check it: {}", path.string(), std::strerror(errno)));
  }
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    throw IoError(fmt::format("{}: cannot check it: {}", path.string(), std::strerror(error)));
  }
  if (child == 0) {
    ::close(pipe_fds[0]);
    // What a crash of HDF5 prints, or dumps, is none of the user's business: its message is.
    const struct rlimit no_core { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &no_core);
    // Die by the signal, so the parent can say so: the handlers inherited from the parent (a
    // sanitizer's, a fuzzer's) would report the expected crash as their own and exit with 1.
    for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, SIG_DFL);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
    }
    int code = 0;
    std::string message;
    try {
      h5::silence_errors();
      const h5::File f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
      if (!f.valid()) damaged(path, "it cannot be opened as an HDF5 file");
      verify_results(f.get(), path);
    } catch (const DamagedFile& e) {
      code = 1;
      message = e.what();
    } catch (const std::exception& e) {
      code = 2;
      message = e.what();
    }
    for (std::size_t at = 0; at < message.size();) {
      const ssize_t n = ::write(pipe_fds[1], message.data() + at, message.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::_exit(code);  // no exit handlers: they belong to the parent
  }
  ::close(pipe_fds[1]);
  std::string message;
  std::array<char, 4096> buf{};
  const auto deadline = std::chrono::steady_clock::now() + limit;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd ready{pipe_fds[0], POLLIN, 0};
    const int polled = ::poll(
        &ready, 1, static_cast<int>(std::min<std::int64_t>(left.count(), std::int64_t{60'000})));
    if (polled < 0 && errno == EINTR) continue;
    if (polled < 0) break;
    if (polled == 0) continue;  // the deadline is checked at the top
    const ssize_t n = ::read(pipe_fds[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    message.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  // Some damage makes HDF5 loop for ever (a cycle in the file's own structures): past the
  // deadline the child is ended and the file called damaged, so no command hangs on it.
  if (timed_out) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    damaged(path, fmt::format("HDF5 did not finish reading it back within {} s",
                              std::chrono::duration_cast<std::chrono::seconds>(limit).count()));
  }
  if (WIFSIGNALED(status)) {
    damaged(path, fmt::format("HDF5 failed reading it back ({})", strsignal(WTERMSIG(status))));
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  // Exit 1 without a message: a handler the child could not shed (a sanitizer's report of
  // HDF5 reading out of bounds) ended it, which is damage too.
  if (code == 1 && message.empty()) damaged(path, "HDF5 failed reading it back");
  if (code == 1) throw DamagedFile(message);
  if (code != 0) {
    throw IoError(message.empty() ? fmt::format("{}: cannot check it", path.string()) : message);
  }
}

}  // namespace cxsim
