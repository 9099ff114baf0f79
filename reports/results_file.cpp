// Generic reads from a results file with the project's HDF5 handles.
#include "reports/results_file.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <algorithm>

#include "engine/core/errors.hpp"
#include "outputs/hdf5_layout.hpp"

namespace cxsim::reports {

namespace {

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

std::string object_path(const std::string& object) {
  return object.empty() ? "/" : object;
}

}  // namespace

ResultsFile::ResultsFile(const std::filesystem::path& path) : path_(path) {
  h5::silence_errors();
  if (!std::filesystem::exists(path)) {
    throw IoError(fmt::format("{}: no such file", path.string()));
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw IoError(fmt::format("{}: not an HDF5 file", path.string()));
  }
  file_ =
      h5::File(h5::check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, "cannot open"));
}

bool ResultsFile::has(const std::string& path) const {
  std::string prefix;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    prefix += (prefix.empty() ? "" : "/") + path.substr(start, end - start);
    if (!h5::exists(file_.get(), prefix)) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

std::vector<double> ResultsFile::doubles(const std::string& path,
                                         std::vector<hsize_t>* dims) const {
  if (!has(path)) throw IoError(fmt::format("{}: /{} is missing", path_.string(), path));
  const h5::Dataset ds(
      h5::check(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), path_, "cannot open /" + path));
  const std::vector<hsize_t> shape = h5::shape(ds.get(), path_);
  std::size_t n = 1;
  for (hsize_t d : shape) n *= static_cast<std::size_t>(d);
  std::vector<double> values(n);
  if (n > 0) {
    h5::check_status(
        H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path_,
        "cannot read /" + path);
  }
  if (dims) *dims = shape;
  return values;
}

std::vector<std::string> ResultsFile::strings(const std::string& path) const {
  return h5::read_strings(file_.get(), path, path_);
}

std::vector<std::int64_t> ResultsFile::integers(const std::string& path) const {
  if (!has(path)) throw IoError(fmt::format("{}: /{} is missing", path_.string(), path));
  const h5::Dataset ds(
      h5::check(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), path_, "cannot open /" + path));
  const std::vector<hsize_t> shape = h5::shape(ds.get(), path_);
  std::size_t n = 1;
  for (hsize_t d : shape) n *= static_cast<std::size_t>(d);
  std::vector<std::int64_t> values(n);
  if (n > 0) {
    h5::check_status(
        H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path_,
        "cannot read /" + path);
  }
  return values;
}

std::string ResultsFile::text(const std::string& path) const {
  if (!has(path)) throw IoError(fmt::format("{}: /{} is missing", path_.string(), path));
  const h5::Dataset ds(
      h5::check(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), path_, "cannot open /" + path));
  return h5::read_text(ds.get(), path_, "cannot read /" + path + " as text");
}

std::vector<std::string> ResultsFile::datasets_in(const std::string& group) const {
  std::vector<std::string> out;
  if (!has(group)) return out;
  const h5::Group g(
      h5::check(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), path_, "cannot open /" + group));
  std::vector<std::string> names;
  h5::check_status(H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
                   path_, "cannot list /" + group);
  for (const std::string& name : names) {
    const hid_t obj = H5Oopen(g.get(), name.c_str(), H5P_DEFAULT);
    if (obj < 0) continue;
    const bool dataset = H5Iget_type(obj) == H5I_DATASET;
    const bool scale = dataset && H5DSis_scale(obj) > 0;
    H5Oclose(obj);
    if (dataset && !scale) out.push_back(name);
  }
  return out;
}

bool ResultsFile::has_attribute(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(file_.get(), object_path(object).c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string ResultsFile::string_attribute(const std::string& object,
                                          const std::string& name) const {
  if (!has_attribute(object, name)) return "";
  const std::string where = object_path(object);
  const hid_t obj = H5Oopen(file_.get(), where.c_str(), H5P_DEFAULT);
  if (obj < 0) return "";
  std::string value;
  try {
    value = h5::read_string_attribute(obj, name, path_);
  } catch (...) {
    H5Oclose(obj);
    throw;
  }
  H5Oclose(obj);
  return value;
}

std::vector<std::string> ResultsFile::strings_attribute(const std::string& object,
                                                        const std::string& name) const {
  if (!has_attribute(object, name)) return {};
  const std::string where = object_path(object);
  const hid_t obj = H5Oopen(file_.get(), where.c_str(), H5P_DEFAULT);
  if (obj < 0) return {};
  std::vector<std::string> values;
  try {
    values = h5::layout::read_strings_attribute(obj, name, path_);
  } catch (...) {
    H5Oclose(obj);
    throw;
  }
  H5Oclose(obj);
  return values;
}

std::int64_t ResultsFile::int_attribute(const std::string& object, const std::string& name) const {
  if (!has_attribute(object, name)) return 0;
  const std::string where = object_path(object);
  const hid_t obj = H5Oopen(file_.get(), where.c_str(), H5P_DEFAULT);
  if (obj < 0) return 0;
  std::int64_t value = 0;
  try {
    value = h5::read_int_attribute(obj, name, path_);
  } catch (...) {
    H5Oclose(obj);
    throw;
  }
  H5Oclose(obj);
  return value;
}

std::vector<std::pair<std::string, Cell>> ResultsFile::root_attributes() const {
  std::vector<std::string> names;
  hsize_t index = 0;
  H5Aiterate2(file_.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute, &names);
  std::vector<std::pair<std::string, Cell>> out;
  for (const std::string& name : names) {
    const h5::Attribute attr(H5Aopen(file_.get(), name.c_str(), H5P_DEFAULT));
    if (!attr.valid()) continue;
    const h5::Datatype type(H5Aget_type(attr.get()));
    const H5T_class_t cls = H5Tget_class(type.get());
    const h5::Dataspace space(H5Aget_space(attr.get()));
    const hssize_t elements = H5Sget_simple_extent_npoints(space.get());
    if (cls == H5T_STRING && elements != 1 && H5Tis_variable_str(type.get()) > 0) {
      // A list (an experiment's outputs): its entries joined.
      std::string joined;
      for (const std::string& s : strings_attribute("", name)) {
        joined += (joined.empty() ? "" : ", ") + s;
      }
      out.emplace_back(name, joined);
    } else if (cls == H5T_STRING && elements == 1) {
      out.emplace_back(name, h5::read_string_attribute(file_.get(), name, path_));
    } else if (cls == H5T_INTEGER) {
      const bool is_unsigned = H5Tget_sign(type.get()) == H5T_SGN_NONE;
      if (is_unsigned) {
        // Seeds are unsigned 64-bit: kept as text so that no digit is lost.
        out.emplace_back(name, std::to_string(h5::read_uint_attribute(file_.get(), name, path_)));
      } else {
        out.emplace_back(name,
                         static_cast<double>(h5::read_int_attribute(file_.get(), name, path_)));
      }
    } else if (cls == H5T_FLOAT) {
      double value = 0;
      H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value);
      out.emplace_back(name, value);
    }
  }
  return out;
}

}  // namespace cxsim::reports
