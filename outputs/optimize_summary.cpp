// Reads the /optimize group and renders it as text, at most 100 columns.
#include "outputs/optimize_summary.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "config/yaml_values.hpp"
#include "engine/core/errors.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim {

namespace {

using namespace h5::layout;
constexpr std::size_t kWidth = 100;
constexpr std::size_t kRunnersUp = 10;

struct Reader {
  h5::File file;
  Path path;

  std::vector<double> doubles(const std::string& name) const {
    const h5::Dataset ds = open_dataset(file.get(), name, path);
    const auto dims = h5::shape(ds.get(), path);
    std::size_t n = 1;
    for (auto d : dims) n *= static_cast<std::size_t>(d);
    return read_all(ds.get(), n, path, name);
  }
  double scalar(const std::string& name) const { return doubles(name).at(0); }
  std::string text(const std::string& name) const {
    const h5::Dataset ds = open_dataset(file.get(), name, path);
    return h5::read_text(ds.get(), path, "cannot read " + name);
  }
  std::string attr(const char* name) const {
    return h5::read_string_attribute(file.get(), name, path);
  }
  std::string attr_of(const std::string& object, const char* name) const {
    const h5::Dataset ds = open_dataset(file.get(), object, path);
    return h5::read_string_attribute(ds.get(), name, path);
  }
  double number_attr(const char* name) const {
    const h5::Attribute a(H5Aopen(file.get(), name, H5P_DEFAULT));
    double v = std::nan("");
    if (a.valid()) H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v);
    return v;
  }
};

// "billing_fix@1 + digital_app@13" from a candidate's YAML.
std::string label_of(const std::string& yaml) {
  std::string out;
  for (std::size_t at = yaml.find("{use: "); at != std::string::npos;
       at = yaml.find("{use: ", at + 1)) {
    const std::size_t name_end = yaml.find(',', at);
    const std::size_t month = yaml.find("start_month: ", name_end);
    const std::size_t month_end = yaml.find('}', month);
    if (name_end == std::string::npos || month == std::string::npos) break;
    out += (out.empty() ? "" : " + ") + yaml.substr(at + 6, name_end - at - 6) + "@" +
           yaml.substr(month + 13, month_end - month - 13);
  }
  return out.empty() ? "(no initiative)" : out;
}

std::string shorten(const std::string& s, std::size_t width) {
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

// What the screening did and the short list it handed to the selection, best score first.
std::string screening_section(const Reader& r, const std::vector<std::string>& candidates,
                              const std::string& statistic, const std::string& metric) {
  const h5::Group g = open_group(r.file.get(), "optimize/screening", r.path);
  auto number = [&](const char* name) {
    const h5::Attribute a(H5Aopen(g.get(), name, H5P_DEFAULT));
    double v = std::nan("");
    if (a.valid()) H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v);
    return v;
  };
  const double replications = number("replications");
  std::string out = fmt::format(
      "\nScreening ({}, population {}, {} generations, {} replications a plan on common random "
      "numbers): {} of {} feasible plans evaluated ({} replications)\n",
      h5::read_string_attribute(g.get(), "method", r.path), number("population"),
      number("generations"), replications, number("evaluated"), number("feasible_plans"),
      number("observations"));
  const auto objective = r.doubles("optimize/screening/objective");
  const auto plan = r.doubles("optimize/screening/candidate_plan");
  out += fmt::format("  short list ({} of {} over replications 0..{}; KN then used fresh ones):\n",
                     statistic, metric, replications - 1);
  out += fmt::format("  {:>4} {:<60} {:>9}\n", "#", "plan", "screening");
  for (std::size_t c = 1; c < candidates.size() && c < plan.size(); ++c) {
    const double score =
        std::isnan(plan[c]) ? std::nan("") : objective.at(static_cast<std::size_t>(plan[c]));
    out += fmt::format("  {:>4} {:<60} {:>9}\n", c, shorten(label_of(candidates[c]), 60),
                       format_amount(score));
  }
  return out;
}

}  // namespace

