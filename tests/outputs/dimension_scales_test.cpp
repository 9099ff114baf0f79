// ScaleAttachments writes what H5DSattach_scale writes: two files built by the same steps, one
// through each, hold DIMENSION_LIST and REFERENCE_LIST attributes of equal types naming the same
// objects in the same order, and the dimension-scale API reads both alike.
#include <gtest/gtest.h>
#include <hdf5_hl.h>

#include <string>
#include <utility>
#include <vector>

#include "engine/core/errors.hpp"
#include "fake_results.hpp"
#include "outputs/dimension_scales.hpp"
#include "outputs/hdf5_handles.hpp"

namespace cxsim {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

h5::Dataset make_dataset(hid_t file, const std::string& name, std::vector<hsize_t> dims) {
  const h5::Dataspace space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  return h5::Dataset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT));
}

// Three scales and four datasets along them (one dimension of one left without a scale), attached
// through `scales` or, without it, through H5DSattach_scale.
void build(const fs::path& path, bool deferred) {
  const h5::File f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  ASSERT_TRUE(f.valid());
  std::vector<h5::Dataset> scales;
  for (const auto& [name, size] : std::vector<std::pair<std::string, hsize_t>>{
           {"roadmap", 3}, {"replication", 5}, {"month", 4}}) {
    scales.push_back(make_dataset(f.get(), name, {size}));
    ASSERT_GE(H5DSset_scale(scales.back().get(), name.c_str()), 0);
  }
  const hid_t roadmap = scales[0].get(), replication = scales[1].get(), month = scales[2].get();
  const std::vector<std::pair<std::string, std::vector<hid_t>>> datasets = {
      {"revenue", {roadmap, replication, month}},
      {"npv", {roadmap, replication}},
      {"done", {replication}},
      {"partly", {replication, H5I_INVALID_HID}},
  };
  h5::ScaleAttachments attachments(path);
  for (const auto& [name, along] : datasets) {
    std::vector<hsize_t> dims;
    for (hid_t s : along) dims.push_back(s == roadmap ? 3 : s == month ? 4 : 5);
    const h5::Dataset ds = make_dataset(f.get(), name, dims);
    if (deferred) {
      attachments.attach(ds.get(), along, name);
      continue;
    }
    for (std::size_t i = 0; i < along.size(); ++i) {
      if (along[i] != H5I_INVALID_HID) {
        ASSERT_GE(H5DSattach_scale(ds.get(), along[i], static_cast<unsigned>(i)), 0);
      }
    }
  }
  if (deferred) attachments.write_references();
}

std::string name_of(hid_t file, const hobj_ref_t& ref) {
  const h5::Handle<H5Oclose> obj(H5Rdereference2(file, H5P_DEFAULT, H5R_OBJECT, &ref));
  char name[256] = {};
  if (!obj.valid() || H5Iget_name(obj.get(), name, sizeof name) < 0) return "?";
  return name;
}

struct Attached {
  std::vector<std::vector<std::string>> dimension_lists;  // per dataset, per dimension
  std::vector<std::vector<std::pair<std::string, int>>> reference_lists;  // per scale
  std::vector<int> attached;        // H5DSis_attached for every (dataset, dimension, scale)
  std::vector<h5::Datatype> types;  // the attributes' stored types
};

