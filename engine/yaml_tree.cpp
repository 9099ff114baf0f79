// Conversion of yaml-cpp documents into YamlTree, with every yaml-cpp exception caught.
#include "engine/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <exception>

namespace cxsim {

namespace {

// Aliases let a tiny file expand into an enormous tree ("billion laughs"); no scenario needs
// anywhere near this many nodes.
constexpr long kMaxNodes = 1'000'000;

SourceLoc loc_of(const YAML::Mark& mark, const std::string& file) {
  SourceLoc loc;
  loc.file = file;
  if (mark.line >= 0) {
    loc.line = mark.line + 1;
    loc.column = mark.column + 1;
  }
  return loc;
}

struct Converter {
  const std::string& file;
  std::vector<Diagnostic>& diagnostics;
  long nodes = 0;
  bool failed = false;

  void fail(const SourceLoc& loc, std::string path, std::string message) {
    diagnostics.push_back({loc.file, loc.line, loc.column, std::move(path), std::move(message)});
    failed = true;
  }

  YamlTree convert(const YAML::Node& node, const std::string& path) {
    YamlTree out;
    out.loc = loc_of(node.Mark(), file);
    if (++nodes > kMaxNodes) {
      if (nodes == kMaxNodes + 1) {
        fail(out.loc, path, "document too large (more than 1000000 nodes; aliases expanded)");
      }
      return out;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YamlTree::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = YamlTree::Kind::scalar;
        out.text = node.Scalar();
        out.quoted = node.Tag() == "!";
        break;
      case YAML::NodeType::Sequence: {
        out.kind = YamlTree::Kind::sequence;
        int i = 0;
        for (const auto& item : node) {
          out.items.push_back(convert(item, path + "[" + std::to_string(i++) + "]"));
        }
        break;
      }
      case YAML::NodeType::Map:
        out.kind = YamlTree::Kind::map;
        for (const auto& kv : node) {
          const SourceLoc key_loc = loc_of(kv.first.Mark(), file);
          if (!kv.first.IsScalar()) {
            fail(key_loc, path, "keys must be plain names (got a list or mapping as a key)");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const std::string child = path.empty() ? key : path + "." + key;
          if (out.find(key) != nullptr) {
            fail(key_loc, child, "duplicate key '" + key + "' (each key may appear once)");
            continue;
          }
          out.keys.push_back(YamlTree::scalar(key, key_loc));
          out.items.push_back(convert(kv.second, child));
        }
        break;
    }
    return out;
  }
};

}  // namespace

const YamlTree* YamlTree::find(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].text == key) return &items[i];
  }
  return nullptr;
}

YamlTree* YamlTree::find(std::string_view key) {
  return const_cast<YamlTree*>(static_cast<const YamlTree*>(this)->find(key));
}

const YamlTree* YamlTree::key_node(std::string_view key) const {
  if (kind != Kind::map) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].text == key) return &keys[i];
  }
  return nullptr;
}

void YamlTree::set(std::string key, YamlTree value, SourceLoc key_loc) {
  if (YamlTree* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  keys.push_back(scalar(std::move(key), std::move(key_loc)));
  items.push_back(std::move(value));
}

void YamlTree::erase(std::string_view key) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].text == key) {
      keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

std::string YamlTree::item_name(std::string_view key) const {
  const YamlTree* n = find(key);
  return (n != nullptr && n->is_scalar()) ? n->text : std::string{};
}

YamlTree YamlTree::scalar(std::string text, SourceLoc loc) {
  YamlTree t;
  t.kind = Kind::scalar;
  t.text = std::move(text);
  t.loc = std::move(loc);
  return t;
}

YamlTree YamlTree::map(SourceLoc loc) {
  YamlTree t;
  t.kind = Kind::map;
  t.loc = std::move(loc);
  return t;
}

std::string describe_value(const YamlTree& node) {
  switch (node.kind) {
    case YamlTree::Kind::null:
      return "nothing";
    case YamlTree::Kind::scalar: {
      std::string text = node.text.size() > 40 ? node.text.substr(0, 37) + "..." : node.text;
      return node.quoted ? "\"" + text + "\"" : "'" + text + "'";
    }
    case YamlTree::Kind::sequence:
      return "a list";
    case YamlTree::Kind::map:
      return "a mapping";
  }
  return "?";
}

std::optional<YamlTree> parse_yaml(const std::string& text, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
      diagnostics.push_back({file, 0, 0, "",
                             "the file is empty (expected a YAML mapping of "
                             "scenario keys, e.g. 'name: my_scenario')"});
      return std::nullopt;
    }
    if (docs.size() > 1) {
      const SourceLoc loc = loc_of(docs[1].Mark(), file);
      diagnostics.push_back({file, loc.line, loc.column, "",
                             "more than one YAML document (got " + std::to_string(docs.size()) +
                                 "; expected one scenario per file)"});
      return std::nullopt;
    }
    Converter converter{file, diagnostics};
    YamlTree tree = converter.convert(docs[0], "");
    if (converter.failed) return std::nullopt;
    return tree;
  } catch (const YAML::Exception& e) {
    const SourceLoc loc = loc_of(e.mark, file);
    diagnostics.push_back({file, loc.line, loc.column, "", "YAML syntax error: " + e.msg});
  } catch (const std::exception& e) {
    diagnostics.push_back({file, 0, 0, "", std::string("cannot parse YAML: ") + e.what()});
  }
  return std::nullopt;
}

}  // namespace cxsim
