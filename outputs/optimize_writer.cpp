// The optimize file: root attributes as an experiment file's plus the block's, the candidates
// and their spending at creation, the observation log appended stage by stage (/run records how
// many are on the disk), the selections at the end; the layout digest is taken again once the
// selections are written, so the finished file reads back whole.
#include "outputs/optimize_writer.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>

#include <cmath>
#include <limits>

#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "engine/core/version.hpp"
#include "engine/metrics.hpp"
#include "experiments/optimize_space.hpp"
#include "outputs/experiment_file_parts.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/output_target.hpp"
#include "outputs/results_integrity.hpp"
#include "outputs/sha256.hpp"

namespace cxsim {

namespace {

using Path = std::filesystem::path;
using namespace h5::layout;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kWritten = "observations_written";
constexpr hsize_t kChunk = 4096;

std::int64_t budgets_of(const OptimizeBlock& b) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(b.capex_total.size()));
}

void scalar_dataset(hid_t loc, const std::string& name, double value, std::string_view units,
                    std::string_view description, const Path& file) {
  const h5::Dataspace space(H5Screate(H5S_SCALAR));
  const h5::Dataset ds(h5::check(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(),
                                            H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                 file, "cannot create " + name));
  h5::check_status(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value),
                   file, "cannot write " + name);
  describe(ds.get(), units, description, file);
}

std::vector<double> read_block(hid_t ds, hsize_t n, const Path& file, std::string_view what) {
  std::vector<double> values(n, kNaN);
  if (n == 0) return values;
  const h5::Dataspace file_space(h5::check(H5Dget_space(ds), file, "cannot get a dataspace"));
  const hsize_t start = 0;
  h5::check_status(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr), file,
      fmt::format("cannot select {}", what));
  const h5::Dataspace mem_space(H5Screate_simple(1, &n, nullptr));
  h5::check_status(
      H5Dread(ds, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT, values.data()),
      file, fmt::format("cannot read {}", what));
  return values;
}

}  // namespace

OptimizeWriter::OptimizeWriter(Path out, const LoadedExperiment& experiment,
                               const OptimizeProblem& problem, const WriterOptions& options)
    : out_(std::move(out)),
      partial_(partial_path(out_)),
      experiment_(experiment),
      problem_(problem),
      capacity_(budgets_of(experiment.spec.optimize) * experiment.spec.optimize.max_replications) {
  storage_.faults = options.faults;
  storage_.sync = options.sync;
}

OptimizeWriter::~OptimizeWriter() {
  close_quietly();
}

ExperimentFileSlots OptimizeWriter::slots() {
  return {out_, partial_, lock_, file_, storage_};
}

void OptimizeWriter::close_quietly() {
  try {
    summary_.clear();
    candidate_ = h5::Dataset();
    replication_ = h5::Dataset();
    file_ = h5::File();
  } catch (...) {
  }
}

void OptimizeWriter::flush(std::string_view what) {
  flush_experiment_file(file_.get(), storage_, partial_, what);
}

std::unique_ptr<OptimizeWriter> OptimizeWriter::create(const Path& out,
                                                       const LoadedExperiment& experiment,
                                                       const OptimizeProblem& problem,
                                                       const RunProvenance& provenance, bool force,
                                                       const WriterOptions& options) {
  std::unique_ptr<OptimizeWriter> w(new OptimizeWriter(out, experiment, problem, options));
  create_experiment_file(
      w->slots(), experiment, force, [&] { w->create_layout(provenance); },
      [&] { w->close_quietly(); });
  return w;
}

