// Dimension scales attached to datasets in the format of HDF5's dimension-scale API, each
// attribute written once.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <vector>

#include "outputs/hdf5_handles.hpp"

namespace cxsim::h5 {

// Attaches dimension scales as H5DSattach_scale does: the same DIMENSION_LIST attribute on each
// dataset and REFERENCE_LIST on each scale, of the same types, holding the same references in the
// same order, so that h5py, xarray and H5DS itself read them alike. The difference is cost:
// H5DSattach_scale opens every dataset already in the scale's REFERENCE_LIST to check that the new
// one is not there, then rewrites the whole list, which is quadratic in the datasets along a scale
// (a results file has about a hundred along /coords/replication). Here each dataset's list is
// written when it is attached and each scale's list once, by write_references().
class ScaleAttachments {
 public:
  explicit ScaleAttachments(std::filesystem::path file);
  ScaleAttachments(const ScaleAttachments&) = delete;
  ScaleAttachments& operator=(const ScaleAttachments&) = delete;

  // Dimension i of `dataset`, a new dataset with no scales yet, is along scales[i]. Writes its
  // DIMENSION_LIST. IoError naming the file and `what` when HDF5 refuses.
  void attach(hid_t dataset, const std::vector<hid_t>& scales, const std::string& what);

  // Writes each scale's REFERENCE_LIST: once, after the last attach, while the scales are open.
  void write_references();

 private:
  struct Entry {  // H5DS's ds_list_t: the attached dataset and the dimension of it
    hobj_ref_t dataset;
    int dimension;
  };
  struct Scale {
    hobj_ref_t self;
    Dataset handle;  // a reference of its own to the caller's scale
    std::vector<Entry> entries;
  };
  std::filesystem::path file_;
  std::vector<Scale> scales_;
  bool written_ = false;
};

}  // namespace cxsim::h5
