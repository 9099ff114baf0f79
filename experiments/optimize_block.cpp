// The optimize block: keys checked with did-you-mean, values read by the scenario readers, what
// each candidate initiative spends read from a probe build of the scenario (one roadmap per
// candidate, so the library's own checks apply), then the plans enumerated under the constraints.
#include "experiments/optimize_block.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "config/did_you_mean.hpp"
#include "config/yaml_values.hpp"
#include "experiments/optimize_space.hpp"

namespace cxsim {

namespace {

const std::vector<std::string> kBlockKeys = {
    "initiatives", "start_months",     "constraints",           "objective", "indifference_zone",
    "confidence",  "max_replications", "common_random_numbers", "screening"};
const std::vector<std::string> kConstraintKeys = {"capex_total", "capex_per_year",
                                                  "opex_per_month"};
const std::vector<std::string> kObjectiveKeys = {"metric", "statistic"};
const std::vector<std::string> kScreeningKeys = {"method", "population", "generations", "shortlist",
                                                 "replications"};
const std::vector<std::string> kScreeningMethods = {"gaco"};
// Observations a run may hold over all budgets (each one row of every summary metric).
constexpr double kMaxObservations = 1e7;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string money(double x) {
  return format_number(x);
}

class BlockReader {
 public:
  BlockReader(const ScenarioSource& source, const Scenario& base,
              const std::vector<std::string>& overrides, OptimizeBlock& out,
              std::vector<Diagnostic>& diags)
      : source_(source), base_(base), overrides_(overrides), out_(out), diags_(diags) {}

  void read(const YamlTree& block) {
    out_.loc = block.loc;
    if (!block.is_map()) {
      error(block.loc, "optimize",
            "wrong type (got " + describe_value(block) + "; expected a mapping with keys " +
                join(kBlockKeys) + ")");
      return;
    }
    check_keys(block, kBlockKeys, "optimize");
    const std::size_t before = diags_.size();
    read_initiatives(block);
    read_start_months(block);
    read_constraints(block);
    read_objective(block);
    if (const YamlTree* z = block.find("indifference_zone"); z == nullptr || z->is_null()) {
      error(block.loc, "optimize.indifference_zone",
            "missing required key (expected the smallest difference worth finding, in the "
            "objective's units, e.g. indifference_zone: 1.0e6)");
    } else if (const auto v = positive(*z, "optimize.indifference_zone")) {
      out_.indifference_zone = *v;
    }
    if (const YamlTree* c = block.find("confidence"); c != nullptr && !c->is_null()) {
      std::string why;
      const auto v = read_number(*c, why);
      if (!v || !(*v > 0.5 && *v < 1.0)) {
        error(c->loc, "optimize.confidence",
              v ? fmt::format("out of range (got {}; expected a probability in (0.5, 1), e.g. "
                              "0.95)",
                              c->text)
                : why);
      } else {
        out_.confidence = *v;
      }
    }
    max_replications_ = block.find("max_replications");
    if (max_replications_ != nullptr && !max_replications_->is_null()) {
      std::string why;
      const auto v = read_uint64(*max_replications_, why);
      if (!v || *v < 2 || static_cast<double>(*v) > kMaxObservations) {
        error(max_replications_->loc, "optimize.max_replications",
              v ? fmt::format("out of range (got {}; expected an integer in [2, {}])",
                              max_replications_->text, format_number(kMaxObservations))
                : why);
      } else {
        out_.max_replications = static_cast<std::int64_t>(*v);
      }
    }
    if (const YamlTree* c = block.find("common_random_numbers"); c != nullptr && !c->is_null()) {
      std::string why;
      const auto v = read_bool(*c, why);
      if (!v) {
        error(c->loc, "optimize.common_random_numbers", why);
      } else {
        out_.common_random_numbers = *v;
      }
    }
    read_screening(block);
    out_.first_stage = base_.replications;
    if (out_.first_stage < 2) {
      error(block.loc, "replications",
            fmt::format("too few first-stage replications for optimize (got replications {}; "
                        "expected at least 2 per candidate, e.g. replications: 10: the "
                        "variances of the paired differences come from them)",
                        out_.first_stage));
    }
    if (diags_.size() != before) return;
    read_spend();
    if (diags_.size() != before) return;
    enumerate(block);
  }

