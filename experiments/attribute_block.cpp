// The attribute block: keys checked with did-you-mean, the roadmap and its initiatives resolved
// against the base scenario, the metric checked to be one that adds up.
#include "experiments/attribute_block.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/did_you_mean.hpp"
#include "config/yaml_values.hpp"
#include "engine/metrics.hpp"

namespace cxsim {

namespace {

const std::vector<std::string> kAttributeKeys = {"roadmap", "initiatives", "metric", "method",
                                                 "permutations"};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

class BlockReader {
 public:
  BlockReader(const Scenario& base, AttributeBlock& out, std::vector<Diagnostic>& diagnostics)
      : base_(base), out_(out), diags_(diagnostics) {}

  void read(const YamlTree& block) {
    out_.loc = block.loc;
    if (!block.is_map()) {
      error(block.loc, "attribute",
            "wrong type (got " + describe_value(block) + "; expected a mapping with keys " +
                join(kAttributeKeys) + ", e.g. {roadmap: phased})");
      return;
    }
    for (const auto& key : block.keys) {
      if (std::find(kAttributeKeys.begin(), kAttributeKeys.end(), key.text) ==
          kAttributeKeys.end()) {
        error(key.loc, "attribute." + key.text,
              "unknown key '" + key.text + "'" + did_you_mean(key.text, kAttributeKeys) +
                  " (expected one of: " + join(kAttributeKeys) + ")");
      }
    }
    const bool roadmap_ok = read_roadmap(block);
    read_metric(block);
    if (roadmap_ok) read_players(block);
    read_method(block, roadmap_ok);
  }

 private:
  const Scenario& base_;
  AttributeBlock& out_;
  std::vector<Diagnostic>& diags_;

  void error(const SourceLoc& loc, const std::string& path, std::string message) {
    diags_.push_back({loc.file, loc.line, loc.column, path, std::move(message)});
  }

  std::vector<std::string> roadmaps_with_initiatives() const {
    std::vector<std::string> out;
    for (const auto& r : base_.roadmaps) {
      if (!r.initiatives.empty()) out.push_back(r.name);
    }
    return out;
  }

  bool read_roadmap(const YamlTree& block) {
    std::vector<std::string> names;
    for (const auto& r : base_.roadmaps) names.push_back(r.name);
    const std::vector<std::string> usable = roadmaps_with_initiatives();
    const std::string expected =
        usable.empty() ? std::string("none of the scenario's roadmaps has initiatives")
                       : "a roadmap of the scenario with initiatives: " + join(usable);
    const YamlTree* node = block.find("roadmap");
    if (node == nullptr || node->is_null()) {
      error(block.loc, "attribute.roadmap",
            "missing required key (expected the roadmap whose value is shared out, " + expected +
                ")");
      return false;
    }
    if (!node->is_scalar()) {
      error(node->loc, "attribute.roadmap",
            "wrong type (got " + describe_value(*node) + "; expected a roadmap name, " + expected +
                ")");
      return false;
    }
    const auto it = std::find(names.begin(), names.end(), node->text);
    if (it == names.end()) {
      error(node->loc, "attribute.roadmap",
            "unknown roadmap '" + node->text + "'" + did_you_mean(node->text, names) +
                " (expected one of the scenario's roadmaps: " + join(names) + ")");
      return false;
    }
    out_.roadmap = node->text;
    out_.roadmap_index = static_cast<int>(it - names.begin());
    const Roadmap& roadmap = base_.roadmaps[static_cast<std::size_t>(out_.roadmap_index)];
    if (roadmap.initiatives.empty()) {
      error(node->loc, "attribute.roadmap",
            "a roadmap without initiatives (got " + node->text +
                ", which has none to share its value among; expected " + expected + ")");
      return false;
    }
    return true;
  }

  void read_metric(const YamlTree& block) {
    std::vector<std::string> names;
    for (const auto& m : summary_metric_infos()) names.emplace_back(m.name);
    const YamlTree* node = block.find("metric");
    if (node == nullptr || node->is_null()) {
      out_.metric = "delta_npv";
    } else if (!node->is_scalar() ||
               std::find(names.begin(), names.end(), node->text) == names.end()) {
      error(node->loc, "attribute.metric",
            "unknown summary metric " + describe_value(*node) +
                (node->is_scalar() ? did_you_mean(node->text, names) : std::string()) +
                " (expected a /summary metric of RESULTS.md that adds up, e.g. delta_npv, npv, "
                "npv_cash, customers_end)");
      return;
    } else if (const std::string why = metric_not_shared(node->text); !why.empty()) {
      error(node->loc, "attribute.metric",
            "a metric that cannot be shared out (got " + node->text + ": " + why +
                "; expected a metric that adds up, e.g. delta_npv, npv, npv_cash, "
                "customers_end)");
      return;
    } else {
      out_.metric = node->text;
    }
    out_.metric_index =
        static_cast<int>(std::find(names.begin(), names.end(), out_.metric) - names.begin());
  }

