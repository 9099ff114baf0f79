// Spending by month, the constraints, depth-first enumeration with pruning (spending only grows
// as initiatives are added, so a partial plan that breaks a constraint ends its branch), and the
// roadmap documents of plans.
#include "experiments/optimize_space.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cxsim {

namespace {

// Room for rounding in spreading a total over months: a plan that spends exactly the limit
// meets it.
constexpr double kSlack = 1e-9;

bool within(double x, double limit) {
  return x <= limit + kSlack * std::max(1.0, std::abs(limit));
}

struct Ledger {
  std::vector<double> capex;  // by month, 1-based (index 0 unused)
  std::vector<double> opex;
  double capex_total = 0.0;

  explicit Ledger(int horizon)
      : capex(static_cast<std::size_t>(horizon) + 1, 0.0),
        opex(static_cast<std::size_t>(horizon) + 1, 0.0) {}

  void add(const InitiativeSpend& s, int start, int horizon, double sign) {
    const int months = std::max(1, s.capex_months);
    for (int t = start; t < start + months && t <= horizon; ++t) {
      capex[static_cast<std::size_t>(t)] += sign * s.capex / months;
    }
    const int end = s.end_month > 0 ? std::min(s.end_month, horizon) : horizon;
    for (int t = start; t <= end; ++t) opex[static_cast<std::size_t>(t)] += sign * s.opex;
    capex_total += sign * s.capex;
  }

  bool meets(const PlanConstraints& limits) const {
    if (!within(capex_total, limits.capex_total)) return false;
    const int T = static_cast<int>(capex.size()) - 1;
    for (int year_start = 1; year_start <= T; year_start += 12) {
      double year = 0.0;
      for (int t = year_start; t < year_start + 12 && t <= T; ++t) {
        year += capex[static_cast<std::size_t>(t)];
      }
      if (!within(year, limits.capex_per_year)) return false;
    }
    for (int t = 1; t <= T; ++t) {
      if (!within(opex[static_cast<std::size_t>(t)], limits.opex_per_month)) return false;
    }
    return true;
  }
};

Plan sorted_plan(const std::vector<PlannedStart>& chosen, double capex_total) {
  Plan p;
  p.starts = chosen;
  std::stable_sort(p.starts.begin(), p.starts.end(), [](const auto& a, const auto& b) {
    return a.start_month != b.start_month ? a.start_month < b.start_month
                                          : a.initiative < b.initiative;
  });
  p.capex_total = capex_total;
  return p;
}

YamlTree sequence(const SourceLoc& loc) {
  YamlTree t;
  t.kind = YamlTree::Kind::sequence;
  t.loc = loc;
  return t;
}

}  // namespace

bool meets_constraints(const std::vector<PlannedStart>& plan,
                       const std::vector<InitiativeSpend>& spend, const PlanConstraints& limits,
                       double& capex_total) {
  Ledger ledger(limits.horizon);
  for (const auto& p : plan) {
    ledger.add(spend[static_cast<std::size_t>(p.initiative)], p.start_month, limits.horizon, 1.0);
  }
  capex_total = ledger.capex_total;
  return ledger.meets(limits);
}

Plan make_plan(const std::vector<PlannedStart>& chosen, const std::vector<InitiativeSpend>& spend) {
  double total = 0.0;
  for (const auto& st : chosen) total += spend[static_cast<std::size_t>(st.initiative)].capex;
  return sorted_plan(chosen, total);
}

double count_feasible_plans(const std::vector<std::vector<int>>& starts,
                            const std::vector<InitiativeSpend>& spend,
                            const PlanConstraints& limits, double cap) {
  Ledger ledger(limits.horizon);
  double count = 0.0;
  const int n = static_cast<int>(starts.size());
  // The enumeration's depth-first walk, counting the leaves it would keep.
  auto visit = [&](auto&& self, int i) -> void {
    if (count >= cap) return;
    if (i == n) {
      count += 1.0;
      return;
    }
    self(self, i + 1);
    const InitiativeSpend& s = spend[static_cast<std::size_t>(i)];
    for (const int start : starts[static_cast<std::size_t>(i)]) {
      ledger.add(s, start, limits.horizon, 1.0);
      if (ledger.meets(limits)) self(self, i + 1);
      ledger.add(s, start, limits.horizon, -1.0);
      if (count >= cap) return;
    }
  };
  visit(visit, 0);
  return std::min(count, cap);
}