void OptimizeWriter::create_layout(const RunProvenance& provenance) {
  const Scenario& s = experiment_.base;
  const ExperimentSpec& spec = experiment_.spec;
  const OptimizeBlock& block = spec.optimize;
  const hid_t f = file_.get();
  const Path& file = partial_;

  write_experiment_attributes(f, experiment_, provenance,
                              block.common_random_numbers ? "common" : "independent", file);
  h5::write_attribute(f, "points", budgets_of(block), file);
  write_strings_attribute(f, "outputs", spec.outputs, file);
  h5::write_attribute(f, "method", "kn", file);
  h5::write_attribute(f, "objective_metric", block.metric, file);
  h5::write_attribute(f, "objective_statistic", block.statistic, file);
  h5::write_attribute(f, "indifference_zone", block.indifference_zone, file);
  h5::write_attribute(f, "confidence", block.confidence, file);
  h5::write_attribute(f, "max_replications", block.max_replications, file);
  h5::write_attribute(f, "first_stage", block.first_stage, file);
  h5::write_attribute(f, "candidates", static_cast<std::int64_t>(block.plans.size()), file);
  h5::write_attribute(f, "plans", block.all_plans, file);
  h5::write_attribute(f, "complete", std::int64_t{0}, file);
  if (block.screened) {
    // KN's guarantee holds among the short list that the screening found, not the whole space.
    h5::write_attribute(f, "selection_scope", "shortlist", file);
    h5::write_attribute(f, "feasible_plans", block.feasible_plans, file);
  }

  write_text_dataset(f, "scenario", s.resolved_yaml,
                     "the base scenario, fully resolved (YAML, after extends, set and --set)",
                     file);
  write_text_dataset(f, "experiment", spec.resolved_yaml,
                     "the resolved experiment file (YAML): scenario, overrides, outputs and the "
                     "optimize block",
                     file);

  const auto K = static_cast<hsize_t>(block.plans.size());
  const auto N = static_cast<hsize_t>(capacity_);
  const auto B = static_cast<hsize_t>(budgets_of(block));
  h5::Dataset c_candidate, c_observation, c_budget;
  {
    const h5::Group g = create_group(f, "coords", file);
    std::vector<std::int64_t> candidate(K), observation(N), budget(B);
    for (hsize_t i = 0; i < K; ++i) candidate[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < N; ++i) observation[i] = static_cast<std::int64_t>(i);
    for (hsize_t i = 0; i < B; ++i) budget[i] = static_cast<std::int64_t>(i);
    c_candidate = number_coord(g.get(), "candidate", H5T_STD_I64LE, candidate, "1",
                               "candidate plan (0-based; 0 is the plan with no initiative; "
                               "/optimize/candidates holds each as YAML)",
                               file);
    c_observation = number_coord(g.get(), "observation", H5T_STD_I64LE, observation, "1",
                                 "observation in the order the procedure took it (room for "
                                 "max_replications per budget; NaN rows beyond those taken)",
                                 file);
    c_budget = number_coord(g.get(), "budget", H5T_STD_I64LE, budget, "1",
                            "selection (0-based): one per capex_total, ascending", file);
  }
  const Dimension d_obs{N, kChunk, c_observation.get()};
  const Dimension d_candidate{K, std::max<hsize_t>(K, 1), c_candidate.get()};
  {
    const h5::Group g = create_group(f, "optimize", file);
    link_coord(f, g.get(), "candidate", file);
    link_coord(f, g.get(), "observation", file);
    string_dataset(g.get(), "candidates", problem_.yaml, c_candidate.get(),
                   "each candidate roadmap as YAML {name, initiatives: [{use, start_month}]}",
                   file);
    std::vector<double> capex(K);
    for (hsize_t i = 0; i < K; ++i) capex[i] = block.plans[i].capex_total;
    const h5::Dataset cx = create_metric(
        g.get(), "/optimize", "capex_total", {d_candidate},
        s.currency.empty() ? "money" : s.currency,
        "the candidate's capex over the horizon as the constraints count it (a distribution's "
        "mean)",
        false, file);
    if (K > 0) write_block(cx.get(), {0}, {K}, capex.data(), file, "/optimize/capex_total");
    if (block.screened) write_screening(g.get(), c_candidate.get());
    create_metric(g.get(), "/optimize", "observation_candidate", {d_obs}, "1",
                  "the candidate of each observation (/summary rows)", false, file);
    create_metric(g.get(), "/optimize", "observation_replication", {d_obs}, "1",
                  "the replication of each observation: replication j of every candidate shares "
                  "its random numbers (common random numbers)",
                  false, file);
  }
  {
    const h5::Group g = create_group(f, "summary", file);
    link_coord(f, g.get(), "observation", file);
    for (const auto& m : summary_metric_infos()) {
      create_metric(g.get(), "/summary", std::string(m.name), {d_obs}, m.units,
                    fmt::format("{} (one row per observation; is_best is NaN here: it depends on "
                                "the roadmaps run beside a candidate)",
                                m.description),
                    false, file);
    }
  }
  {
    const h5::Group run = create_group(f, "run", file);
    const h5::Dataset ds =
        create_done_flags(run.get(), B, "1 once the selection of that budget is in the file", file);
    h5::write_attribute(run.get(), kWritten, std::int64_t{0}, file);
    h5::write_attribute(run.get(), kLayoutDigest, layout_digest(f, file), file);
  }
  open_datasets();
}