  void read_players(const YamlTree& block) {
    const Roadmap& roadmap = base_.roadmaps[static_cast<std::size_t>(out_.roadmap_index)];
    const std::vector<std::string> names = entry_names(roadmap);
    const YamlTree* node = block.find("initiatives");
    if (node == nullptr || node->is_null()) {
      for (std::size_t i = 0; i < names.size(); ++i) {
        out_.players.push_back(static_cast<int>(i));
        out_.player_names.push_back(names[i]);
      }
      return;
    }
    if (!node->is_sequence() || node->items.empty()) {
      error(node->loc, "attribute.initiatives",
            "wrong type (got " + describe_value(*node) + "; expected a list of " + out_.roadmap +
                "'s initiatives: " + join(names) + ")");
      return;
    }
    std::vector<bool> listed(names.size(), false);
    for (const auto& item : node->items) {
      const auto it =
          item.is_scalar() ? std::find(names.begin(), names.end(), item.text) : names.end();
      if (it == names.end()) {
        const bool in_library =
            item.is_scalar() &&
            std::any_of(base_.roadmaps.begin(), base_.roadmaps.end(), [&](const Roadmap& r) {
              return std::any_of(r.initiatives.begin(), r.initiatives.end(),
                                 [&](const Initiative& i) { return i.name == item.text; });
            });
        const std::string expected =
            " (expected one of " + out_.roadmap + "'s initiatives: " + join(names) + ")";
        if (in_library) {
          error(item.loc, "attribute.initiatives",
                "an initiative roadmap " + out_.roadmap + " does not use (got '" + item.text +
                    "'; " + expected.substr(2));
        } else {
          error(item.loc, "attribute.initiatives",
                "unknown initiative " +
                    (item.is_scalar() ? "'" + item.text + "'" + did_you_mean(item.text, names)
                                      : describe_value(item)) +
                    expected);
        }
        continue;
      }
      const auto i = static_cast<std::size_t>(it - names.begin());
      if (listed[i]) {
        error(item.loc, "attribute.initiatives",
              "an initiative listed twice (got " + item.text +
                  " again; expected each initiative once)");
        continue;
      }
      listed[i] = true;
    }
    // The players in roadmap order, whatever order the list has.
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!listed[i]) continue;
      out_.players.push_back(static_cast<int>(i));
      out_.player_names.push_back(names[i]);
    }
  }

  void read_method(const YamlTree& block, bool roadmap_ok) {
    const YamlTree* method = block.find("method");
    const YamlTree* perms = block.find("permutations");
    if (perms != nullptr && perms->is_null()) perms = nullptr;
    bool method_given = false;
    if (method != nullptr && !method->is_null()) {
      if (!method->is_scalar() || (method->text != "exact" && method->text != "sampled")) {
        const std::vector<std::string> allowed{"exact", "sampled"};
        error(method->loc, "attribute.method",
              "unknown value " + describe_value(*method) +
                  (method->is_scalar() ? did_you_mean(method->text, allowed) : std::string()) +
                  " (expected one of: exact, sampled)");
        return;
      }
      out_.method = method->text == "exact" ? AttributeMethod::exact : AttributeMethod::sampled;
      method_given = true;
    }
    const int k = static_cast<int>(out_.players.size());
    if (!method_given) {
      // Default: exact when it is affordable, else sampled; permutations alone ask for sampled.
      out_.method = perms != nullptr || k > kMaxExactInitiatives ? AttributeMethod::sampled
                                                                 : AttributeMethod::exact;
    }
    if (perms != nullptr) {
      if (out_.method == AttributeMethod::exact) {
        error(perms->loc, "attribute.permutations",
              "permutations is for method sampled (got permutations with method exact; expected "
              "no permutations: exact evaluates every sub-roadmap, or method: sampled)");
        return;
      }
      std::string why;
      const auto v = read_uint64(*perms, why);
      if (!v || *v < 2 || *v > 1'000'000) {
        error(perms->loc, "attribute.permutations",
              fmt::format("out of range (got {}; expected an integer in [2, 1000000])",
                          describe_value(*perms)));
        return;
      }
      out_.permutations = static_cast<int>(*v);
    }
    if (roadmap_ok && out_.method == AttributeMethod::exact && k > kMaxExactInitiatives) {
      error(method_given ? method->loc : block.loc, "attribute.method",
            fmt::format("too many initiatives for method exact (got {} initiatives of {}, "
                        "2^{} sub-roadmaps; expected at most {} for exact, or method: sampled)",
                        k, out_.roadmap, k, kMaxExactInitiatives));
    }
  }
};

}  // namespace

const char* to_string(AttributeMethod method) {
  return method == AttributeMethod::exact ? "exact" : "sampled";
}

std::vector<std::string> entry_names(const Roadmap& roadmap) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < roadmap.initiatives.size(); ++i) {
    const std::string& name = roadmap.initiatives[i].name;
    int seen = 0;
    for (std::size_t j = 0; j < i; ++j) seen += roadmap.initiatives[j].name == name ? 1 : 0;
    out.push_back(seen == 0 ? name : fmt::format("{}#{}", name, seen + 1));
  }
  return out;
}

std::string metric_not_shared(const std::string& metric) {
  if (metric == "roi")
    return "a ratio, NaN for a sub-roadmap that spends no more than the baseline";
  if (metric == "payback_month") return "a month, NaN when the sub-roadmap never pays back";
  if (metric == "paid_back" || metric == "beats_baseline") return "an indicator (0 or 1)";
  if (metric.rfind("is_best", 0) == 0) return "a ranking among the roadmaps run together";
  return "";
}

void read_attribute_block(const YamlTree& block, const Scenario& base, AttributeBlock& out,
                          std::vector<Diagnostic>& diagnostics) {
  BlockReader(base, out, diagnostics).read(block);
}

std::string attribute_block_yaml(const AttributeBlock& block) {
  std::string out = "attribute:\n";
  out += fmt::format("  roadmap: {}\n", block.roadmap);
  out += "  initiatives: [" + join(block.player_names) + "]\n";
  out += fmt::format("  metric: {}\n", block.metric);
  out += fmt::format("  method: {}\n", to_string(block.method));
  if (block.method == AttributeMethod::sampled) {
    out += fmt::format("  permutations: {}\n", block.permutations);
  }
  return out;
}

}  // namespace cxsim
