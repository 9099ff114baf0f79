// Conversion of yaml-cpp documents into YamlTree, with every yaml-cpp exception caught.
#include "config/yaml_tree.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <exception>
#include <sstream>

#include "engine/core/printable.hpp"

namespace cxsim {

namespace {

// Aliases let a tiny file expand into an enormous tree ("billion laughs"); no scenario needs
// anywhere near this many nodes.
constexpr long kMaxNodes = 1'000'000;
// A scenario is nested a few levels deep (segments[].revenue.price is 3); yaml-cpp refuses
// several hundred levels itself, and aliases can nest copies inside copies below that.
constexpr int kMaxDepth = 64;

std::string too_deep_message() {
  return fmt::format(
      "nested deeper than {0} levels (got lists or mappings more than {0} levels deep; expected "
      "a scenario nested a few levels deep)",
      kMaxDepth);
}

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
  bool too_deep = false;
  // The nodes being converted, outermost first: an alias to one of them would never end.
  std::vector<YAML::Node> ancestors;

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
    if (node.IsSequence() || node.IsMap()) {
      for (const YAML::Node& a : ancestors) {
        if (a.is(node)) {
          fail(out.loc, path,
               "alias refers to itself or to a node containing it (got an endless structure; "
               "expected an alias to a complete node defined before it)");
          return out;
        }
      }
      if (static_cast<int>(ancestors.size()) >= kMaxDepth) {
        // Once, at the document level: the path would be as long as the nesting.
        if (!too_deep) fail(out.loc, "", too_deep_message());
        too_deep = true;
        return out;
      }
    }
    struct Enter {  // keeps `ancestors` right on every return
      std::vector<YAML::Node>& stack;
      bool entered;
      ~Enter() {
        if (entered) stack.pop_back();
      }
    } enter{ancestors, node.IsSequence() || node.IsMap()};
    if (enter.entered) ancestors.push_back(node);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = YamlTree::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        out.kind = YamlTree::Kind::scalar;
        out.text = node.Scalar();
        // Quoted ("0.88") or tagged as a string (!!str 0.88): text, never a number.
        out.quoted = node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
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
      std::string text = node.text;
      if (text.size() > 40) {
        std::size_t cut = 37;  // not inside a UTF-8 sequence
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text = text.substr(0, cut) + "...";
      }
      return node.quoted ? "\"" + text + "\"" : "'" + text + "'";
    }
    case YamlTree::Kind::sequence:
      return "a list";
    case YamlTree::Kind::map:
      return "a mapping";
  }
  return "?";
}

namespace {

constexpr int kMaxDocuments = 64;

// Counts documents without building them; remembers where the second starts and the last event.
struct DocumentCounter final : YAML::EventHandler {
  int starts = 0;
  YAML::Mark second_start;
  YAML::Mark last_mark;
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++starts == 2) second_start = mark;
    last_mark = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { last_mark = mark; }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { last_mark = mark; }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    last_mark = mark;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    last_mark = mark;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    last_mark = mark;
  }
  void OnMapEnd() override {}
};

// Line and column (1-based, in bytes) of a byte offset.
SourceLoc loc_at(const std::string& text, std::size_t offset, const std::string& file) {
  SourceLoc loc{file, 1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++loc.line;
      loc.column = 1;
    } else {
      ++loc.column;
    }
  }
  return loc;
}

// Line breaks as YAML reads them: CR LF and a lone CR (old Mac files) both end a line.
std::string normalized_line_breaks(const std::string& text) {
  if (text.find('\r') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Binary files, other encodings and raw control characters, which YAML does not allow in a
// stream (only tab and line breaks): refused before the parser sees them, with their place.
bool check_text(const std::string& text, const std::string& file,
                std::vector<Diagnostic>& diagnostics) {
  auto refuse = [&](std::size_t at, const std::string& message) {
    const SourceLoc loc = loc_at(text, at, file);
    diagnostics.push_back({file, loc.line, loc.column, "", message});
    return false;
  };
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    return refuse(nul,
                  "not a text/YAML file (got a NUL byte; expected UTF-8 text such as a scenario "
                  "written in a text editor)");
  }
  if (const auto bad = first_invalid_utf8(text)) {
    return refuse(*bad, fmt::format("not a text/YAML file (got byte \\x{:02x}, which is not "
                                    "UTF-8; expected UTF-8 text)",
                                    static_cast<unsigned char>(text[*bad])));
  }
  if (const auto c = first_control(text, "\t\n")) {
    return refuse(
        *c, "control character (got '" +
                printable(text.substr(*c, static_cast<unsigned char>(text[*c]) == 0xC2 ? 2 : 1)) +
                "'; expected printable text: YAML allows only tab and line breaks, "
                "write other characters as escapes in double quotes)");
  }
  return true;
}

}  // namespace

std::optional<YamlTree> parse_yaml(const std::string& raw_text, const std::string& file,
                                   std::vector<Diagnostic>& diagnostics) {
  const std::string text = normalized_line_breaks(raw_text);
  if (!check_text(text, file, diagnostics)) return std::nullopt;
  try {
    // yaml-cpp 0.7's LoadAll loops for ever, adding empty documents, on stray flow indicators
    // such as a ',' at the top level (jbeder/yaml-cpp#1040, fixed upstream by #1319): the
    // documents are counted in a bounded loop first, and the one document is then built by Load.
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    int documents = 0;
    while (documents <= kMaxDocuments && parser.HandleNextDocument(counter)) ++documents;
    if (documents > kMaxDocuments) {
      const SourceLoc loc = loc_of(counter.last_mark, file);
      diagnostics.push_back(
          {file, loc.line, loc.column, "",
           fmt::format("YAML syntax error: stray content at the top level (got more than {} "
                       "empty documents from it, e.g. from a ',', ']' or '}}' outside any list or "
                       "mapping; expected one YAML mapping of scenario keys)",
                       kMaxDocuments)});
      return std::nullopt;
    }
    if (documents > 1) {
      const SourceLoc loc = loc_of(counter.second_start, file);
      diagnostics.push_back({file, loc.line, loc.column, "",
                             "more than one YAML document (got " + std::to_string(documents) +
                                 "; expected one scenario per file)"});
      return std::nullopt;
    }
    const YAML::Node doc = documents == 0 ? YAML::Node() : YAML::Load(text);
    if (!doc.IsDefined() || doc.IsNull()) {
      diagnostics.push_back({file, 0, 0, "",
                             "the file is empty (expected a YAML mapping of "
                             "scenario keys, e.g. 'name: my_scenario')"});
      return std::nullopt;
    }
    Converter converter{file, diagnostics, 0, false, false, {}};
    YamlTree tree = converter.convert(doc, "");
    if (converter.failed) return std::nullopt;
    return tree;
  } catch (const YAML::DeepRecursion& e) {
    const SourceLoc loc = loc_of(e.mark, file);
    diagnostics.push_back({file, loc.line, loc.column, "", too_deep_message()});
  } catch (const YAML::Exception& e) {
    const SourceLoc loc = loc_of(e.mark, file);
    diagnostics.push_back({file, loc.line, loc.column, "", "YAML syntax error: " + e.msg});
  } catch (const std::exception& e) {
    diagnostics.push_back({file, 0, 0, "", std::string("cannot parse YAML: ") + e.what()});
  }
  return std::nullopt;
}

}  // namespace cxsim