std::string format_optimize_summary(const std::filesystem::path& path) {
  h5::silence_errors();
  Reader r;
  r.path = path;
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot open it as an HDF5 file", path.string()));
  r.file = h5::File(id);
  const bool complete = h5::read_int_attribute(r.file.get(), "complete", path) == 1;
  const std::string metric = r.attr("objective_metric");
  const std::string statistic = r.attr("objective_statistic");
  const double zone = r.number_attr("indifference_zone");
  const double confidence = r.number_attr("confidence");
  const auto K = h5::read_int_attribute(r.file.get(), "candidates", path);
  const double plans = r.number_attr("plans");
  const bool crn = r.attr("random_numbers") == "common";
  const bool screened = h5::exists(r.file.get(), "optimize/screening");
  const std::string space =
      screened ? fmt::format(
                     "{} feasible plans of {} subset x start month choices, screened "
                     "to {} candidates",
                     format_number(r.number_attr("feasible_plans")), plans, K)
               : fmt::format("{} feasible plan{} of {} subset x start month choices", K,
                             K == 1 ? "" : "s", plans);
  std::string out = fmt::format(
      "{} (optimize, KN on {} random numbers) of {}: {}; objective {} of {}, indifference zone "
      "{}, confidence {}{}\n",
      path.filename().string(), crn ? "common" : "independent", r.attr("scenario_name"), space,
      statistic, metric, format_amount(zone), confidence,
      complete ? "" : " (incomplete: finish with --resume)");
  if (!complete) return fit_to_width(out, kWidth);

  const auto yaml = h5::read_strings(r.file.get(), "optimize/candidates", path);
  const auto mean = r.doubles("optimize/mean"), se = r.doubles("optimize/se"),
             n = r.doubles("optimize/n"), at = r.doubles("optimize/eliminated_at"),
             by = r.doubles("optimize/eliminated_by"),
             diff = r.doubles("optimize/paired_difference"),
             diff_se = r.doubles("optimize/paired_difference_se");
  const bool percentile = statistic != "mean";
  const auto objective = percentile ? r.doubles("optimize/" + statistic) : mean;
  const auto best = static_cast<std::size_t>(r.scalar("optimize/best_candidate"));
  const double p_correct = r.scalar("optimize/p_correct");
  const std::string kind = r.attr_of("optimize/p_correct", "kind");
  const std::string stopped_by = r.attr_of("optimize/p_correct", "stopped_by");
  const double used = r.scalar("optimize/replications");
  const double equal = r.scalar("optimize/equal_allocation_replications");
  const auto max_replications = h5::read_int_attribute(r.file.get(), "max_replications", path);

  if (stopped_by == "budget") {
    out += fmt::format(
        "\nStopped by the budget ({} replications) with several plans left: the best of them is "
        "reported, P(correct selection) estimated at {:.3f} ({}; an estimate, not the "
        "procedure's guarantee)\n",
        max_replications, p_correct,
        p_correct >= confidence ? fmt::format("at least the {} asked for", confidence)
                                : fmt::format("below the {} asked for", confidence));
  } else if (kind == "guaranteed") {
    out += fmt::format(
        "\nThe best within the indifference zone with probability at least {} (guaranteed for the "
        "mean: {})\n",
        p_correct,
        stopped_by == "one_left" ? "every other plan eliminated"
                                 : "the elimination boundaries closed");
  } else {
    out += fmt::format(
        "\nP(correct selection) {} is an estimate: the procedure's guarantee holds for means, "
        "and the objective is a percentile ({})\n",
        p_correct, statistic);
  }
  if (screened) {
    out += fmt::format(
        "The guarantee holds among the short list of {} plans that the screening found (and the "
        "plan with no initiative), not over every feasible plan\n",
        K - 1);
    const double screening = r.scalar("optimize/total_replications") - used;
    out += fmt::format(
        "Replications: {} by the selection + {} by the screening = {} of {} allowed (baseline "
        "runs not counted); equal allocation needs {} for the same guarantee on the short list "
        "({:.1f}x)\n",
        used, screening, used + screening, max_replications, equal,
        used > 0 ? equal / used : std::nan(""));
  } else {
    out += fmt::format(
        "Replications: {} of {} allowed (baseline runs not counted); equal allocation needs {} "
        "for the same guarantee ({:.1f}x)\n",
        used, max_replications, equal, used > 0 ? equal / used : std::nan(""));
  }

  out += fmt::format(
      "\nBest: #{} {}\n  {} of {}: {} (se {}), {} replications\n", best, label_of(yaml[best]),
      percentile ? statistic : "mean", metric, format_amount(objective[best]),
      format_amount(percentile ? r.doubles("optimize/" + statistic + "_se")[best] : se[best]),
      n[best]);

  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < yaml.size(); ++i) {
    if (i != best && !std::isnan(objective[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return objective[a] > objective[b]; });
  out += fmt::format(
      "\nRunners-up: the best minus each, paired replication by replication (mean of {}, 95% "
      "interval); why each was dropped\n",
      metric);
  out += fmt::format("  {:>4} {:<34} {:>7} {:>23} {:>5}  {}\n", "#", "plan",
                     percentile ? statistic : "mean", "best - plan [95%]", "n", "dropped");
  for (std::size_t k = 0; k < std::min(order.size(), kRunnersUp); ++k) {
    const std::size_t i = order[k];
    const std::string interval = fmt::format("{} [{}, {}]", format_amount(diff[i]),
                                             format_amount(diff[i] - 1.96 * diff_se[i]),
                                             format_amount(diff[i] + 1.96 * diff_se[i]));
    const std::string why =
        std::isnan(at[i]) ? std::string("left at the end")
                          : fmt::format("at {}, by #{}", at[i], static_cast<std::size_t>(by[i]));
    out += fmt::format("  {:>4} {:<34} {:>7} {:>23} {:>5}  {}\n", i, shorten(label_of(yaml[i]), 34),
                       format_amount(objective[i]), interval, n[i], why);
  }
  if (order.size() > kRunnersUp) {
    const double first = static_cast<double>(K) * static_cast<double>(h5::read_int_attribute(
                                                      r.file.get(), "first_stage", path));
    std::size_t at_first = 0;
    for (std::size_t k = kRunnersUp; k < order.size(); ++k)
      at_first += at[order[k]] == first ? 1 : 0;
    out += fmt::format(
        "  ... {} more, each dropped once its estimate fell behind another's by more than the "
        "shrinking boundary ({} at the first screening)\n",
        order.size() - kRunnersUp, at_first);
  }

  out += "\nPaste into the scenario's roadmaps:\n  - " + r.text("optimize/best") + "\n";
  if (screened) out += screening_section(r, yaml, statistic, metric);

  if (h5::exists(r.file.get(), "optimize/frontier")) {
    const auto budget = r.doubles("optimize/frontier/budget"),
               fmean = r.doubles("optimize/frontier/mean"), fse = r.doubles("optimize/frontier/se"),
               fp = r.doubles("optimize/frontier/p_correct"),
               freps = r.doubles("optimize/frontier/replications"),
               fbest = r.doubles("optimize/frontier/best_candidate");
    out += fmt::format("\nFrontier: the best plan within each capex_total\n");
    out += fmt::format("  {:>9} {:<44} {:>8} {:>8} {:>9} {:>8}\n", "budget", "best plan", "mean",
                       "se", "P(CS)", "reps");
    for (std::size_t b = 0; b < budget.size(); ++b) {
      out += fmt::format("  {:>9} {:<44} {:>8} {:>8} {:>9.3f} {:>8}\n", format_amount(budget[b]),
                         shorten(label_of(yaml[static_cast<std::size_t>(fbest[b])]), 44),
                         format_amount(fmean[b]), format_amount(fse[b]), fp[b], freps[b]);
    }
  }
  return fit_to_width(out, kWidth);
}

}  // namespace cxsim