Enumeration enumerate_plans(const std::vector<std::vector<int>>& starts,
                            const std::vector<InitiativeSpend>& spend,
                            const PlanConstraints& limits, std::size_t max_plans) {
  Enumeration out;
  out.all_plans = 1.0;
  for (const auto& s : starts) out.all_plans *= 1.0 + static_cast<double>(s.size());
  Ledger ledger(limits.horizon);
  std::vector<PlannedStart> chosen;
  const int n = static_cast<int>(starts.size());
  // Depth first; a branch whose partial spending breaks a constraint is cut (spending only
  // grows with more initiatives). Stops once more than max_plans are found.
  auto visit = [&](auto&& self, int i) -> void {
    if (out.too_many) return;
    if (i == n) {
      if (out.plans.size() == max_plans) {
        out.too_many = true;
        return;
      }
      out.plans.push_back(sorted_plan(chosen, ledger.capex_total));
      return;
    }
    self(self, i + 1);  // left out
    const InitiativeSpend& s = spend[static_cast<std::size_t>(i)];
    for (const int start : starts[static_cast<std::size_t>(i)]) {
      ledger.add(s, start, limits.horizon, 1.0);
      chosen.push_back({i, start});
      if (ledger.meets(limits)) self(self, i + 1);
      chosen.pop_back();
      ledger.add(s, start, limits.horizon, -1.0);
      if (out.too_many) return;
    }
  };
  visit(visit, 0);
  // Exact totals (the ledger's running sum is only used for pruning).
  for (Plan& p : out.plans) {
    double total = 0.0;
    for (const auto& st : p.starts) total += spend[static_cast<std::size_t>(st.initiative)].capex;
    p.capex_total = total;
  }
  return out;
}

YamlTree plan_roadmap(const std::string& name, const OptimizeBlock& block, const Plan& plan,
                      const SourceLoc& loc) {
  YamlTree item = YamlTree::map(loc);
  item.set("name", YamlTree::scalar(name, loc), loc);
  if (plan.starts.empty()) return item;
  YamlTree uses = sequence(loc);
  for (const auto& s : plan.starts) {
    YamlTree entry = YamlTree::map(loc);
    entry.set("use",
              YamlTree::scalar(block.initiatives[static_cast<std::size_t>(s.initiative)], loc),
              loc);
    entry.set("start_month", YamlTree::scalar(std::to_string(s.start_month), loc), loc);
    uses.items.push_back(std::move(entry));
  }
  item.set("initiatives", std::move(uses), loc);
  return item;
}

std::string plan_yaml(const std::string& name, const OptimizeBlock& block, const Plan& plan) {
  std::string out = "{name: " + name + ", initiatives: [";
  for (std::size_t i = 0; i < plan.starts.size(); ++i) {
    const auto& s = plan.starts[i];
    out += fmt::format("{}{{use: {}, start_month: {}}}", i ? ", " : "",
                       block.initiatives[static_cast<std::size_t>(s.initiative)], s.start_month);
  }
  return out + "]}";
}

std::string plan_label(const OptimizeBlock& block, const Plan& plan) {
  if (plan.starts.empty()) return "(no initiative)";
  std::string out;
  for (std::size_t i = 0; i < plan.starts.size(); ++i) {
    const auto& s = plan.starts[i];
    out += fmt::format("{}{}@{}", i ? " + " : "",
                       block.initiatives[static_cast<std::size_t>(s.initiative)], s.start_month);
  }
  return out;
}

YamlTree baseline_roadmap(const ScenarioSource& source) {
  const YamlTree* maps = source.document.find("roadmaps");
  if (maps != nullptr && maps->is_sequence() && !maps->items.empty()) {
    for (const auto& item : maps->items) {
      if (item.item_name() == "baseline") return item;
    }
    return maps->items.front();
  }
  const SourceLoc loc = maps ? maps->loc : source.document.loc;
  YamlTree item = YamlTree::map(loc);
  item.set("name", YamlTree::scalar("baseline", loc), loc);
  return item;
}

ScenarioSource with_roadmaps(const ScenarioSource& source, std::vector<YamlTree> roadmaps) {
  ScenarioSource out = source;
  const YamlTree* old = source.document.find("roadmaps");
  const SourceLoc loc = old ? old->loc : source.document.loc;
  YamlTree list = sequence(loc);
  list.items.push_back(baseline_roadmap(source));
  for (auto& r : roadmaps) list.items.push_back(std::move(r));
  const YamlTree* key = source.document.key_node("roadmaps");
  out.document.set("roadmaps", std::move(list), key ? key->loc : loc);
  return out;
}

std::string unused_prefix(const ScenarioSource& source, std::string prefix) {
  const std::string baseline = baseline_roadmap(source).item_name();
  while (baseline.rfind(prefix, 0) == 0) prefix = "_" + prefix;
  return prefix;
}

}  // namespace cxsim
