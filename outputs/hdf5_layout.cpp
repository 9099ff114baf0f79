// Building blocks of the results layout (see hdf5_layout.hpp).
#include "outputs/hdf5_layout.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>

#include "engine/core/errors.hpp"

namespace cxsim::h5::layout {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "unknown";
  return buf.data();
}

// Links and attributes kept in their object's header, which HDF5 1.10 checksums, never in the
// "dense" heaps and B-trees it moves them to past 8 (whose damage HDF5 1.10 does not survive
// reading: it crashes freeing a half-read link table).
void keep_compact(hid_t plist, bool links, const Path& file) {
  if (links) {
    check_status(H5Pset_link_phase_change(plist, 65535, 0), file, "cannot keep links compact");
  }
  check_status(H5Pset_attr_phase_change(plist, 65535, 0), file, "cannot keep attributes compact");
}

Group create_group(hid_t loc, const std::string& name, const Path& file) {
  const PropertyList gcpl(H5Pcreate(H5P_GROUP_CREATE));
  keep_compact(gcpl.get(), true, file);
  return Group(check(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), file,
                     "cannot create group " + name));
}

Group open_group(hid_t loc, const std::string& name, const Path& file) {
  if (!exists(loc, name)) throw IoError(fmt::format("{}: {} is missing", file.string(), name));
  return Group(check(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), file, "cannot open group " + name));
}

Dataset open_dataset(hid_t loc, const std::string& name, const Path& file) {
  if (!exists(loc, name)) throw IoError(fmt::format("{}: {} is missing", file.string(), name));
  return Dataset(
      check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), file, "cannot open dataset " + name));
}

void write_posterior_attributes(hid_t file, const Scenario& s, const Path& path) {
  if (!s.posterior) return;
  write_attribute(file, "posterior_source", s.posterior->source, path);
  write_attribute(file, "posterior_sha256", s.posterior->sha256, path);
}

void describe(hid_t obj, std::string_view units, std::string_view description, const Path& file) {
  write_attribute(obj, "units", units, file);
  write_attribute(obj, "description", description, file);
}

Dataset string_coord(hid_t group, const std::string& name, const std::vector<std::string>& values,
                     std::string_view description, const Path& file) {
  const hsize_t n = values.size();
  const Dataspace space(H5Screate_simple(1, &n, nullptr));
  const Datatype type = string_type();
  Dataset ds(check(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT),
                   file, "cannot create /coords/" + name));
  std::vector<const char*> data;
  data.reserve(values.size());
  for (const auto& v : values) data.push_back(v.c_str());
  if (n > 0) {
    check_status(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, string_transfer(), data.data()),
                 file, "cannot write /coords/" + name);
  }
  check_status(H5DSset_scale(ds.get(), name.c_str()), file,
               "cannot make /coords/" + name + " a dimension scale");
  describe(ds.get(), "1", description, file);
  return ds;
}

template <typename T>
Dataset number_coord(hid_t group, const std::string& name, hid_t type, const std::vector<T>& values,
                     std::string_view units, std::string_view description, const Path& file) {
  const hsize_t n = values.size();
  const Dataspace space(H5Screate_simple(1, &n, nullptr));
  Dataset ds(check(
      H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      file, "cannot create /coords/" + name));
  if (n > 0) {
    check_status(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file,
                 "cannot write /coords/" + name);
  }
  check_status(H5DSset_scale(ds.get(), name.c_str()), file,
               "cannot make /coords/" + name + " a dimension scale");
  describe(ds.get(), units, description, file);
  return ds;
}

// Makes /coords/<name> visible in group as <name>, so xarray finds it when opening that group.
void link_coord(hid_t file_id, hid_t group, const std::string& name, const Path& file) {
  check_status(H5Lcreate_hard(file_id, ("/coords/" + name).c_str(), group, name.c_str(),
                              H5P_DEFAULT, H5P_DEFAULT),
               file, "cannot link /coords/" + name);
}

// A NaN-filled float64 dataset with its dimension scales attached and its units described.
Dataset create_metric(hid_t group, const std::string& group_path, const std::string& name,
                      const std::vector<Dimension>& dims, std::string_view units,
                      std::string_view description, bool compress, const Path& file,
                      ScaleAttachments* scales) {
  const std::string where = group_path + "/" + name;
  std::vector<hsize_t> size, chunk;
  bool empty = false;
  for (const auto& d : dims) {
    size.push_back(d.size);
    chunk.push_back(std::max<hsize_t>(1, std::min(d.chunk, d.size)));
    empty = empty || d.size == 0;
  }
  const Dataspace space(H5Screate_simple(static_cast<int>(size.size()), size.data(), nullptr));
  const PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const double fill = kNaN;
  H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &fill);
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC);
  if (!empty) {
    check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), file,
                 "cannot set the chunks of " + where);
    if (compress) {
      H5Pset_shuffle(dcpl.get());
      H5Pset_deflate(dcpl.get(), 4);
    }
    // Last, so that it checks the bytes as stored: a damaged chunk is an error, never data.
    check_status(H5Pset_fletcher32(dcpl.get()), file, "cannot checksum " + where);
  }
  Dataset ds(check(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                              dcpl.get(), H5P_DEFAULT),
                   file, "cannot create " + where));
  if (scales) {
    std::vector<hid_t> along;
    for (const auto& d : dims) along.push_back(d.scale);
    scales->attach(ds.get(), along, where);
  } else {
    for (std::size_t i = 0; i < dims.size(); ++i) {
      check_status(H5DSattach_scale(ds.get(), dims[i].scale, static_cast<unsigned>(i)), file,
                   "cannot attach a dimension scale to " + where);
    }
  }
  describe(ds.get(), units, description, file);
  return ds;
}

