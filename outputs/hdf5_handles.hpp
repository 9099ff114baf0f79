// Owning wrappers for HDF5 identifiers, and the few typed read/write helpers the results files
// need.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cxsim::h5 {

// Closes its identifier exactly once; movable, not copyable.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Gives up ownership: the caller closes the identifier (and can check how that went).
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
  void reset() {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropertyList = Handle<H5Pclose>;

// HDF5 prints its error stack to stderr by default; library code never prints, so turn that off
// (idempotent; errors still surface as negative return values that we turn into IoError).
void silence_errors();

// Throws IoError("<file>: <what>") when id < 0; returns id otherwise.
hid_t check(hid_t id, const std::filesystem::path& file, std::string_view what);
void check_status(herr_t status, const std::filesystem::path& file, std::string_view what);

// Variable-length UTF-8 string type (what h5py and xarray read as str).
Datatype string_type();

// The transfer property list for reading and writing datasets of variable-length strings: every
// such transfer converts, and HDF5 allocates and zeroes a type-conversion buffer for each, 1 MiB
// by default. This one is 64 KiB (a 1 MiB buffer costs a quarter of a millisecond in fresh pages
// every time). Lives as long as the process.
hid_t string_transfer();

bool exists(hid_t loc, const std::string& name);

void write_attribute(hid_t obj, const std::string& name, std::string_view value,
                     const std::filesystem::path& file);
void write_attribute(hid_t obj, const std::string& name, double value,
                     const std::filesystem::path& file);
void write_attribute(hid_t obj, const std::string& name, std::int64_t value,
                     const std::filesystem::path& file);
void write_attribute(hid_t obj, const std::string& name, std::uint64_t value,
                     const std::filesystem::path& file);

std::string read_string_attribute(hid_t obj, const std::string& name,
                                  const std::filesystem::path& file);
std::int64_t read_int_attribute(hid_t obj, const std::string& name,
                                const std::filesystem::path& file);
std::uint64_t read_uint_attribute(hid_t obj, const std::string& name,
                                  const std::filesystem::path& file);

// A 1-D variable-length string dataset.
std::vector<std::string> read_strings(hid_t loc, const std::string& name,
                                      const std::filesystem::path& file);

// The value of an open scalar variable-length string dataset ("" when it holds none). IoError
// "<file>: <what>" when HDF5 cannot read it.
std::string read_text(hid_t dataset, const std::filesystem::path& file, std::string_view what);

// The extents of a dataset.
std::vector<hsize_t> shape(hid_t dataset, const std::filesystem::path& file);

}  // namespace cxsim::h5
