// Read access to any dataset and attribute of a results file, by path, for the finance tables.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "outputs/hdf5_handles.hpp"
#include "reports/table.hpp"

namespace cxsim::reports {

class ResultsFile {
 public:
  // IoError when the file is missing or not HDF5.
  explicit ResultsFile(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }

  // Paths are relative to the root ("statistics/npv"); every component must exist.
  bool has(const std::string& path) const;
  // A float64 dataset whole, with its extents; IoError when missing.
  std::vector<double> doubles(const std::string& path, std::vector<hsize_t>* dims = nullptr) const;
  std::vector<std::string> strings(const std::string& path) const;
  std::vector<std::int64_t> integers(const std::string& path) const;
  // A scalar string dataset (/scenario).
  std::string text(const std::string& path) const;
  // The datasets of a group that are not dimension scales, in name order.
  std::vector<std::string> datasets_in(const std::string& group) const;

  bool has_attribute(const std::string& object, const std::string& name) const;
  // Attributes of the object at `object` ("" or "/" = the root); "" / 0 when missing.
  std::string string_attribute(const std::string& object, const std::string& name) const;
  std::int64_t int_attribute(const std::string& object, const std::string& name) const;
  // A 1-D array of variable-length strings (an experiment's outputs); empty when missing.
  std::vector<std::string> strings_attribute(const std::string& object,
                                             const std::string& name) const;
  // Every attribute of the root, in name order, as text or a number (a list of strings joined
  // with ", ").
  std::vector<std::pair<std::string, Cell>> root_attributes() const;

 private:
  std::filesystem::path path_;
  h5::File file_;
};

}  // namespace cxsim::reports