 private:
  const ScenarioSource& source_;
  const Scenario& base_;
  const std::vector<std::string>& overrides_;
  OptimizeBlock& out_;
  std::vector<Diagnostic>& diags_;
  std::vector<SourceLoc> initiative_locs_;
  std::vector<SourceLoc> capex_total_locs_;
  SourceLoc capex_per_year_loc_, opex_per_month_loc_;
  const YamlTree* max_replications_ = nullptr;
  const YamlTree* screening_ = nullptr;
  std::vector<InitiativeSpend> spend_;

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  void check_keys(const YamlTree& map, const std::vector<std::string>& allowed,
                  const std::string& prefix) {
    for (const auto& key : map.keys) {
      if (std::find(allowed.begin(), allowed.end(), key.text) == allowed.end()) {
        error(key.loc, prefix + "." + key.text,
              "unknown key '" + key.text + "'" + did_you_mean(key.text, allowed) +
                  " (expected one of: " + join(allowed) + ")");
      }
    }
  }

  std::optional<double> positive(const YamlTree& node, const std::string& path) {
    std::string why;
    const auto v = read_number(node, why);
    if (!v) {
      error(node.loc, path, why);
      return std::nullopt;
    }
    if (!(*v > 0)) {
      error(node.loc, path, fmt::format("out of range (got {}; expected a number > 0)", node.text));
      return std::nullopt;
    }
    return v;
  }

  std::vector<std::string> library_names() const {
    std::vector<std::string> names;
    if (const YamlTree* lib = source_.document.find("initiatives"); lib && lib->is_sequence()) {
      for (const auto& item : lib->items) {
        const std::string n = item.item_name();
        if (!n.empty()) names.push_back(n);
      }
    }
    return names;
  }

