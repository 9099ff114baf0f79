// A plain YAML document tree that remembers where every node came from (file, line, column),
// so that documents from several files (extends) and --set overrides can be merged and still
// point each error at its source.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/errors.hpp"

namespace cxsim {

struct SourceLoc {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

struct YamlTree {
  enum class Kind { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string text;             // scalars
  bool quoted = false;          // a quoted scalar is always a string, never a number
  std::vector<YamlTree> keys;   // maps: scalar keys, parallel to items
  std::vector<YamlTree> items;  // sequence items, or map values
  SourceLoc loc;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  // Map lookup by key; nullptr when absent or not a map.
  const YamlTree* find(std::string_view key) const;
  YamlTree* find(std::string_view key);
  const YamlTree* key_node(std::string_view key) const;
  void set(std::string key, YamlTree value, SourceLoc key_loc);
  void erase(std::string_view key);
  // The value of a scalar `name` key of a map item, or "".
  std::string item_name(std::string_view key = "name") const;

  static YamlTree scalar(std::string text, SourceLoc loc);
  static YamlTree map(SourceLoc loc);
};

// A short rendering for messages: a scalar as written, else "a list"/"a mapping"/"nothing".
std::string describe_value(const YamlTree& node);

// Parses one YAML document. On failure (syntax error, empty document, several documents,
// non-string keys, duplicate keys, too many nodes) appends diagnostics and returns nothing.
std::optional<YamlTree> parse_yaml(const std::string& text, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics);

}  // namespace cxsim
