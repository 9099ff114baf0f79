// Reads an experiment file and renders its summary as text.
#include "outputs/experiment_summary.hpp"

#include <fmt/format.h>
#include <hdf5.h>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/core/errors.hpp"
#include "engine/statistics.hpp"
#include "outputs/attribution_summary.hpp"
#include "outputs/calibration_summary.hpp"
#include "outputs/hdf5_handles.hpp"
#include "outputs/hdf5_layout.hpp"
#include "outputs/optimize_summary.hpp"
#include "outputs/summary_table.hpp"

namespace cxsim {

namespace {

using namespace h5::layout;
constexpr std::size_t kWidth = 100;
constexpr std::size_t kListedPoints = 20;  // a sweep lists its points when it has no more

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
  std::string attr(const char* name) const {
    return h5::read_string_attribute(file.get(), name, path);
  }
};

// A factor's name for a table column: an effect's value `initiatives.<i>.effects.<target>` as
// "<i>: <target>"; too wide, its leading components are cut to three letters one by one
// (segments.consumer.wom.x -> seg.con.wom.x), keeping the last; still too wide, it keeps its
// start and its end ("a.b..y.z").
std::string shorten(const std::string& name, std::size_t width) {
  std::string prefix;
  std::string rest = name;
  constexpr std::string_view kInitiatives = "initiatives.";
  constexpr std::string_view kEffects = ".effects.";
  if (rest.rfind(kInitiatives, 0) == 0) {
    const std::size_t at = rest.find(kEffects, kInitiatives.size());
    if (at != std::string::npos) {
      prefix = rest.substr(kInitiatives.size(), at - kInitiatives.size()) + ": ";
      rest = rest.substr(at + kEffects.size());
    }
  }
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = rest.find('.', start);
    parts.push_back(rest.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  auto joined = [&] {
    std::string out = prefix;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
    return out;
  };
  std::string shown = joined();
  for (std::size_t i = 0; i + 1 < parts.size() && shown.size() > width; ++i) {
    if (parts[i].size() > 3) parts[i].resize(3);
    shown = joined();
  }
  if (shown.size() <= width) return shown;
  const std::size_t head = (width - 2) / 3, tail = width - 2 - head;
  return shown.substr(0, head) + ".." + shown.substr(shown.size() - tail);
}

std::string interval(double x, double lo, double hi) {
  if (std::isnan(x)) return "-";
  return fmt::format("{:.2f} [{:.2f}, {:.2f}]", x, lo, hi);
}

std::string sensitivity_block(const Reader& r, const std::string& method,
                              const std::vector<std::string>& outputs,
                              const std::vector<std::string>& roadmaps,
                              const std::vector<std::string>& factors) {
  std::string out;
  const std::size_t M = roadmaps.size(), F = factors.size();
  for (const auto& o : outputs) {
    const std::string g = "sensitivity/" + o + "/";
    for (std::size_t m = 0; m < M; ++m) {
      auto row = [&](const std::vector<double>& v, std::size_t f) { return v[m * F + f]; };
      std::vector<std::size_t> order(F);
      std::iota(order.begin(), order.end(), 0);
      if (method == "sobol") {
        const auto s1 = r.doubles(g + "S1"), s1l = r.doubles(g + "S1_low"),
                   s1h = r.doubles(g + "S1_high"), st = r.doubles(g + "ST"),
                   stl = r.doubles(g + "ST_low"), sth = r.doubles(g + "ST_high");
        if (std::all_of(order.begin(), order.end(),
                        [&](std::size_t f) { return std::isnan(row(st, f)); })) {
          continue;  // the output does not vary for this roadmap (the baseline's delta_npv)
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
          const double x = row(st, a), y = row(st, b);
          return std::isnan(y) ? !std::isnan(x) : x > y;
        });
        out += fmt::format("\n{} of roadmap {}: Sobol indices, 95% bootstrap intervals\n", o,
                           roadmaps[m]);
        out += fmt::format("  {:<52} {:>22} {:>22}\n", "factor", "S1 (alone)", "ST (total)");
        for (std::size_t f : order) {
          out += fmt::format("  {:<52} {:>22} {:>22}\n", shorten(factors[f], 52),
                             interval(row(s1, f), row(s1l, f), row(s1h, f)),
                             interval(row(st, f), row(stl, f), row(sth, f)));
        }
      } else if (method == "morris") {
        const auto ms = r.doubles(g + "mu_star"), msl = r.doubles(g + "mu_star_low"),
                   msh = r.doubles(g + "mu_star_high"), mu = r.doubles(g + "mu"),
                   sd = r.doubles(g + "sigma");
        if (std::all_of(order.begin(), order.end(),
                        [&](std::size_t f) { return std::isnan(row(ms, f)); })) {
          continue;
        }
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
          const double x = row(ms, a), y = row(ms, b);
          return std::isnan(y) ? !std::isnan(x) : x > y;
        });
        out += fmt::format("\n{} of roadmap {}: Morris elementary effects (per design range)\n", o,
                           roadmaps[m]);
        out += fmt::format("  {:<52} {:>24} {:>9} {:>9}\n", "factor", "mu* [95% interval]", "mu",
                           "sigma");
        for (std::size_t f : order) {
          out += fmt::format("  {:<52} {:>24} {:>9} {:>9}\n", shorten(factors[f], 52),
                             fmt::format("{} [{}, {}]", format_amount(row(ms, f)),
                                         format_amount(row(msl, f)), format_amount(row(msh, f))),
                             format_amount(row(mu, f)), format_amount(row(sd, f)));
        }
      } else {
        const auto lo = r.doubles(g + "low"), hi = r.doubles(g + "high"),
                   base = r.doubles(g + "base");
        const double b = F > 0 ? row(base, 0) : std::nan("");
        double swing_max = 0.0;
        for (std::size_t f = 0; f < F; ++f) {
          swing_max = std::max({swing_max, std::abs(row(lo, f) - b), std::abs(row(hi, f) - b)});
        }
        if (!(swing_max > 0.0)) continue;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t c) {
          return std::abs(row(hi, a) - row(lo, a)) > std::abs(row(hi, c) - row(lo, c));
        });
        out += fmt::format(
            "\n{} of roadmap {}: tornado, each factor at its p05 and p95, the others at their "
            "medians (base {})\n",
            o, roadmaps[m], format_amount(b));
        constexpr int kHalf = 8;
        out += fmt::format("  {:<52} {:>8} {:>8}  {:^{}}\n", "factor", "p05", "p95",
                           "p05 x | o p95", 2 * kHalf + 1);
        for (std::size_t f : order) {
          // A bar each side of the base: '-' reaches the lower of the two levels, '+' the higher.
          std::string bar(2 * kHalf + 1, ' ');
          bar[kHalf] = '|';
          auto cell = [&](double v) {
            return static_cast<int>(std::lround((v - b) / swing_max * kHalf));
          };
          const int a = cell(row(lo, f)), c = cell(row(hi, f));
          for (int i = std::min({a, c, 0}); i <= std::max({a, c, 0}); ++i) {
            if (i != 0) bar[static_cast<std::size_t>(kHalf + i)] = '=';
          }
          if (a != 0) bar[static_cast<std::size_t>(kHalf + a)] = 'x';
          if (c != 0) bar[static_cast<std::size_t>(kHalf + c)] = 'o';
          out += fmt::format("  {:<52} {:>8} {:>8}  {}\n", shorten(factors[f], 52),
                             format_amount(row(lo, f)), format_amount(row(hi, f)), bar);
        }
      }
    }
  }
  return out;
}