void OptimizeWriter::write_screening(hid_t optimize_group, hid_t candidate_scale) {
  const OptimizeBlock& block = experiment_.spec.optimize;
  const auto K = static_cast<hsize_t>(block.plans.size());
  const Dimension d_candidate{K, std::max<hsize_t>(K, 1), candidate_scale};
  const ScreeningOutcome& o = block.screening_outcome;
  const ScreeningSettings& s = block.screening;
  const Path& file = partial_;
  const hid_t f = file_.get();
  const auto E = static_cast<hsize_t>(o.evaluated.size());
  h5::Dataset c_screened;
  {
    const h5::Group coords = open_group(f, "coords", file);
    std::vector<std::int64_t> index(E);
    for (hsize_t i = 0; i < E; ++i) index[i] = static_cast<std::int64_t>(i);
    c_screened = number_coord(coords.get(), "screened_plan", H5T_STD_I64LE, index, "1",
                              "plan the screening evaluated (0-based, in the order first "
                              "evaluated; /optimize/screening/plans holds each as YAML)",
                              file);
  }
  const h5::Group g = create_group(optimize_group, "screening", file);
  link_coord(f, g.get(), "screened_plan", file);
  h5::write_attribute(g.get(), "method", s.method, file);
  h5::write_attribute(g.get(), "population", static_cast<std::int64_t>(s.population), file);
  h5::write_attribute(g.get(), "generations", static_cast<std::int64_t>(s.generations), file);
  h5::write_attribute(g.get(), "shortlist", static_cast<std::int64_t>(s.shortlist), file);
  h5::write_attribute(g.get(), "replications", s.replications, file);
  h5::write_attribute(g.get(), "feasible_plans", block.feasible_plans, file);
  h5::write_attribute(g.get(), "evaluated", static_cast<std::int64_t>(E), file);
  h5::write_attribute(g.get(), "observations", o.observations, file);
  std::vector<std::string> yaml;
  std::vector<double> capex(E), generation(E);
  for (hsize_t i = 0; i < E; ++i) {
    yaml.push_back(plan_yaml(fmt::format("screened_{}", i), block, o.evaluated[i]));
    capex[i] = o.evaluated[i].capex_total;
    generation[i] = o.generation[i];
  }
  string_dataset(g.get(), "plans", yaml, c_screened.get(),
                 "each plan the screening evaluated, as YAML {name, initiatives: [{use, "
                 "start_month}]}",
                 file);
  const Dimension d_screened{E, std::max<hsize_t>(E, 1), c_screened.get()};
  const std::string units =
      block.metric == "customers_end"
          ? "customers"
          : (experiment_.base.currency.empty() ? "money" : experiment_.base.currency);
  auto per_plan = [&](const std::string& name, const std::vector<double>& v, std::string_view u,
                      std::string_view description) {
    const h5::Dataset ds = create_metric(g.get(), "/optimize/screening", name, {d_screened}, u,
                                         description, false, file);
    if (E > 0) write_block(ds.get(), {0}, {E}, v.data(), file, "/optimize/screening/" + name);
  };
  per_plan("objective", o.objective, units,
           fmt::format("the screening score: the {} of {} over replications 0..{} (common random "
                       "numbers: the same replications for every plan)",
                       block.statistic, block.metric, s.replications - 1));
  per_plan("capex_total", capex, units == "customers" ? "money" : units,
           "the plan's capex over the horizon as the constraints count it");
  per_plan("generation", generation, "1",
           "the generation that first evaluated the plan (0: the initial population)");
  // Each candidate's screened plan: the short list, best first, after the empty plan.
  std::vector<double> of_candidate(block.plans.size(), kNaN);
  if (o.empty_plan >= 0) of_candidate[0] = o.empty_plan;
  for (std::size_t k = 0; k < o.shortlist.size(); ++k) of_candidate[k + 1] = o.shortlist[k];
  const h5::Dataset ds =
      create_metric(g.get(), "/optimize/screening", "candidate_plan", {d_candidate}, "1",
                    "the screened plan each candidate is (NaN: not screened); candidates 1.. are "
                    "the short list, best screening score first",
                    false, file);
  write_block(ds.get(), {0}, {d_candidate.size}, of_candidate.data(), file,
              "/optimize/screening/candidate_plan");
}

