// The parts every experiment writer shares (see experiment_file_parts.hpp).
#include "outputs/experiment_file_parts.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

using Path = std::filesystem::path;

void write_experiment_attributes(hid_t f, const LoadedExperiment& experiment,
                                 const RunProvenance& provenance, std::string_view random_numbers,
                                 const Path& file) {
  using h5::layout::host_name;
  using h5::layout::utc_now;
  const Scenario& s = experiment.base;
  const ExperimentSpec& spec = experiment.spec;
  h5::write_attribute(f, "format", kResultsFormat, file);
  h5::write_attribute(f, "format_version", kResultsFormatVersion, file);
  h5::write_attribute(f, "engine_version", kVersion, file);
  h5::write_attribute(f, "git_commit", kGitCommit, file);
  h5::write_attribute(f, "created_utc", utc_now(), file);
  h5::write_attribute(f, "command_line", provenance.command_line, file);
  h5::write_attribute(f, "hostname", host_name(), file);
  h5::write_attribute(f, "seed", static_cast<std::uint64_t>(s.seed), file);
  h5::write_attribute(f, "replications", static_cast<std::int64_t>(s.replications), file);
  h5::write_attribute(f, "horizon_months", static_cast<std::int64_t>(s.horizon_months), file);
  h5::write_attribute(f, "agents", static_cast<std::int64_t>(s.agents), file);
  h5::write_attribute(f, "population", s.population, file);
  h5::write_attribute(f, "agent_weight", s.agent_weight(), file);
  h5::write_attribute(f, "scenario_name", s.name, file);
  h5::write_attribute(f, "currency", s.currency, file);
  h5::write_attribute(f, "terminal_value", to_string(s.terminal_value), file);
  h5::write_attribute(f, "scenario_sha256", sha256_hex(s.resolved_yaml), file);
  h5::layout::write_posterior_attributes(f, s, file);
  h5::write_attribute(f, "baseline_roadmap",
                      s.roadmaps.empty() ? std::string() : s.roadmaps[s.baseline].name, file);
  h5::write_attribute(f, "random_numbers", random_numbers, file);
  h5::write_attribute(f, "experiment", to_string(spec.kind), file);
  h5::write_attribute(f, "experiment_sha256", sha256_hex(spec.resolved_yaml), file);
}

std::vector<std::string> experiment_inputs(const LoadedExperiment& experiment) {
  std::vector<std::string> inputs = experiment.base.source_files;
  inputs.push_back(experiment.spec.file);
  return inputs;
}

void refuse_existing(const Path& out, const Path& partial, bool force) {
  if (!force && std::filesystem::exists(out)) {
    throw IoError(fmt::format(
        "{}: exists (got an existing file; expected a new name, or --force to overwrite it)",
        out.string()));
  }
  if (!force && std::filesystem::exists(partial)) {
    throw IoError(
        fmt::format("{}: an interrupted experiment is there (got {}; expected --resume to finish "
                    "it, or --force to start over)",
                    out.string(), partial.string()));
  }
  std::error_code ec;
  std::filesystem::remove(partial, ec);
}

h5::Dataset create_done_flags(hid_t run, hsize_t n, std::string_view description,
                              const Path& path) {
  const h5::Dataspace space(H5Screate_simple(1, &n, nullptr));
  const h5::PropertyList dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const hsize_t chunk = std::max<hsize_t>(1, std::min<hsize_t>(n, 1024));
  if (n > 0) {
    H5Pset_chunk(dcpl.get(), 1, &chunk);
    H5Pset_fletcher32(dcpl.get());
  }
  const std::uint8_t zero = 0;
  H5Pset_fill_value(dcpl.get(), H5T_NATIVE_UINT8, &zero);
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC);
  h5::Dataset ds(h5::check(H5Dcreate2(run, "point_done", H5T_STD_U8LE, space.get(), H5P_DEFAULT,
                                      dcpl.get(), H5P_DEFAULT),
                           path, "cannot create /run/point_done"));
  h5::layout::describe(ds.get(), "1", description, path);
  return ds;
}

void require_partial(const Path& out, const Path& partial) {
  if (!std::filesystem::exists(partial)) {
    throw IoError(
        fmt::format("{}: nothing to resume (got no {}; expected the .partial file of an "
                    "interrupted experiment: run it without --resume)",
                    out.string(), partial.string()));
  }
}