std::string sweep_block(const Reader& r, const std::vector<std::string>& outputs,
                        const std::vector<std::string>& roadmaps,
                        const std::vector<std::string>& factors, std::size_t P) {
  std::string out;
  const std::size_t M = roadmaps.size(), F = factors.size(), S = kStatistics;
  const auto design = r.doubles("design/values");
  if (P <= kListedPoints) {
    out += "\npoints\n";
    for (std::size_t p = 0; p < P; ++p) {
      std::string values;
      for (std::size_t f = 0; f < F; ++f) {
        values += fmt::format("{}{}={}", f ? ", " : "", factors[f], design[p * F + f]);
      }
      out += fmt::format("  {:>5}  {}\n", p, values);
    }
  }
  const bool paired = h5::exists(r.file.get(), "paired_difference");
  for (const auto& o : outputs) {
    const auto stats = r.doubles("statistics/" + o);
    const auto diff = paired ? r.doubles("paired_difference/" + o) : std::vector<double>();
    out += fmt::format("\n{}: the highest and the lowest point{}\n", o,
                       paired ? " (mean; vs base: paired difference against the base scenario, +- "
                                "its 95% Student-t interval)"
                              : "");
    out += fmt::format("  {:<20} {:>5} {:>8} {:>17}   {:>5} {:>8} {:>17}\n", "roadmap", "high",
                       "mean", "vs base", "low", "mean", "vs base");
    for (std::size_t m = 0; m < M; ++m) {
      auto mean = [&](std::size_t p) { return stats[(p * M + m) * S + 0]; };
      std::size_t hi = 0, lo = 0;
      bool any = false;
      for (std::size_t p = 0; p < P; ++p) {
        if (std::isnan(mean(p))) continue;
        if (!any || mean(p) > mean(hi)) hi = p;
        if (!any || mean(p) < mean(lo)) lo = p;
        any = true;
      }
      if (!any) {
        out += fmt::format("  {:<20} {:>5}\n", shorten(roadmaps[m], 20), "-");
        continue;
      }
      auto versus = [&](std::size_t p) {
        if (!paired) return std::string("-");
        const double d = diff[(p * M + m) * S + 0], se = diff[(p * M + m) * S + 2];
        const double n = diff[(p * M + m) * S + 6];
        if (std::isnan(d)) return std::string("-");
        if (!(se > 0) || !(n >= 2)) return format_amount(d);
        // A Student-t interval: with few replications per point, 1.96 se would be far too narrow.
        const boost::math::students_t t(n - 1);
        return fmt::format("{} +- {}", format_amount(d),
                           format_amount(boost::math::quantile(t, 0.975) * se));
      };
      out += fmt::format("  {:<20} {:>5} {:>8} {:>17}   {:>5} {:>8} {:>17}\n",
                         shorten(roadmaps[m], 20), hi, format_amount(mean(hi)), versus(hi), lo,
                         format_amount(mean(lo)), versus(lo));
    }
  }
  return out;
}

}  // namespace