  void read_initiatives(const YamlTree& block) {
    const YamlTree* node = block.find("initiatives");
    if (node == nullptr || node->is_null()) {
      error(block.loc, "optimize.initiatives",
            "missing required key (expected the candidate initiatives, library names of the "
            "scenario, e.g. initiatives: [billing_fix, digital_app])");
      return;
    }
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "optimize.initiatives",
            "wrong type (got " + describe_value(*node) +
                "; expected a list of initiative names, e.g. [billing_fix, digital_app])");
      return;
    }
    const std::vector<std::string> library = library_names();
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      const YamlTree& item = node->items[i];
      const std::string where = fmt::format("optimize.initiatives[{}]", i);
      if (!item.is_scalar() || item.text.empty()) {
        error(item.loc, where,
              "wrong type (got " + describe_value(item) + "; expected an initiative name)");
        continue;
      }
      if (std::find(library.begin(), library.end(), item.text) == library.end()) {
        error(item.loc, where,
              "unknown initiative '" + item.text + "'" + did_you_mean(item.text, library) +
                  " (expected one of the scenario's initiatives: " +
                  (library.empty() ? std::string("none declared") : join(library)) + ")");
        continue;
      }
      if (std::find(out_.initiatives.begin(), out_.initiatives.end(), item.text) !=
          out_.initiatives.end()) {
        error(item.loc, where,
              "an initiative listed twice (got " + item.text + " again; expected each once)");
        continue;
      }
      out_.initiatives.push_back(item.text);
      initiative_locs_.push_back(item.loc);
    }
  }

  void read_start_months(const YamlTree& block) {
    const YamlTree* node = block.find("start_months");
    if (node == nullptr || node->is_null()) {
      error(block.loc, "optimize.start_months",
            "missing required key (expected the allowed start months, e.g. start_months: [1, 7, "
            "13])");
      return;
    }
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "optimize.start_months",
            "wrong type (got " + describe_value(*node) +
                "; expected a list of months, e.g. [1, 7, 13])");
      return;
    }
    const int horizon = base_.horizon_months;
    for (std::size_t i = 0; i < node->items.size(); ++i) {
      const YamlTree& item = node->items[i];
      const std::string where = fmt::format("optimize.start_months[{}]", i);
      std::string why;
      const auto v = read_uint64(item, why);
      if (!v || *v < 1) {
        error(
            item.loc, where,
            v ? fmt::format("out of range (got {}; expected a month in 1..{})", item.text, horizon)
              : why);
        continue;
      }
      if (*v > static_cast<std::uint64_t>(horizon)) {
        error(item.loc, where,
              fmt::format("start month past the horizon (got {}; expected 1..{}, the scenario's "
                          "horizon_months)",
                          item.text, horizon));
        continue;
      }
      const int m = static_cast<int>(*v);
      if (std::find(out_.start_months.begin(), out_.start_months.end(), m) !=
          out_.start_months.end()) {
        error(item.loc, where,
              fmt::format("a start month listed twice (got {} again; expected each once)", m));
        continue;
      }
      out_.start_months.push_back(m);
    }
    std::sort(out_.start_months.begin(), out_.start_months.end());
  }

  void read_constraints(const YamlTree& block) {
    const YamlTree* node = block.find("constraints");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_map()) {
      error(node->loc, "optimize.constraints",
            "wrong type (got " + describe_value(*node) +
                "; expected a mapping such as {capex_total: 1.2e7, capex_per_year: 8.0e6, "
                "opex_per_month: 4.0e5})");
      return;
    }
    check_keys(*node, kConstraintKeys, "optimize.constraints");
    if (const YamlTree* c = node->find("capex_total"); c != nullptr && !c->is_null()) {
      const bool list = c->is_sequence();
      if (list && c->items.empty()) {
        error(c->loc, "optimize.constraints.capex_total",
              "an empty list (got []; expected a budget or a list of budgets)");
      }
      const std::vector<YamlTree> one{list ? YamlTree{} : *c};
      const std::vector<YamlTree>& items = list ? c->items : one;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string where = list ? fmt::format("optimize.constraints.capex_total[{}]", i)
                                       : std::string("optimize.constraints.capex_total");
        const auto v = positive(items[i], where);
        if (!v) continue;
        for (const double x : out_.capex_total) {
          if (x == *v) {
            error(items[i].loc, where,
                  fmt::format("a budget listed twice (got {} again; expected each once)",
                              items[i].text));
          }
        }
        out_.capex_total.push_back(*v);
        capex_total_locs_.push_back(items[i].loc);
      }
      // Ascending, the locations with them.
      std::vector<std::size_t> order(out_.capex_total.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return out_.capex_total[a] < out_.capex_total[b];
      });
      std::vector<double> values;
      std::vector<SourceLoc> locs;
      for (const std::size_t i : order) {
        values.push_back(out_.capex_total[i]);
        locs.push_back(capex_total_locs_[i]);
      }
      out_.capex_total = std::move(values);
      capex_total_locs_ = std::move(locs);
    }
    if (const YamlTree* c = node->find("capex_per_year"); c != nullptr && !c->is_null()) {
      if (const auto v = positive(*c, "optimize.constraints.capex_per_year")) {
        out_.capex_per_year = *v;
        capex_per_year_loc_ = c->loc;
      }
    }
    if (const YamlTree* c = node->find("opex_per_month"); c != nullptr && !c->is_null()) {
      if (const auto v = positive(*c, "optimize.constraints.opex_per_month")) {
        out_.opex_per_month = *v;
        opex_per_month_loc_ = c->loc;
      }
    }
  }

  // An integer key of the screening block within [lo, hi].
  std::optional<std::int64_t> screening_integer(const YamlTree& node, const char* key,
                                                std::int64_t lo, std::int64_t hi) {
    const YamlTree* v = node.find(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    const std::string where = std::string("optimize.screening.") + key;
    std::string why;
    const auto x = read_uint64(*v, why);
    if (!x || static_cast<double>(*x) < static_cast<double>(lo) ||
        static_cast<double>(*x) > static_cast<double>(hi)) {
      error(
          v->loc, where,
          x ? fmt::format("out of range (got {}; expected an integer in [{}, {}])", v->text, lo, hi)
            : why);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*x);
  }

  // The screening settings (used only when the space is too large to race).
  void read_screening(const YamlTree& block) {
    const YamlTree* node = block.find("screening");
    if (node == nullptr || node->is_null()) return;
    screening_ = node;
    if (!node->is_map()) {
      error(node->loc, "optimize.screening",
            "wrong type (got " + describe_value(*node) +
                "; expected a mapping such as {method: gaco, population: 32, generations: 20, "
                "shortlist: 12, replications: 10})");
      return;
    }
    check_keys(*node, kScreeningKeys, "optimize.screening");
    ScreeningSettings& s = out_.screening;
    if (const YamlTree* m = node->find("method"); m != nullptr && !m->is_null()) {
      if (!m->is_scalar() || std::find(kScreeningMethods.begin(), kScreeningMethods.end(),
                                       m->text) == kScreeningMethods.end()) {
        error(m->loc, "optimize.screening.method",
              "unknown method " + describe_value(*m) +
                  (m->is_scalar() ? did_you_mean(m->text, kScreeningMethods) : std::string()) +
                  " (expected one of: " + join(kScreeningMethods) +
                  ": pagmo's extended ant colony optimiser over integer start choices)");
      } else {
        s.method = m->text;
      }
    }
    if (const auto v = screening_integer(*node, "population", 4, 1000)) {
      s.population = static_cast<int>(*v);
    }
    if (const auto v = screening_integer(*node, "generations", 1, 1000)) {
      s.generations = static_cast<int>(*v);
    }
    if (const auto v = screening_integer(*node, "shortlist", 1, 500)) {
      s.shortlist = static_cast<int>(*v);
    }
    if (const auto v = screening_integer(*node, "replications", 2, 100000)) {
      s.replications = *v;
    }
  }

  void read_objective(const YamlTree& block) {
    const YamlTree* node = block.find("objective");
    if (node == nullptr || node->is_null()) return;
    if (!node->is_map()) {
      error(node->loc, "optimize.objective",
            "wrong type (got " + describe_value(*node) +
                "; expected a mapping such as {metric: delta_npv, statistic: mean})");
      return;
    }
    check_keys(*node, kObjectiveKeys, "optimize.objective");
    if (const YamlTree* m = node->find("metric"); m != nullptr && !m->is_null()) {
      const auto& allowed = optimize_objective_metrics();
      if (!m->is_scalar() || std::find(allowed.begin(), allowed.end(), m->text) == allowed.end()) {
        error(m->loc, "optimize.objective.metric",
              "not a metric an objective can use (got " + describe_value(*m) +
                  (m->is_scalar() ? did_you_mean(m->text, allowed) : std::string()) +
                  "; expected a summary metric defined for every plan in every replication: " +
                  join(allowed) + ")");
      } else {
        out_.metric = m->text;
      }
    }
    if (const YamlTree* s = node->find("statistic"); s != nullptr && !s->is_null()) {
      const std::string t = s->is_scalar() ? s->text : std::string();
      int p = 0;
      const bool is_percentile =
          t.size() >= 2 && t.size() <= 3 && t[0] == 'p' &&
          std::all_of(t.begin() + 1, t.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          (p = std::stoi(t.substr(1))) >= 1 && p <= 99;
      if (t == "mean") {
        out_.statistic = "mean";
      } else if (is_percentile) {
        out_.statistic = fmt::format("p{:02d}", p);
        out_.percentile = p;
      } else {
        error(s->loc, "optimize.objective.statistic",
              "unknown statistic " + describe_value(*s) +
                  " (expected mean, or a percentile p1 .. p99 such as p10 for a risk-averse "
                  "choice)");
      }
    }
  }

  // What each candidate spends: a probe build with one roadmap per candidate initiative at the
  // library's own timing (the scenario's checks of the library apply, its messages kept).
  void read_spend() {
    const std::string prefix = unused_prefix(source_, "probe_");
    std::vector<YamlTree> roadmaps;
    for (std::size_t i = 0; i < out_.initiatives.size(); ++i) {
      YamlTree item = YamlTree::map(out_.loc);
      item.set("name", YamlTree::scalar(prefix + std::to_string(i), out_.loc), out_.loc);
      YamlTree uses;
      uses.kind = YamlTree::Kind::sequence;
      uses.loc = out_.loc;
      uses.items.push_back(YamlTree::scalar(out_.initiatives[i], initiative_locs_[i]));
      item.set("initiatives", std::move(uses), out_.loc);
      roadmaps.push_back(std::move(item));
    }
    LoadOptions load;
    load.overrides = overrides_;
    Scenario probe;
    try {
      probe = build_scenario(with_roadmaps(source_, std::move(roadmaps)), load);
    } catch (const ScenarioError& e) {
      for (const auto& d : e.diagnostics()) diags_.push_back(d);
      return;
    }
    for (std::size_t i = 0; i < out_.initiatives.size(); ++i) {
      const Initiative& init = probe.roadmaps[i + 1].initiatives.at(0);
      auto mean_of = [&](int slot) {
        return slot >= 0 ? probe.slots[static_cast<std::size_t>(slot)].value.mean() : 0.0;
      };
      spend_.push_back(
          {mean_of(init.capex_slot), init.capex_months, mean_of(init.opex_slot), init.end_month});
    }
  }

  PlanConstraints limits(double capex_total) const {
    PlanConstraints c;
    c.horizon = base_.horizon_months;
    c.capex_total = capex_total;
    if (!std::isnan(out_.capex_per_year)) c.capex_per_year = out_.capex_per_year;
    if (!std::isnan(out_.opex_per_month)) c.opex_per_month = out_.opex_per_month;
    return c;
  }

  void enumerate(const YamlTree& block) {
    const int horizon = base_.horizon_months;
    std::vector<std::vector<int>> starts(out_.initiatives.size());
    for (std::size_t i = 0; i < out_.initiatives.size(); ++i) {
      const InitiativeSpend& s = spend_[i];
      std::vector<std::string> why;
      for (const int m : out_.start_months) {
        const int last = m + std::max(1, s.capex_months) - 1;
        if (s.capex > 0 && last > horizon) {
          why.push_back(
              fmt::format("at {}: its capex runs past the horizon (months {}..{}; "
                          "horizon {})",
                          m, m, last, horizon));
        } else if (s.end_month > 0 && s.end_month < m) {
          why.push_back(fmt::format("at {}: it starts after its end_month {}", m, s.end_month));
        } else {
          starts[i].push_back(m);
          continue;
        }
        out_.excluded_starts.push_back(out_.initiatives[i] + " " + why.back());
      }
      if (starts[i].empty()) {
        error(initiative_locs_[i], fmt::format("optimize.initiatives[{}]", i),
              fmt::format("no allowed start month fits {} (got {}: {}; expected start months at "
                          "which the scenario accepts it)",
                          out_.initiatives[i], out_.initiatives[i], join(why)));
      }
    }
    if (!diags_.empty()) return;

    const double largest =
        out_.capex_total.empty() ? PlanConstraints::kNoLimit : out_.capex_total.back();
    Enumeration e = enumerate_plans(starts, spend_, limits(largest), kMaxOptimizePlans);
    out_.all_plans = e.all_plans;
    if (e.too_many) {
      screen(block, starts, largest);
      return;
    }
    out_.plans = std::move(e.plans);
    check_budgets(starts);
    if (!diags_.empty()) return;

    // The first stage of the largest budget (the most plans) must fit its budget.
    const double largest_stage =
        static_cast<double>(out_.first_stage) * static_cast<double>(out_.plans.size());
    if (largest_stage > static_cast<double>(out_.max_replications)) {
      const SourceLoc loc = max_replications_ ? max_replications_->loc : block.loc;
      error(loc, "optimize.max_replications",
            fmt::format("too small for the first stage (got {}; expected at least {} = {} "
                        "candidates x {} first-stage replications: a larger budget, fewer "
                        "replications, or fewer plans)",
                        out_.max_replications, format_number(largest_stage), out_.plans.size(),
                        out_.first_stage));
    }
    const double budgets = std::max<double>(1.0, static_cast<double>(out_.capex_total.size()));
    if (budgets * static_cast<double>(out_.max_replications) > kMaxObservations) {
      const SourceLoc loc = max_replications_ ? max_replications_->loc : block.loc;
      error(loc, "optimize.max_replications",
            fmt::format("too many observations for one file (got {} budgets x {}; expected at "
                        "most {} in all)",
                        budgets, out_.max_replications, format_number(kMaxObservations)));
    }
  }

  // A space too large to race: searched on common random numbers first (the run fills the short
  // list after the empty plan), so the screening's worst case must leave room for KN's first
  // stage.
  void screen(const YamlTree& block, const std::vector<std::vector<int>>& starts, double largest) {
    const std::string too_many =
        fmt::format("more than {} feasible plans of {} subset x start month choices",
                    kMaxOptimizePlans, format_number(out_.all_plans));
    if (out_.capex_total.size() > 1) {
      error(capex_total_locs_.front(), "optimize.constraints.capex_total",
            fmt::format("a frontier over a space too large to race is not available (got {} "
                        "budgets and {}; expected one capex_total, or fewer initiatives or start "
                        "months)",
                        out_.capex_total.size(), too_many));
      return;
    }
    if (!out_.common_random_numbers) {
      const YamlTree* c = block.find("common_random_numbers");
      error(c ? c->loc : block.loc, "optimize.common_random_numbers",
            fmt::format("screening needs common random numbers (got false and {}; expected true, "
                        "or a space of at most {} feasible plans)",
                        too_many, kMaxOptimizePlans));
      return;
    }
    out_.screened = true;
    out_.allowed_starts = starts;
    out_.spend = spend_;
    out_.limits = limits(largest);
    out_.feasible_plans = count_feasible_plans(starts, spend_, out_.limits, kMaxCountedPlans);
    out_.plans.assign(1, Plan{});
    ScreeningSettings& s = out_.screening;
    if (s.replications == 0) s.replications = out_.first_stage;
    const double screening = static_cast<double>(s.population) * (s.generations + 1.0) *
                             static_cast<double>(s.replications);
    const double first_stage =
        static_cast<double>(s.shortlist + 1) * static_cast<double>(out_.first_stage);
    if (screening + first_stage > static_cast<double>(out_.max_replications)) {
      const SourceLoc loc =
          max_replications_ ? max_replications_->loc : (screening_ ? screening_->loc : block.loc);
      error(loc, "optimize.max_replications",
            fmt::format("too small for screening this space (got {}; expected at least {} = {} "
                        "plans x ({} generations + 1) x {} screening replications, at most, plus "
                        "{} short-listed plans x {} first-stage replications: a larger budget, or "
                        "a smaller screening population, generations, shortlist or "
                        "replications)",
                        out_.max_replications, format_number(screening + first_stage), s.population,
                        s.generations, s.replications, s.shortlist + 1, out_.first_stage));
    }
    if (budgets_observations() > kMaxObservations) {
      error(max_replications_ ? max_replications_->loc : block.loc, "optimize.max_replications",
            fmt::format("too many observations for one file (got {}; expected at most {})",
                        out_.max_replications, format_number(kMaxObservations)));
    }
  }

  double budgets_observations() const {
    const double budgets = std::max<double>(1.0, static_cast<double>(out_.capex_total.size()));
    return budgets * static_cast<double>(out_.max_replications);
  }

  std::size_t count_within(double budget) const {
    std::size_t n = 0;
    for (const Plan& p : out_.plans) {
      n += p.capex_total <= budget + 1e-9 * std::max(1.0, budget) ? 1 : 0;
    }
    return n;
  }

  // Every budget needs a plan with an initiative; when none has one, the constraint to blame.
  void check_budgets(const std::vector<std::vector<int>>& starts) {
    const bool any_nonempty = out_.plans.size() > 1;
    if (!any_nonempty) {
      // The cheapest single start that meets the other constraints, and which one it breaks.
      double cheapest = std::numeric_limits<double>::infinity();
      std::string cheapest_name;
      bool per_year = false, opex = false;
      double least_year = std::numeric_limits<double>::infinity();
      double least_opex = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < starts.size(); ++i) {
        least_opex = std::min(least_opex, spend_[i].opex);
        for (const int m : starts[i]) {
          // Its largest capex in one plan year.
          const InitiativeSpend& sp = spend_[i];
          const int months = std::max(1, sp.capex_months);
          double year_max = 0.0;
          for (int y = 0; 12 * y < base_.horizon_months; ++y) {
            const int lo = std::max(m, 12 * y + 1), hi = std::min(m + months - 1, 12 * y + 12);
            year_max = std::max(year_max, hi >= lo ? sp.capex * (hi - lo + 1) / months : 0.0);
          }
          least_year = std::min(least_year, year_max);
          const std::vector<PlannedStart> one{{static_cast<int>(i), m}};
          double total = 0;
          PlanConstraints c = limits(PlanConstraints::kNoLimit);
          if (meets_constraints(one, spend_, c, total)) {
            if (total < cheapest) {
              cheapest = total;
              cheapest_name = fmt::format("{} at month {}", out_.initiatives[i], m);
            }
            continue;
          }
          c.opex_per_month = PlanConstraints::kNoLimit;
          if (meets_constraints(one, spend_, c, total)) {
            opex = true;
          } else {
            per_year = true;
          }
        }
      }
      if (std::isfinite(cheapest) && !out_.capex_total.empty()) {
        error(capex_total_locs_.back(), "optimize.constraints.capex_total",
              fmt::format("no plan with an initiative meets this budget (got {}; expected at "
                          "least {}, the capex of the cheapest plan that meets the other "
                          "constraints: {})",
                          money(out_.capex_total.back()), money(cheapest), cheapest_name));
      } else if (opex && !per_year) {
        error(opex_per_month_loc_, "optimize.constraints.opex_per_month",
              fmt::format("no plan with an initiative meets this limit (got {}; expected at least "
                          "{}, the opex of the cheapest candidate initiative in force)",
                          money(out_.opex_per_month), money(least_opex)));
      } else {
        error(capex_per_year_loc_, "optimize.constraints.capex_per_year",
              fmt::format("no plan with an initiative meets this limit (got {}; expected at least "
                          "{}, the least capex one candidate initiative spends in its costliest "
                          "plan year)",
                          money(out_.capex_per_year), money(least_year)));
      }
      return;
    }
    double cheapest = std::numeric_limits<double>::infinity();
    for (std::size_t p = 1; p < out_.plans.size(); ++p) {
      cheapest = std::min(cheapest, out_.plans[p].capex_total);
    }
    for (std::size_t b = 0; b < out_.capex_total.size(); ++b) {
      if (count_within(out_.capex_total[b]) < 2) {
        error(capex_total_locs_[b],
              out_.capex_total.size() > 1 ? fmt::format("optimize.constraints.capex_total[{}]", b)
                                          : std::string("optimize.constraints.capex_total"),
              fmt::format("no plan with an initiative meets this budget (got {}; expected at "
                          "least {}, the capex of the cheapest plan that meets the other "
                          "constraints)",
                          money(out_.capex_total[b]), money(cheapest)));
      }
    }
  }
};

}  // namespace