Attached read(const fs::path& path) {
  Attached out;
  const h5::File f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  const std::vector<std::string> scales = {"roadmap", "replication", "month"};
  for (const char* name : {"revenue", "npv", "done", "partly"}) {
    const h5::Dataset ds(H5Dopen2(f.get(), name, H5P_DEFAULT));
    const h5::Attribute attr(H5Aopen(ds.get(), "DIMENSION_LIST", H5P_DEFAULT));
    out.types.emplace_back(H5Aget_type(attr.get()));
    const h5::Dataspace space(H5Aget_space(attr.get()));
    const auto rank = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    const h5::Datatype type(H5Tvlen_create(H5T_STD_REF_OBJ));
    std::vector<hvl_t> lists(rank);
    EXPECT_GE(H5Aread(attr.get(), type.get(), lists.data()), 0);
    std::vector<std::string> names;
    for (const hvl_t& list : lists) {
      std::string joined;
      for (std::size_t j = 0; j < list.len; ++j) {
        joined += name_of(f.get(), static_cast<const hobj_ref_t*>(list.p)[j]) + ";";
      }
      names.push_back(joined);
    }
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, lists.data());
    out.dimension_lists.push_back(names);
    for (unsigned i = 0; i < rank; ++i) {
      for (const std::string& s : scales) {
        const h5::Dataset scale(H5Dopen2(f.get(), s.c_str(), H5P_DEFAULT));
        out.attached.push_back(H5DSis_attached(ds.get(), scale.get(), i));
      }
    }
  }
  for (const std::string& s : scales) {
    const h5::Dataset scale(H5Dopen2(f.get(), s.c_str(), H5P_DEFAULT));
    const h5::Attribute attr(H5Aopen(scale.get(), "REFERENCE_LIST", H5P_DEFAULT));
    out.types.emplace_back(H5Aget_type(attr.get()));
    const h5::Dataspace space(H5Aget_space(attr.get()));
    struct Entry {
      hobj_ref_t ref;
      int dim;
    };
    const h5::Datatype type(H5Tcreate(H5T_COMPOUND, sizeof(Entry)));
    H5Tinsert(type.get(), "dataset", HOFFSET(Entry, ref), H5T_STD_REF_OBJ);
    H5Tinsert(type.get(), "dimension", HOFFSET(Entry, dim), H5T_NATIVE_INT);
    std::vector<Entry> entries(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
    EXPECT_GE(H5Aread(attr.get(), type.get(), entries.data()), 0);
    std::vector<std::pair<std::string, int>> list;
    for (const Entry& e : entries) list.emplace_back(name_of(f.get(), e.ref), e.dim);
    out.reference_lists.push_back(list);
  }
  return out;
}

TEST(ScaleAttachments, WritesWhatH5DSattachScaleWrites) {
  const TempDir dir("dimension_scales");
  build(dir / "h5ds.h5", false);
  build(dir / "deferred.h5", true);
  const Attached want = read(dir / "h5ds.h5");
  const Attached got = read(dir / "deferred.h5");
  EXPECT_EQ(got.dimension_lists, want.dimension_lists);
  EXPECT_EQ(got.reference_lists, want.reference_lists);
  EXPECT_EQ(got.attached, want.attached);
  ASSERT_EQ(got.types.size(), want.types.size());
  for (std::size_t i = 0; i < got.types.size(); ++i) {
    EXPECT_GT(H5Tequal(got.types[i].get(), want.types[i].get()), 0) << "attribute " << i;
  }
  // What was built is what was asked for (so that two empty files cannot agree).
  ASSERT_EQ(want.dimension_lists.size(), 4u);
  EXPECT_EQ(want.dimension_lists[0],
            (std::vector<std::string>{"/roadmap;", "/replication;", "/month;"}));
  EXPECT_EQ(want.dimension_lists[3], (std::vector<std::string>{"/replication;", ""}));
  EXPECT_EQ(want.reference_lists[1],
            (std::vector<std::pair<std::string, int>>{
                {"/revenue", 1}, {"/npv", 1}, {"/done", 0}, {"/partly", 0}}));
}

TEST(ScaleAttachments, AnAttachmentAfterTheListsAreWrittenIsRefused) {
  const TempDir dir("dimension_scales_late");
  const auto path = dir / "late.h5";
  const h5::File f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  const h5::Dataset scale = make_dataset(f.get(), "replication", {2});
  ASSERT_GE(H5DSset_scale(scale.get(), "replication"), 0);
  const h5::Dataset a = make_dataset(f.get(), "a", {2});
  const h5::Dataset b = make_dataset(f.get(), "b", {2});
  h5::ScaleAttachments attachments(path);
  attachments.attach(a.get(), {scale.get()}, "/a");
  attachments.write_references();
  EXPECT_THROW(attachments.attach(b.get(), {scale.get()}, "/b"), IoError);
}

}  // namespace
}  // namespace cxsim
