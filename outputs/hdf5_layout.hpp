// Building blocks of the RESULTS.md layout, shared by run and experiment files: groups whose
// links and attributes stay compact, dimension-scale coordinates hard-linked into every group,
// NaN-filled chunked float64 datasets with Fletcher-32 and units, checked block writes and reads,
// files opened through the checked storage driver.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/scenario.hpp"
#include "outputs/dimension_scales.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/storage_driver.hpp"

namespace cxsim::h5::layout {

using Path = std::filesystem::path;

// The current time as 2026-01-31T12:00:00Z, and this machine's name ("unknown" if none).
std::string utc_now();
std::string host_name();

// Links and attributes kept in their object's header, which HDF5 1.10 checksums, never in the
// "dense" heaps and B-trees it moves them to past 8 (whose damage HDF5 1.10 does not survive
// reading: it crashes freeing a half-read link table).
void keep_compact(hid_t plist, bool links, const Path& file);

Group create_group(hid_t loc, const std::string& name, const Path& file);
// IoError "<file>: <name> is missing" when absent.
Group open_group(hid_t loc, const std::string& name, const Path& file);
Dataset open_dataset(hid_t loc, const std::string& name, const Path& file);

// The root attributes posterior_source and posterior_sha256 of a scenario with a posterior, as
// its overlay wrote them; nothing without one.
void write_posterior_attributes(hid_t file, const Scenario& s, const Path& path);

// The units and description attributes every dataset carries.
void describe(hid_t obj, std::string_view units, std::string_view description, const Path& file);

// A 1-D coordinate made a dimension scale: strings, or integers (std::int32_t, std::int64_t with
// the matching HDF5 type).
Dataset string_coord(hid_t group, const std::string& name, const std::vector<std::string>& values,
                     std::string_view description, const Path& file);
template <typename T>
Dataset number_coord(hid_t group, const std::string& name, hid_t type, const std::vector<T>& values,
                     std::string_view units, std::string_view description, const Path& file);

// Makes /coords/<name> visible in group as <name>, so xarray finds it when opening that group.
void link_coord(hid_t file_id, hid_t group, const std::string& name, const Path& file);

struct Dimension {
  hsize_t size;
  hsize_t chunk;
  hid_t scale;
};

// A NaN-filled float64 dataset with its dimension scales attached and its units described. The
// scales are attached through `scales` where given (ScaleAttachments: each scale's list written
// once, at the end), through H5DSattach_scale otherwise.
Dataset create_metric(hid_t group, const std::string& group_path, const std::string& name,
                      const std::vector<Dimension>& dims, std::string_view units,
                      std::string_view description, bool compress, const Path& file,
                      ScaleAttachments* scales = nullptr);

// A 1-D variable-length string dataset along the dimension scale `scale` (not itself a scale).
void string_dataset(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                    hid_t scale, std::string_view description, const Path& file,
                    ScaleAttachments* scales = nullptr);

// A scalar variable-length string dataset (the resolved scenario or experiment text).
void write_text_dataset(hid_t loc, const std::string& name, const std::string& text,
                        std::string_view description, const Path& file);

// Writes a block of doubles at start (count elements per dimension).
void write_block(hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
                 const double* data, const Path& file, std::string_view what);
// Reads n doubles, the whole dataset.
std::vector<double> read_all(hid_t ds, std::size_t n, const Path& file, std::string_view what);

// Opens or creates through the checked driver (storage_driver.hpp), reporting into `storage`.
File open_file(const Path& path, unsigned flags, bool create, StorageState& storage);

// A 1-D array of strings as an attribute, and back (IoError when missing).
void write_strings_attribute(hid_t obj, const std::string& name,
                             const std::vector<std::string>& values, const Path& file);
std::vector<std::string> read_strings_attribute(hid_t obj, const std::string& name,
                                                const Path& file);

// Makes a rename durable: the folder's entry reaches the disk too. Best effort: the file is in
// place whatever the answer, and some file systems cannot sync a folder.
void sync_folder(const Path& file);

}  // namespace cxsim::h5::layout
