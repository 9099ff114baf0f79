// JSON Schema and Markdown generation from the key tables (config/scenario_keys.hpp).
#include "config/scenario_schema.hpp"

#include "engine/core/json_string.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <vector>

#include "config/scenario_keys.hpp"
#include "config/yaml_values.hpp"

namespace cxsim {

namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

std::string object(const Members& members) {
  std::string out = "{";
  for (std::size_t i = 0; i < members.size(); ++i) {
    out += (i == 0 ? "" : ",") + json_quoted(members[i].first) + ":" + members[i].second;
  }
  return out + "}";
}

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ",") + items[i];
  return out + "]";
}

std::string num(double x) {
  return format_number(x);
}

// Indents compact JSON two spaces per level (strings are copied untouched).
std::string pretty(const std::string& compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&] { out += "\n" + std::string(static_cast<std::size_t>(depth) * 2, ' '); };
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const char c = compact[i];
    if (in_string) {
      out += c;
      if (c == '\\') {
        out += compact[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        if (i + 1 < compact.size() && (compact[i + 1] == '}' || compact[i + 1] == ']')) {
          out += compact[++i];
        } else {
          ++depth;
          newline();
        }
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out + "\n";
}

std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = choices.find('|', start);
    out.emplace_back(choices.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) return out;
    start = bar + 1;
  }
}

std::string number_schema(const KeyInfo& k, bool integer) {
  Members m{{"type", integer ? "\"integer\"" : "\"number\""}};
  if (std::isfinite(k.lo)) m.emplace_back("minimum", num(k.lo));
  if (std::isfinite(k.hi))
    m.emplace_back(k.hi_exclusive ? "exclusiveMaximum" : "maximum", num(k.hi));
  return object(m);
}

std::string ref(std::string_view def) {
  return object({{"$ref", json_quoted("#/$defs/" + std::string(def))}});
}

std::string_view def_name(KeyOwner owner) {
  switch (owner) {
    case KeyOwner::root:
      return "scenario";
    case KeyOwner::segment:
      return "segment";
    case KeyOwner::touchpoint:
      return "touchpoint";
    case KeyOwner::initiative:
      return "initiative";
    case KeyOwner::effect:
      return "effect";
    case KeyOwner::roadmap:
      return "roadmap";
    case KeyOwner::roadmap_entry:
      return "roadmap_entry";
  }
  return "";
}

std::string describe_key(const KeyInfo& k) {
  std::string d(k.meaning);
  if (!k.unit.empty()) d += " [" + std::string(k.unit) + "]";
  return d;
}

std::string value_schema(const KeyInfo& k) {
  const std::string uncertain = array({number_schema(k, false), ref("distribution")});
  switch (k.type) {
    case KeyType::name:
      return object({{"type", "\"string\""}, {"pattern", "\"^[A-Za-z0-9_-]{1,100}$\""}});
    case KeyType::text:
    case KeyType::path:
    case KeyType::target:
      return object({{"type", "\"string\""}});
    case KeyType::integer:
      return number_schema(k, true);
    case KeyType::seed:
      return object(
          {{"type", "\"integer\""}, {"minimum", "0"}, {"maximum", "18446744073709551615"}});
    case KeyType::number:
      return number_schema(k, false);
    case KeyType::boolean:
      return object({{"type", "\"boolean\""}});
    case KeyType::choice:
    case KeyType::effect_op: {
      std::vector<std::string> options;
      for (const auto& c :
           split_choices(k.type == KeyType::choice ? k.choices : "multiply|add|set")) {
        options.push_back(json_quoted(c));
      }
      return object({{"enum", array(options)}});
    }
    case KeyType::parameter:
      return object({{"oneOf", uncertain}});
    case KeyType::per_segment:
      return object(
          {{"oneOf",
            array({number_schema(k, false), ref("distribution"),
                   object({{"type", "\"object\""},
                           {"additionalProperties", object({{"oneOf", uncertain}})},
                           {"description",
                            "\"one value per segment name; must name every segment\""}})})}});
    case KeyType::beta:
      return ref("beta");
    case KeyType::capex:
      return object(
          {{"oneOf",
            array({number_schema(k, false), ref("distribution"),
                   object({{"type", "\"object\""},
                           {"properties", object({{"total", object({{"oneOf", uncertain}})},
                                                  {"months", object({{"type", "\"integer\""},
                                                                     {"minimum", "1"}})}})},
                           {"required", array({"\"total\""})},
                           {"additionalProperties", "false"}})})}});
    case KeyType::list: {
      Members m{{"type", "\"array\""}, {"items", ref(def_name(k.item))}};
      if (k.required()) m.emplace_back("minItems", "1");
      return object(m);
    }
    case KeyType::initiative_uses:
      return object(
          {{"type", "\"array\""},
           {"items",
            object({{"oneOf", array({object({{"type", "\"string\""}}), ref("roadmap_entry")})}})}});
    case KeyType::names:
      return object({{"type", "\"array\""},
                     {"minItems", "1"},
                     {"uniqueItems", "true"},
                     {"items", object({{"type", "\"string\""}})}});
    case KeyType::number_rows:
      return object({{"type", "\"array\""},
                     {"minItems", "1"},
                     {"items", object({{"type", "\"array\""},
                                       {"items", object({{"type", "\"number\""}})}})}});
    case KeyType::numbers:
      return object({{"type", "\"array\""},
                     {"items", object({{"type", "\"number\""}, {"exclusiveMinimum", "0"}})}});
  }
  return "{}";
}

