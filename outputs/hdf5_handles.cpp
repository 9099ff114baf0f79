// Typed attribute and dataset helpers over the HDF5 C API.
#include "outputs/hdf5_handles.hpp"

#include <fmt/format.h>

#include "engine/core/errors.hpp"

namespace cxsim::h5 {

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

hid_t check(hid_t id, const std::filesystem::path& file, std::string_view what) {
  if (id < 0) throw IoError(fmt::format("{}: {}", file.string(), what));
  return id;
}

void check_status(herr_t status, const std::filesystem::path& file, std::string_view what) {
  if (status < 0) throw IoError(fmt::format("{}: {}", file.string(), what));
}

Datatype string_type() {
  Datatype t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

hid_t string_transfer() {
  static const hid_t plist = [] {
    const hid_t p = H5Pcreate(H5P_DATASET_XFER);
    if (p >= 0) H5Pset_buffer(p, std::size_t{64} << 10, nullptr, nullptr);
    return p >= 0 ? p : H5P_DEFAULT;
  }();
  return plist;
}

bool exists(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

namespace {

// Replaces any existing attribute of that name, so that rewriting one (complete) is simple.
void write_scalar_attribute(hid_t obj, const std::string& name, hid_t type, const void* value,
                            const std::filesystem::path& file) {
  if (H5Aexists(obj, name.c_str()) > 0) {
    check_status(H5Adelete(obj, name.c_str()), file, "cannot replace attribute " + name);
  }
  Dataspace space(H5Screate(H5S_SCALAR));
  Attribute attr(check(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                       file, "cannot create attribute " + name));
  check_status(H5Awrite(attr.get(), type, value), file, "cannot write attribute " + name);
}

Attribute open_attribute(hid_t obj, const std::string& name, const std::filesystem::path& file) {
  if (H5Aexists(obj, name.c_str()) <= 0) {
    throw IoError(fmt::format("{}: attribute {} is missing", file.string(), name));
  }
  return Attribute(
      check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), file, "cannot open attribute " + name));
}

}  // namespace

void write_attribute(hid_t obj, const std::string& name, std::string_view value,
                     const std::filesystem::path& file) {
  const std::string copy(value);
  const char* data = copy.c_str();
  const Datatype type = string_type();
  write_scalar_attribute(obj, name, type.get(), &data, file);
}

void write_attribute(hid_t obj, const std::string& name, double value,
                     const std::filesystem::path& file) {
  write_scalar_attribute(obj, name, H5T_NATIVE_DOUBLE, &value, file);
}

void write_attribute(hid_t obj, const std::string& name, std::int64_t value,
                     const std::filesystem::path& file) {
  write_scalar_attribute(obj, name, H5T_NATIVE_INT64, &value, file);
}

void write_attribute(hid_t obj, const std::string& name, std::uint64_t value,
                     const std::filesystem::path& file) {
  write_scalar_attribute(obj, name, H5T_NATIVE_UINT64, &value, file);
}

std::string read_string_attribute(hid_t obj, const std::string& name,
                                  const std::filesystem::path& file) {
  const Attribute attr = open_attribute(obj, name, file);
  const Datatype stored(H5Aget_type(attr.get()));
  if (H5Tget_class(stored.get()) != H5T_STRING) {
    throw IoError(fmt::format("{}: attribute {} is not a string", file.string(), name));
  }
  if (H5Tis_variable_str(stored.get()) > 0) {
    const Datatype type = string_type();
    char* data = nullptr;
    check_status(H5Aread(attr.get(), type.get(), &data), file, "cannot read attribute " + name);
    std::string value = data ? data : "";
    H5free_memory(data);
    return value;
  }
  // Fixed-length strings (written by other tools, e.g. h5py with numpy bytes).
  const std::size_t size = H5Tget_size(stored.get());
  std::string value(size, '\0');
  check_status(H5Aread(attr.get(), stored.get(), value.data()), file,
               "cannot read attribute " + name);
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}

std::int64_t read_int_attribute(hid_t obj, const std::string& name,
                                const std::filesystem::path& file) {
  const Attribute attr = open_attribute(obj, name, file);
  std::int64_t value = 0;
  check_status(H5Aread(attr.get(), H5T_NATIVE_INT64, &value), file,
               "cannot read attribute " + name + " as an integer");
  return value;
}

std::uint64_t read_uint_attribute(hid_t obj, const std::string& name,
                                  const std::filesystem::path& file) {
  const Attribute attr = open_attribute(obj, name, file);
  std::uint64_t value = 0;
  check_status(H5Aread(attr.get(), H5T_NATIVE_UINT64, &value), file,
               "cannot read attribute " + name + " as an integer");
  return value;
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name,
                                      const std::filesystem::path& file) {
  if (!exists(loc, name)) throw IoError(fmt::format("{}: {} is missing", file.string(), name));
  const Dataset ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), file, "cannot open " + name));
  const auto dims = shape(ds.get(), file);
  if (dims.size() != 1) throw IoError(fmt::format("{}: {} is not 1-D", file.string(), name));
  const Datatype type = string_type();
  std::vector<char*> data(dims[0], nullptr);
  if (!data.empty()) {
    check_status(H5Dread(ds.get(), type.get(), H5S_ALL, H5S_ALL, string_transfer(), data.data()),
                 file, "cannot read " + name + " as strings");
  }
  std::vector<std::string> out;
  out.reserve(data.size());
  for (char* s : data) {
    out.emplace_back(s ? s : "");
    H5free_memory(s);
  }
  return out;
}

std::string read_text(hid_t dataset, const std::filesystem::path& file, std::string_view what) {
  const Datatype type = string_type();
  char* data = nullptr;
  check_status(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, string_transfer(), &data), file,
               what);
  std::string out = data ? data : "";
  H5free_memory(data);
  return out;
}

std::vector<hsize_t> shape(hid_t dataset, const std::filesystem::path& file) {
  const Dataspace space(check(H5Dget_space(dataset), file, "cannot get a dataspace"));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw IoError(fmt::format("{}: cannot get a dataset's rank", file.string()));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

}  // namespace cxsim::h5