void OptimizeWriter::open_datasets() {
  const hid_t f = file_.get();
  const h5::Group g = open_group(f, "summary", partial_);
  summary_.clear();
  for (const auto& m : summary_metric_infos()) {
    summary_.push_back(open_dataset(g.get(), std::string(m.name), partial_));
  }
  const h5::Group o = open_group(f, "optimize", partial_);
  candidate_ = open_dataset(o.get(), "observation_candidate", partial_);
  replication_ = open_dataset(o.get(), "observation_replication", partial_);
}

std::unique_ptr<OptimizeWriter> OptimizeWriter::resume(const Path& out,
                                                       const LoadedExperiment& experiment,
                                                       const OptimizeProblem& problem,
                                                       const RunProvenance& provenance,
                                                       const WriterOptions& options) {
  std::unique_ptr<OptimizeWriter> w(new OptimizeWriter(out, experiment, problem, options));
  reopen_experiment_file(
      w->slots(), experiment, provenance,
      [&] {
        if (experiment.spec.optimize.screened) w->check_same_shortlist();
        w->open_datasets();
        w->read_back_observations();
      },
      [&] { w->close_quietly(); });
  return w;
}

void OptimizeWriter::check_same_shortlist() const {
  // The screening was recomputed for this run: the file's observations belong to its candidates
  // only if it found the same short list (another pagmo build might not).
  const auto on_disk = h5::read_strings(file_.get(), "optimize/candidates", partial_);
  if (on_disk != problem_.yaml) {
    throw IoError(fmt::format(
        "{}: written for another short list (got {} candidates from the screening on the disk, "
        "expected the {} this run's screening found, the same plans: run without --resume, or "
        "with --force to start over)",
        partial_.string(), on_disk.size(), problem_.yaml.size()));
  }
}

void OptimizeWriter::read_back_observations() {
  const h5::Group run = open_group(file_.get(), "run", partial_);
  const std::int64_t n = h5::read_int_attribute(run.get(), kWritten, partial_);
  if (n < 0 || n > capacity_) {
    throw DamagedFile(
        fmt::format("{}: is damaged: /run records {} observations", partial_.string(), n));
  }
  const auto N = static_cast<hsize_t>(n);
  const auto cand = read_block(candidate_.get(), N, partial_, "/optimize/observation_candidate");
  const auto rep = read_block(replication_.get(), N, partial_, "/optimize/observation_replication");
  std::vector<std::vector<double>> metrics;
  for (std::size_t m = 0; m < summary_.size(); ++m) {
    metrics.push_back(read_block(summary_[m].get(), N, partial_, "/summary"));
  }
  const double K = static_cast<double>(problem_.names.size());
  resumed_.resize(N);
  for (hsize_t i = 0; i < N; ++i) {
    if (!(cand[i] >= 0 && cand[i] < K) || !(rep[i] >= 0)) {
      throw DamagedFile(
          fmt::format("{}: is damaged: observation {} names no candidate", partial_.string(), i));
    }
    resumed_[i].candidate = static_cast<int>(cand[i]);
    resumed_[i].replication = static_cast<std::int64_t>(rep[i]);
    for (std::size_t m = 0; m < metrics.size(); ++m) resumed_[i].summary[m] = metrics[m][i];
  }
  written_ = n;
}

void OptimizeWriter::add(const OptimizeObservation& o) {
  buffer_.push_back(o);
}

void OptimizeWriter::write_stage() {
  if (buffer_.empty()) return;
  const auto m = static_cast<hsize_t>(buffer_.size());
  if (written_ + static_cast<std::int64_t>(m) > capacity_) {
    throw IoError(
        fmt::format("{}: more observations than the file has room for", partial_.string()));
  }
  const auto at = static_cast<hsize_t>(written_);
  std::vector<double> v(m);
  for (hsize_t i = 0; i < m; ++i) v[i] = buffer_[i].candidate;
  write_block(candidate_.get(), {at}, {m}, v.data(), partial_, "/optimize/observation_candidate");
  for (hsize_t i = 0; i < m; ++i) v[i] = static_cast<double>(buffer_[i].replication);
  write_block(replication_.get(), {at}, {m}, v.data(), partial_,
              "/optimize/observation_replication");
  for (std::size_t k = 0; k < summary_.size(); ++k) {
    for (hsize_t i = 0; i < m; ++i) v[i] = buffer_[i].summary[k];
    write_block(summary_[k].get(), {at}, {m}, v.data(), partial_, "/summary");
  }
  flush("observations");
  written_ += static_cast<std::int64_t>(m);
  buffer_.clear();
  const h5::Group run = open_group(file_.get(), "run", partial_);
  h5::write_attribute(run.get(), kWritten, written_, partial_);
  flush("/run: observations written");
}

