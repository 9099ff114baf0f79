// Dimension scales in H5DS's format, each attribute written once (see dimension_scales.hpp).
#include "outputs/dimension_scales.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <utility>

#include "engine/core/errors.hpp"

namespace cxsim::h5 {

namespace {

hobj_ref_t reference_to(hid_t object, const std::filesystem::path& file, const std::string& what) {
  hobj_ref_t ref{};
  check_status(H5Rcreate(&ref, object, ".", H5R_OBJECT, -1), file, "cannot refer to " + what);
  return ref;
}

}  // namespace

ScaleAttachments::ScaleAttachments(std::filesystem::path file) : file_(std::move(file)) {}

void ScaleAttachments::attach(hid_t dataset, const std::vector<hid_t>& scales,
                              const std::string& what) {
  if (written_)
    throw IoError(
        fmt::format("{}: {} attached after the scales were written", file_.string(), what));
  const std::string failure = "cannot attach the dimension scales of " + what;
  const hobj_ref_t self = reference_to(dataset, file_, what);
  std::vector<hobj_ref_t> refs(scales.size(), hobj_ref_t{});
  std::vector<hvl_t> lists(scales.size(), hvl_t{0, nullptr});
  for (std::size_t i = 0; i < scales.size(); ++i) {
    if (scales[i] == H5I_INVALID_HID) continue;
    refs[i] = reference_to(scales[i], file_, "the dimension scale of " + what);
    lists[i] = hvl_t{1, &refs[i]};
    auto scale = std::find_if(scales_.begin(), scales_.end(),
                              [&](const Scale& s) { return s.self == refs[i]; });
    if (scale == scales_.end()) {
      check_status(H5Iinc_ref(scales[i]), file_, failure);
      scales_.push_back(Scale{refs[i], Dataset(scales[i]), {}});
      scale = scales_.end() - 1;
    }
    scale->entries.push_back(Entry{self, static_cast<int>(i)});
  }
  const hsize_t rank = scales.size();
  const Dataspace space(check(H5Screate_simple(1, &rank, nullptr), file_, failure));
  const Datatype type(check(H5Tvlen_create(H5T_STD_REF_OBJ), file_, failure));
  const Attribute attr(check(
      H5Acreate2(dataset, "DIMENSION_LIST", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      file_, failure));
  check_status(H5Awrite(attr.get(), type.get(), lists.data()), file_, failure);
}

void ScaleAttachments::write_references() {
  written_ = true;
  const Datatype type(check(H5Tcreate(H5T_COMPOUND, sizeof(Entry)), file_,
                            "cannot make the type of REFERENCE_LIST"));
  check_status(H5Tinsert(type.get(), "dataset", offsetof(Entry, dataset), H5T_STD_REF_OBJ), file_,
               "cannot make the type of REFERENCE_LIST");
  check_status(H5Tinsert(type.get(), "dimension", offsetof(Entry, dimension), H5T_NATIVE_INT),
               file_, "cannot make the type of REFERENCE_LIST");
  for (Scale& scale : scales_) {
    const std::string failure = "cannot write the REFERENCE_LIST of a dimension scale";
    const hsize_t n = scale.entries.size();
    const Dataspace space(check(H5Screate_simple(1, &n, nullptr), file_, failure));
    const Attribute attr(check(H5Acreate2(scale.handle.get(), "REFERENCE_LIST", type.get(),
                                          space.get(), H5P_DEFAULT, H5P_DEFAULT),
                               file_, failure));
    check_status(H5Awrite(attr.get(), type.get(), scale.entries.data()), file_, failure);
  }
  scales_.clear();
}

}  // namespace cxsim::h5