void string_dataset(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                    hid_t scale, std::string_view description, const Path& file,
                    ScaleAttachments* scales) {
  const hsize_t n = values.size();
  const Dataspace space(H5Screate_simple(1, &n, nullptr));
  const Datatype type = string_type();
  const Dataset ds(check(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      file, "cannot create " + name));
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  if (n > 0) {
    check_status(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, string_transfer(), data.data()),
                 file, "cannot write " + name);
  }
  if (scales) {
    scales->attach(ds.get(), {scale}, name);
  } else {
    check_status(H5DSattach_scale(ds.get(), scale, 0), file,
                 "cannot attach a dimension scale to " + name);
  }
  describe(ds.get(), "1", description, file);
}

void write_text_dataset(hid_t loc, const std::string& name, const std::string& text,
                        std::string_view description, const Path& file) {
  const Dataspace space(H5Screate(H5S_SCALAR));
  const Datatype type = string_type();
  const Dataset ds(check(
      H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      file, "cannot create /" + name));
  const char* data = text.c_str();
  check_status(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, string_transfer(), &data), file,
               "cannot write /" + name);
  describe(ds.get(), "1", description, file);
}

// Writes a block of doubles at start (count elements per dimension).
void write_block(hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                 const double* data, const Path& file, std::string_view what) {
  const Dataspace file_space(check(H5Dget_space(ds), file, "cannot get a dataspace"));
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                   count.data(), nullptr),
               file, fmt::format("cannot select replication in {}", what));
  const Dataspace mem_space(
      H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  check_status(
      H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT, data), file,
      fmt::format("cannot write {}", what));
}

std::vector<double> read_all(hid_t ds, std::size_t n, const Path& file, std::string_view what) {
  std::vector<double> values(n, kNaN);
  if (n > 0) {
    check_status(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file,
                 fmt::format("cannot read {}", what));
  }
  return values;
}

// Opens through the checked driver (storage_driver.hpp), reporting into `storage`.
File open_file(const Path& path, unsigned flags, bool create, StorageState& storage) {
  const PropertyList fapl = writing_fapl(&storage);
  const PropertyList fcpl(H5Pcreate(H5P_FILE_CREATE));
  keep_compact(fcpl.get(), true, path);
  const hid_t id = create ? H5Fcreate(path.c_str(), flags, fcpl.get(), fapl.get())
                          : H5Fopen(path.c_str(), flags, fapl.get());
  if (id < 0) {
    throw IoError(
        fmt::format("{}: {}{}", path.string(),
                    create ? "cannot create the results file" : "cannot open it as an HDF5 file",
                    storage.failed()             ? ": " + storage.failure
                    : storage.open_error.empty() ? std::string()
                                                 : ": " + storage.open_error));
  }
  return File(id);
}

// Writes a 1-D array of strings as an attribute.
void write_strings_attribute(hid_t obj, const std::string& name,
                             const std::vector<std::string>& values, const Path& file) {
  const hsize_t n = values.size();
  const Dataspace space(H5Screate_simple(1, &n, nullptr));
  const Datatype type = string_type();
  const Attribute attr(
      check(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file,
            "cannot create attribute " + name));
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  if (n > 0) {
    check_status(H5Awrite(attr.get(), type.get(), data.data()), file,
                 "cannot write attribute " + name);
  }
}

std::vector<std::string> read_strings_attribute(hid_t obj, const std::string& name,
                                                const Path& file) {
  if (H5Aexists(obj, name.c_str()) <= 0) {
    throw IoError(fmt::format("{}: attribute {} is missing", file.string(), name));
  }
  const Attribute attr(
      check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, "cannot open attribute " + name));
  const Dataspace space(check(H5Aget_space(attr.get()), file, "cannot read " + name));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) throw IoError(fmt::format("{}: cannot read attribute {}", file.string(), name));
  const Datatype type = string_type();
  std::vector<char*> data(static_cast<std::size_t>(n), nullptr);
  if (n > 0) {
    check_status(H5Aread(attr.get(), type.get(), data.data()), file,
                 "cannot read attribute " + name);
  }
  std::vector<std::string> out;
  for (char* v : data) out.emplace_back(v ? v : "");
  if (n > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, data.data());
  return out;
}

// Makes a rename durable: the folder's entry reaches the disk too. Best effort: the file is in
// place whatever the answer, and some file systems cannot sync a folder.
void sync_folder(const Path& file) {
  const Path folder = file.parent_path().empty() ? Path(".") : file.parent_path();
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

template Dataset number_coord<std::int32_t>(hid_t, const std::string&, hid_t,
                                            const std::vector<std::int32_t>&, std::string_view,
                                            std::string_view, const Path&);
template Dataset number_coord<std::int64_t>(hid_t, const std::string&, hid_t,
                                            const std::vector<std::int64_t>&, std::string_view,
                                            std::string_view, const Path&);

}  // namespace cxsim::h5::layout