std::string default_json(const KeyInfo& k) {
  if (k.default_text.empty() || k.default_text == "-") return "";
  switch (k.type) {
    case KeyType::text:
      return "\"\"";
    case KeyType::choice:
      return json_quoted(k.default_text);
    case KeyType::boolean:
      return std::string(k.default_text);
    case KeyType::list:
    case KeyType::initiative_uses:
      return k.default_text == "[]" ? "[]" : "";
    default:
      return std::string(k.default_text);
  }
}

// A nested object schema built from dotted key paths.
struct ObjectSchema {
  std::vector<std::string> names;
  std::vector<ObjectSchema> children;
  std::vector<std::string> leaves;  // parallel to names; "" for nested objects
  std::vector<std::string> required;

  void add(std::string_view path, const std::string& schema, bool required_key) {
    const std::size_t dot = path.find('.');
    const std::string head(path.substr(0, dot));
    auto it = std::find(names.begin(), names.end(), head);
    std::size_t i = static_cast<std::size_t>(it - names.begin());
    if (it == names.end()) {
      names.push_back(head);
      children.emplace_back();
      leaves.emplace_back();
    }
    if (required_key && std::find(required.begin(), required.end(), head) == required.end()) {
      required.push_back(head);
    }
    if (dot == std::string_view::npos) {
      leaves[i] = schema;
    } else {
      children[i].add(path.substr(dot + 1), schema, required_key);
    }
  }

  std::string json(const Members& extra = {}) const {
    Members props;
    for (std::size_t i = 0; i < names.size(); ++i) {
      props.emplace_back(names[i], leaves[i].empty() ? children[i].json() : leaves[i]);
    }
    Members m{{"type", "\"object\""}, {"properties", object(props)}};
    if (!required.empty()) {
      std::vector<std::string> r;
      for (const auto& s : required) r.push_back(json_quoted(s));
      m.emplace_back("required", array(r));
    }
    m.emplace_back("additionalProperties", "false");
    for (const auto& e : extra) m.push_back(e);
    return object(m);
  }
};

std::string owner_schema(KeyOwner owner) {
  ObjectSchema schema;
  for (const auto& k : scenario_keys()) {
    if (k.owner != owner) continue;
    std::string s = value_schema(k);
    // Add description and default inside the key's schema object.
    s.pop_back();
    s += ",\"description\":" + json_quoted(describe_key(k));
    const std::string d = default_json(k);
    if (!d.empty()) s += ",\"default\":" + d;
    s += "}";
    // baseline_churn_monthly may be left out when heterogeneity draws it per agent.
    const bool required = k.required() && k.path != "baseline_churn_monthly";
    schema.add(k.path, s, required);
  }
  Members extra;
  if (owner == KeyOwner::segment) {
    extra.emplace_back("anyOf",
                       array({object({{"required", array({"\"baseline_churn_monthly\""})}}),
                              object({{"required", array({"\"heterogeneity\""})}})}));
  }
  return schema.json(extra);
}