const std::vector<std::string>& optimize_objective_metrics() {
  static const std::vector<std::string> names = {"delta_npv",
                                                 "npv",
                                                 "delta_npv_cash",
                                                 "delta_npv_terminal",
                                                 "npv_cash",
                                                 "npv_terminal",
                                                 "delta_npv_customer_equity_net",
                                                 "delta_npv_customer_equity",
                                                 "delta_npv_none",
                                                 "npv_customer_equity_net",
                                                 "npv_customer_equity",
                                                 "npv_none",
                                                 "customer_equity_end",
                                                 "customers_end"};
  return names;
}

void read_optimize_block(const YamlTree& block, const ScenarioSource& source, const Scenario& base,
                         const std::vector<std::string>& overrides, OptimizeBlock& out,
                         std::vector<Diagnostic>& diagnostics) {
  BlockReader(source, base, overrides, out, diagnostics).read(block);
}

std::string optimize_block_yaml(const OptimizeBlock& b) {
  std::vector<std::string> months, budgets;
  for (const int m : b.start_months) months.push_back(std::to_string(m));
  for (const double x : b.capex_total) budgets.push_back(format_number(x));
  std::string constraints;
  auto add = [&](const std::string& item) {
    constraints += (constraints.empty() ? "" : ", ") + item;
  };
  if (!b.capex_total.empty()) {
    add(b.capex_total.size() == 1 ? "capex_total: " + budgets[0]
                                  : "capex_total: [" + join(budgets) + "]");
  }
  if (!std::isnan(b.capex_per_year)) add("capex_per_year: " + format_number(b.capex_per_year));
  if (!std::isnan(b.opex_per_month)) add("opex_per_month: " + format_number(b.opex_per_month));
  std::string out;
  out += "  initiatives: [" + join(b.initiatives) + "]\n";
  out += "  start_months: [" + join(months) + "]\n";
  out += "  constraints: {" + constraints + "}\n";
  out += fmt::format("  objective: {{metric: {}, statistic: {}}}\n", b.metric, b.statistic);
  out += "  indifference_zone: " + format_number(b.indifference_zone) + "\n";
  out += "  confidence: " + format_number(b.confidence) + "\n";
  out += fmt::format("  max_replications: {}\n", b.max_replications);
  out += fmt::format("  common_random_numbers: {}\n", b.common_random_numbers ? "true" : "false");
  out += fmt::format("  first_stage: {}\n", b.first_stage);
  if (b.screened) {
    // Only a screened space has these lines, so a small space's digest is what it was.
    const ScreeningSettings& s = b.screening;
    out += fmt::format(
        "  screening: {{method: {}, population: {}, generations: {}, shortlist: {}, "
        "replications: {}}}\n",
        s.method, s.population, s.generations, s.shortlist, s.replications);
    out += fmt::format("  plans: screened   # {} feasible, of {} subset x start month choices\n",
                       format_number(b.feasible_plans), format_number(b.all_plans));
  } else {
    out += fmt::format("  plans: {}   # feasible, of {} subset x start month choices\n",
                       b.plans.size(), format_number(b.all_plans));
  }
  return out;
}

}  // namespace cxsim