void check_same_experiment(hid_t f, const LoadedExperiment& experiment, const Path& partial) {
  auto same = [&](const char* attr, const std::string& want, const char* what) {
    const std::string got = h5::read_string_attribute(f, attr, partial);
    if (got != want) {
      throw IoError(
          fmt::format("{}: written for another {} (got {} {}; expected {} of this "
                      "command: run without --resume, or with --force to start over)",
                      partial.string(), what, attr, got.substr(0, 12), want.substr(0, 12)));
    }
  };
  same("experiment", to_string(experiment.spec.kind), "kind of experiment");
  same("experiment_sha256", sha256_hex(experiment.spec.resolved_yaml), "experiment");
  same("scenario_sha256", sha256_hex(experiment.base.resolved_yaml), "scenario");
}

void flush_experiment_file(hid_t file, const h5::StorageState& storage, const Path& partial,
                           std::string_view what) {
  const herr_t status = H5Fflush(file, H5F_SCOPE_GLOBAL);
  if (status < 0 || storage.failed()) {
    throw IoError(fmt::format("{}: cannot write {}{}", partial.string(), what,
                              storage.failed() ? ": " + storage.failure : std::string()));
  }
}

void create_experiment_file(const ExperimentFileSlots& slots, const LoadedExperiment& experiment,
                            bool force, const std::function<void()>& lay_out,
                            const std::function<void()>& close) {
  check_output_target(slots.out, experiment_inputs(experiment));
  slots.lock = std::make_unique<OutputLock>(slots.partial);
  refuse_existing(slots.out, slots.partial, force);
  try {
    slots.file = h5::layout::open_file(slots.partial, H5F_ACC_TRUNC, true, slots.storage);
    lay_out();
    flush_experiment_file(slots.file.get(), slots.storage, slots.partial, "the new file");
  } catch (...) {
    close();
    std::error_code ec;
    std::filesystem::remove(slots.partial, ec);
    throw;
  }
}

void reopen_experiment_file(const ExperimentFileSlots& slots, const LoadedExperiment& experiment,
                            const RunProvenance& provenance, const std::function<void()>& read_back,
                            const std::function<void()>& close) {
  check_output_target(slots.out, experiment_inputs(experiment));
  slots.lock = std::make_unique<OutputLock>(slots.partial);
  require_partial(slots.out, slots.partial);
  verify_results_file(slots.partial);
  try {
    slots.file = h5::layout::open_file(slots.partial, H5F_ACC_RDWR, false, slots.storage);
    const hid_t f = slots.file.get();
    check_same_experiment(f, experiment, slots.partial);
    read_back();
    h5::write_attribute(f, "resumed_utc", h5::layout::utc_now(), slots.partial);
    h5::write_attribute(f, "resumed_command_line", provenance.command_line, slots.partial);
    flush_experiment_file(f, slots.storage, slots.partial, "the resumed file");
  } catch (...) {
    close();
    throw;
  }
}

std::vector<bool> read_done_flags(hid_t done, std::size_t n, const Path& partial) {
  std::vector<std::uint8_t> flags(n, 0);
  if (n > 0) {
    h5::check_status(H5Dread(done, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, flags.data()),
                     partial, "cannot read /run/point_done");
  }
  std::vector<bool> out(n, false);
  for (std::size_t i = 0; i < n; ++i) out[i] = flags[i] != 0;
  return out;
}

void close_verify_and_rename(h5::File& file, const h5::StorageState& storage, const Path& partial,
                             const Path& out) {
  const hid_t id = file.release();  // closed here, with its status checked
  const herr_t status = id >= 0 ? H5Fclose(id) : 0;
  if (status < 0 || storage.failed()) {
    throw IoError(fmt::format("{}: cannot close it{}", partial.string(),
                              storage.failed() ? ": " + storage.failure : std::string()));
  }
  try {
    verify_results_file(partial);
  } catch (const DamagedFile& e) {
    throw IoError(
        fmt::format("{}; it did not read back whole after writing, so it was not "
                    "renamed to {}: start over with --force",
                    e.what(), out.string()));
  }
  std::filesystem::rename(partial, out);
  h5::layout::sync_folder(out);
}

}  // namespace cxsim