std::string distribution_schema() {
  auto one = [](const char* name, int n) {
    return object(
        {{"type", "\"object\""},
         {"properties", object({{name, object({{"type", "\"array\""},
                                               {"items", object({{"type", "\"number\""}})},
                                               {"minItems", std::to_string(n)},
                                               {"maxItems", std::to_string(n)}})}})},
         {"required", array({json_quoted(name)})},
         {"additionalProperties", "false"}});
  };
  return object({{"description", "\"Uncertain number, drawn once per replication (MODEL.md s.5)\""},
                 {"oneOf", array({one("normal", 2), one("lognormal", 2), one("uniform", 2),
                                  one("triangular", 3), one("beta", 2)})}});
}

std::string type_text(const KeyInfo& k) {
  switch (k.type) {
    case KeyType::name:
      return "name";
    case KeyType::text:
      return "text";
    case KeyType::path:
      return "file path";
    case KeyType::integer:
      return "integer";
    case KeyType::seed:
      return "integer (uint64)";
    case KeyType::number:
      return "number";
    case KeyType::boolean:
      return "boolean";
    case KeyType::choice:
      return "one of " + std::string(k.choices);
    case KeyType::parameter:
      return "number or distribution";
    case KeyType::per_segment:
      return "number, distribution, or map by segment";
    case KeyType::beta:
      return "{beta: [a, b]}";
    case KeyType::capex:
      return "number, distribution, or {total, months}";
    case KeyType::list:
      return "list";
    case KeyType::target:
      return "parameter path";
    case KeyType::effect_op:
      return "multiply | add | set";
    case KeyType::initiative_uses:
      return "list of names or {use, ...}";
    case KeyType::names:
      return "list of parameter names";
    case KeyType::number_rows:
      return "list of lists of numbers";
    case KeyType::numbers:
      return "list of numbers";
  }
  return "";
}