void OptimizeWriter::finish(const OptimizationRun& run) {
  write_stage();
  const OptimizeBlock& block = experiment_.spec.optimize;
  const hid_t f = file_.get();
  const Path& file = partial_;
  if (run.selections.empty())
    throw IoError(fmt::format("{}: no selection to write", file.string()));
  const auto K = static_cast<hsize_t>(block.plans.size());
  const BudgetSelection& main = run.selections.back();
  const SelectionResult& r = main.result;
  const std::string money = experiment_.base.currency.empty() ? "money" : experiment_.base.currency;
  const bool is_money = block.metric != "customers_end";
  const std::string units = is_money ? money : "customers";
  {
    const h5::Group g = open_group(f, "optimize", file);
    const h5::Dataset c_candidate = open_dataset(f, "coords/candidate", file);
    const Dimension d_candidate{K, std::max<hsize_t>(K, 1), c_candidate.get()};
    auto per_candidate = [&](const std::string& name, auto value, std::string_view u,
                             std::string_view description) {
      std::vector<double> v(K, kNaN);
      for (std::size_t s = 0; s < main.candidates.size(); ++s) {
        v[static_cast<std::size_t>(main.candidates[s])] = value(s);
      }
      const h5::Dataset ds =
          create_metric(g.get(), "/optimize", name, {d_candidate}, u, description, false, file);
      if (K > 0) write_block(ds.get(), {0}, {K}, v.data(), file, "/optimize/" + name);
    };
    const std::string of = fmt::format("{} over the candidate's replications", block.metric);
    per_candidate(
        "mean", [&](std::size_t s) { return r.mean[s]; }, units, "mean of " + of);
    per_candidate(
        "se", [&](std::size_t s) { return r.se[s]; }, units, "standard error of the mean of " + of);
    if (!std::isnan(block.percentile)) {
      per_candidate(
          block.statistic, [&](std::size_t s) { return r.estimate[s]; }, units,
          fmt::format("the objective: the {}th percentile of {}", block.percentile, of));
      per_candidate(
          block.statistic + "_se", [&](std::size_t s) { return r.estimate_se[s]; }, units,
          "bootstrap standard error of the objective percentile");
    }
    if (block.screened) {
      const ScreeningOutcome& o = block.screening_outcome;
      per_candidate(
          "n",
          [&](std::size_t s) {
            const bool screened = main.candidates[s] > 0 || o.empty_plan >= 0;
            return static_cast<double>(r.n[s] + (screened ? block.screening.replications : 0));
          },
          "1",
          "replications of the candidate, screening included (the selection's, after the "
          "screening's; mean and se are over the selection's alone; baseline runs not counted)");
    } else {
      per_candidate(
          "n", [&](std::size_t s) { return static_cast<double>(r.n[s]); }, "1",
          "replications of the candidate that the selection used (baseline runs not counted)");
    }
    per_candidate(
        "eliminated_at", [&](std::size_t s) { return r.eliminated_at[s]; }, "1",
        "replications over all candidates when it was dropped (NaN: never)");
    per_candidate(
        "eliminated_by",
        [&](std::size_t s) {
          const int by = r.eliminated_by[s];
          return by < 0 ? kNaN : static_cast<double>(main.candidates[static_cast<std::size_t>(by)]);
        },
        "1", "the candidate it fell behind by more than the elimination boundary (NaN: never)");
    per_candidate(
        "paired_difference", [&](std::size_t s) { return r.paired_difference[s]; }, units,
        fmt::format("the best minus the candidate, mean of {} replication by replication over "
                    "the replications they share (common random numbers)",
                    block.metric));
    per_candidate(
        "paired_difference_se", [&](std::size_t s) { return r.paired_difference_se[s]; }, units,
        "standard error of the paired difference");

    const int best = main.best_candidate();
    Plan plan = block.plans[static_cast<std::size_t>(best)];
    write_text_dataset(g.get(), "best", plan_yaml(problem_.best_name, block, plan),
                       "the selected roadmap, one YAML mapping {name, initiatives: [{use, "
                       "start_month}]} that pastes into the scenario's roadmaps",
                       file);
    scalar_dataset(g.get(), "best_candidate", best, "1", "the selected candidate's index", file);
    scalar_dataset(g.get(), "p_correct", r.p_correct, "1",
                   r.p_correct_guaranteed
                       ? "the probability of correct selection (within the indifference zone) "
                         "the procedure guarantees"
                       : "an estimate of the probability of correct selection (within the "
                         "indifference zone): the procedure's bound does not hold here",
                   file);
    {
      const h5::Dataset ds = open_dataset(g.get(), "p_correct", file);
      h5::write_attribute(ds.get(), "kind", r.p_correct_guaranteed ? "guaranteed" : "estimated",
                          file);
      h5::write_attribute(ds.get(), "stopped_by", to_string(r.end), file);
      if (block.screened) h5::write_attribute(ds.get(), "scope", "shortlist", file);
    }
    scalar_dataset(g.get(), "replications", static_cast<double>(r.total), "1",
                   "replications the selection used over all candidates (sum of n)", file);
    scalar_dataset(g.get(), "equal_allocation_replications", r.equal_allocation, "1",
                   "replications that equal allocation needs for the same guarantee on the same "
                   "first stage (paired Bonferroni, Nelson & Matejcik 1995)",
                   file);
    scalar_dataset(g.get(), "simulated_observations", static_cast<double>(run.observations), "1",
                   "distinct (candidate, replication) pairs in /summary over every budget", file);
    if (block.screened) {
      scalar_dataset(g.get(), "total_replications",
                     static_cast<double>(r.total + block.screening_outcome.observations), "1",
                     "replications over all plans, the screening's included (at most "
                     "max_replications)",
                     file);
    }
    if (block.capex_total.size() > 1) {
      // /coords/budget is not linked in: the frontier's own `budget` holds the amounts.
      const h5::Group fr = create_group(g.get(), "frontier", file);
      const h5::Dataset c_budget = open_dataset(f, "coords/budget", file);
      const auto B = static_cast<hsize_t>(run.selections.size());
      const Dimension d_budget{B, B, c_budget.get()};
      auto per_budget = [&](const std::string& name, auto value, std::string_view u,
                            std::string_view description) {
        std::vector<double> v(B);
        for (hsize_t i = 0; i < B; ++i) v[i] = value(run.selections[i]);
        const h5::Dataset ds = create_metric(fr.get(), "/optimize/frontier", name, {d_budget}, u,
                                             description, false, file);
        write_block(ds.get(), {0}, {B}, v.data(), file, "/optimize/frontier/" + name);
      };
      auto best_of = [](const BudgetSelection& s) {
        return static_cast<std::size_t>(s.result.best);
      };
      per_budget(
          "budget", [](const BudgetSelection& s) { return s.budget; }, money,
          "capex_total of the selection");
      per_budget(
          "mean", [&](const BudgetSelection& s) { return s.result.mean[best_of(s)]; }, units,
          "mean objective metric of the best plan within the budget");
      per_budget(
          "se", [&](const BudgetSelection& s) { return s.result.se[best_of(s)]; }, units,
          "its standard error");
      per_budget(
          "p_correct", [](const BudgetSelection& s) { return s.result.p_correct; }, "1",
          "probability of correct selection (guaranteed or estimated as /optimize/p_correct)");
      per_budget(
          "replications",
          [](const BudgetSelection& s) { return static_cast<double>(s.result.total); }, "1",
          "replications the selection used");
      per_budget(
          "best_candidate",
          [](const BudgetSelection& s) { return static_cast<double>(s.best_candidate()); }, "1",
          "the selected candidate's index");
      std::vector<std::string> best;
      for (const auto& s : run.selections) {
        best.push_back(plan_yaml(problem_.best_name, block,
                                 block.plans[static_cast<std::size_t>(s.best_candidate())]));
      }
      string_dataset(fr.get(), "best", best, c_budget.get(),
                     "the selected roadmap within each budget, as YAML", file);
    }
  }
  {
    const h5::Group run_group = open_group(f, "run", file);
    const h5::Dataset done = open_dataset(run_group.get(), "point_done", file);
    const std::vector<std::uint8_t> ones(run.selections.size(), 1);
    h5::check_status(
        H5Dwrite(done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, ones.data()), file,
        "cannot write /run/point_done");
  }
  h5::write_attribute(f, "complete", std::int64_t{1}, file);
  {
    // The layout now holds the selections: its digest again.
    const h5::Group run_group = open_group(f, "run", file);
    h5::write_attribute(run_group.get(), kLayoutDigest, layout_digest(f, file), file);
  }
  flush("the finished file");
  summary_.clear();
  candidate_ = h5::Dataset();
  replication_ = h5::Dataset();
  close_verify_and_rename(file_, storage_, partial_, out_);
  finished_ = true;
}

}  // namespace cxsim