bool is_experiment_file(const std::filesystem::path& path) {
  h5::silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) return false;
  const h5::File f(id);
  return H5Aexists(f.get(), "experiment") > 0;
}

std::string format_experiment_summary(const std::filesystem::path& path) {
  h5::silence_errors();
  Reader r;
  r.path = path;
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError(fmt::format("{}: cannot open it as an HDF5 file", path.string()));
  r.file = h5::File(id);
  const std::string kind = r.attr("experiment");
  if (kind == "attribute") return format_attribution_summary(path);
  if (kind == "optimize") return format_optimize_summary(path);
  if (kind == "calibrate") return format_calibration_summary(path);
  const auto roadmaps = h5::read_strings(r.file.get(), "coords/roadmap", path);
  const auto factors = h5::read_strings(r.file.get(), "coords/factor", path);
  const auto outputs = read_strings_attribute(r.file.get(), "outputs", path);
  const auto P = static_cast<std::size_t>(h5::read_int_attribute(r.file.get(), "points", path));
  const auto R = h5::read_int_attribute(r.file.get(), "replications", path);
  const bool complete = h5::read_int_attribute(r.file.get(), "complete", path) == 1;
  const std::string how = kind == "sweep" ? r.attr("design") : r.attr("method");
  std::string out = fmt::format(
      "{} ({} {}) of {}: {} factor{}, {} points x {} replications, common random numbers{}\n",
      path.filename().string(), kind, how, r.attr("scenario_name"), factors.size(),
      factors.size() == 1 ? "" : "s", P, R, complete ? "" : " (incomplete: finish with --resume)");
  if (!complete) return out;
  if (kind == "sensitivity") {
    out += sensitivity_block(r, how, outputs, roadmaps, factors);
  } else {
    out += sweep_block(r, outputs, roadmaps, factors, P);
  }
  return fit_to_width(out, kWidth);
}

}  // namespace cxsim