std::string cell(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string scenario_json_schema() {
  Members defs{
      {"distribution", distribution_schema()},
      {"beta", object({{"type", "\"object\""},
                       {"properties",
                        object({{"beta", object({{"type", "\"array\""},
                                                 {"items", object({{"type", "\"number\""},
                                                                   {"exclusiveMinimum", "0"}})},
                                                 {"minItems", "2"},
                                                 {"maxItems", "2"}})}})},
                       {"required", array({"\"beta\""})},
                       {"additionalProperties", "false"}})}};
  for (const KeyOwner owner : {KeyOwner::segment, KeyOwner::touchpoint, KeyOwner::initiative,
                               KeyOwner::effect, KeyOwner::roadmap, KeyOwner::roadmap_entry}) {
    defs.emplace_back(std::string(def_name(owner)), owner_schema(owner));
  }
  std::string root = owner_schema(KeyOwner::root);
  root.erase(0, 1);  // splice the header members in front of the root object's own
  const std::string head =
      object({{"$schema", "\"https://json-schema.org/draft/2020-12/schema\""},
              {"$id", "\"https://cxsim.dev/schema/scenario.json\""},
              {"title", "\"cxsim scenario\""},
              {"description",
               "\"A cxsim scenario file (SCENARIO.md); generated from the parameter tables\""},
              {"$defs", object(defs)}});
  return pretty(head.substr(0, head.size() - 1) + "," + root);
}

std::string parameters_markdown() {
  std::string out =
      "<!-- Generated from engine/core/parameters.cpp and config/scenario_keys.cpp by\n"
      "     parameters_markdown(); do not edit by hand (a test checks it is current). -->\n"
      "# Scenario parameters\n\n"
      "Every key of a scenario file. A key without a default is required. Numbers marked\n"
      "\"number or distribution\" are behavioural: they may be written as a distribution\n"
      "(`{normal: [mean, sd]}`, `{lognormal: [mu, sigma]}`, `{uniform: [lo, hi]}`,\n"
      "`{triangular: [lo, mode, hi]}`, `{beta: [a, b]}`), drawn once per replication; a draw\n"
      "outside the range is clamped and counted. \"target\" marks the numbers initiative effects\n"
      "may change. `segments[]` keys belong to each segment, and so on.\n\n"
      "Every range is closed: the upper bounds (money at most 1e12 per unit, Poisson means at\n"
      "most 1e6, at most 1e10 people) keep every result finite; docs/scenario.md (\"Bad input\")\n"
      "gives the argument. Distribution parameters are at most 1e15 in magnitude and a beta's\n"
      "in [0.05, 1e6]; a `multiply` factor is >= 0, and a distribution for it may not reach\n"
      "below 0.\n\n"
      "## Names of uncertain numbers\n\n"
      "Every behavioural number (drawn once per replication when it is a distribution) has one\n"
      "name, used by `--set`, by experiment factors and priors, and for the `/parameters/<path>`\n"
      "datasets of results files:\n\n"
      "| number | name | example |\n"
      "|---|---|---|\n"
      "| a key of the file | its YAML path, list items by name | "
      "`segments.consumer.revenue.price`, `touchpoints.billing.contacts_per_month.consumer` |\n"
      "| an initiative's capex, opex | `initiatives.<initiative>.<key>` (capex also when "
      "written `{total, months}`: a number or distribution sets the total) | "
      "`initiatives.billing_fix.capex` |\n"
      "| an effect's value | `initiatives.<initiative>.effects.<target>`, the target as written "
      "(`*` kept), `#2`, `#3` for the second, third effect on one target | "
      "`initiatives.digital_app.effects.touchpoints.app.failure_rate`, "
      "`initiatives.closed_loop.effects.touchpoints.*.recovered_severity` |\n"
      "| a roadmap entry's override | `roadmaps.<roadmap>.<initiative>.<key>` | "
      "`roadmaps.phased.digital_app.capex` |\n"
      "| one parameter of a distribution | `<path>.<kind>.<index>`, the kind as written and a "
      "0-based index (heterogeneity included) | "
      "`segments.regular.heterogeneity.baseline_churn_monthly.beta.1` |\n\n"
      "`--set` also takes the older spellings (`initiatives.<i>.effects[0].value`,\n"
      "`roadmaps.<r>.initiatives.<i>.<key>`). A distribution parameter named on a key that is not\n"
      "written as that kind, or past the kind's parameters, is an error saying what is written.\n";
  KeyOwner current = KeyOwner::effect;
  bool first = true;
  for (const auto& k : scenario_keys()) {
    if (first || k.owner != current) {
      current = k.owner;
      first = false;
      const std::string_view prefix = owner_prefix(k.owner);
      out += "\n## " +
             (prefix.empty() ? std::string("Top level") : "`" + std::string(prefix) + "`") +
             "\n\n| path | type | default | range | unit | meaning | source |\n"
             "|---|---|---|---|---|---|---|\n";
    }
    const std::string_view prefix = owner_prefix(k.owner);
    const std::string path =
        (prefix.empty() ? "" : std::string(prefix) + ".") + std::string(k.path);
    std::string def = k.default_text.empty()  ? "required"
                      : k.default_text == "-" ? "(none)"
                                              : std::string(k.default_text);
    if (k.path == "baseline_churn_monthly" && k.owner == KeyOwner::segment) {
      def = "required (unless heterogeneity)";
    }
    std::string range;
    const bool numeric = k.type == KeyType::integer || k.type == KeyType::number ||
                         k.type == KeyType::parameter || k.type == KeyType::per_segment ||
                         k.type == KeyType::capex || k.type == KeyType::seed;
    if (numeric) range = range_text(k.lo, k.hi, k.hi_exclusive);
    std::string type = type_text(k);
    if (k.param != nullptr && k.param->target_ok) type += "; target";
    out += "| `" + path + "` | " + cell(type) + " | " + cell(def) + " | " + cell(range) + " | " +
           cell(std::string(k.unit)) + " | " + cell(std::string(k.meaning)) + " | " +
           cell(std::string(k.source)) + " |\n";
  }
  return out;
}

}  // namespace cxsim
