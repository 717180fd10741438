#include "specs/raml_node.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "specs/tree_budget.h"

namespace agora::specs::raml {
namespace {

bool IsYamlPath(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  return ext == "raml" || ext == "yaml" || ext == "yml";
}

boost::json::value ToJson(const RamlNode& node) {
  if (node.is_mapping()) {
    boost::json::object object;
    for (const auto& pair : node.pairs) object[pair.key] = ToJson(pair.value);
    return object;
  }
  if (node.is_sequence()) {
    boost::json::array array;
    for (const auto& item : node.items) array.push_back(ToJson(item));
    return array;
  }
  switch (TypeOfScalar(node)) {
    case ScalarType::kNull:
      return nullptr;
    case ScalarType::kBoolean:
      return node.scalar == "true" || node.scalar == "True" || node.scalar == "TRUE";
    case ScalarType::kInteger: {
      int64_t value = 0;
      const auto [end, error] = std::from_chars(node.scalar.data(), node.scalar.data() + node.scalar.size(), value);
      if (error == std::errc() && end == node.scalar.data() + node.scalar.size()) return value;
      return *NumberOf(node);
    }
    case ScalarType::kNumber:
      return *NumberOf(node);
    case ScalarType::kString:
      break;
  }
  return boost::json::string(node.scalar);
}

// The node itself, without its items and pairs, into `node`.
void CopyOwnFields(const YamlNode& yaml, uint32_t file, RamlNode& node) {
  node.kind = static_cast<RamlNode::Kind>(yaml.kind);
  node.tag = yaml.tag;
  node.scalar = yaml.scalar;
  node.quoted = yaml.quoted;
  node.file = file;
  node.line = yaml.line;
  node.column = yaml.column;
}

RamlNode FromYaml(const YamlNode& yaml, uint32_t file) {
  RamlNode node;
  CopyOwnFields(yaml, file, node);
  for (const auto& item : yaml.items) node.items.push_back(FromYaml(item, file));
  for (const auto& pair : yaml.pairs) node.pairs.push_back({pair.key, FromYaml(pair.value, file), pair.value.key_line, pair.value.key_column});
  return node;
}

void Relocate(RamlNode& node, uint32_t file, uint32_t line, uint32_t column) {
  node.file = file;
  node.line = line + node.line - 1;
  node.column = node.line == line ? column + node.column - 1 : node.column;
  for (auto& item : node.items) Relocate(item, file, line, column);
  for (auto& pair : node.pairs) Relocate(pair.value, file, line, column);
}

}  // namespace

bool RamlNode::is_null() const {
  return is_scalar() && !quoted && (scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" || scalar == "NULL");
}

const RamlNode* RamlNode::Find(std::string_view key) const {
  const RamlPair* pair = FindPair(key);
  return pair ? &pair->value : nullptr;
}

const RamlPair* RamlNode::FindPair(std::string_view key) const {
  for (const auto& pair : pairs)
    if (pair.key == key) return &pair;
  return nullptr;
}

ScalarType TypeOfScalar(const RamlNode& node) {
  if (node.quoted || !node.tag.empty()) {
    const std::string& tag = node.tag;
    if (tag.ends_with(":int") || tag == "!!int") return ScalarType::kInteger;
    if (tag.ends_with(":float") || tag == "!!float") return ScalarType::kNumber;
    if (tag.ends_with(":bool") || tag == "!!bool") return ScalarType::kBoolean;
    if (tag.ends_with(":null") || tag == "!!null") return ScalarType::kNull;
    return ScalarType::kString;
  }
  if (node.is_null()) return ScalarType::kNull;
  const std::string& s = node.scalar;
  if (s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE") return ScalarType::kBoolean;
  static const std::regex kInteger("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  static const std::regex kNumber(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  if (s.size() < 64 && std::regex_match(s, kInteger)) return ScalarType::kInteger;
  if (s.size() < 64 && std::regex_match(s, kNumber)) return ScalarType::kNumber;
  return ScalarType::kString;
}

std::optional<double> NumberOf(const RamlNode& node) {
  if (!node.is_scalar()) return std::nullopt;
  const ScalarType type = TypeOfScalar(node);
  if (type != ScalarType::kInteger && type != ScalarType::kNumber) return std::nullopt;
  const std::string& s = node.scalar;
  if (s.starts_with("0x")) return static_cast<double>(std::strtoull(s.c_str() + 2, nullptr, 16));
  if (s.starts_with("0o")) return static_cast<double>(std::strtoull(s.c_str() + 2, nullptr, 8));
  if (s.find("inf") != std::string::npos || s.find("Inf") != std::string::npos || s.find("INF") != std::string::npos)
    return s.front() == '-' ? -HUGE_VAL : HUGE_VAL;
  if (s.find("nan") != std::string::npos || s.find("NaN") != std::string::npos) return std::nan("");
  return std::strtod(s.c_str(), nullptr);
}

std::string ToJsonText(const RamlNode& node) { return boost::json::serialize(ToJson(node)); }

std::optional<RamlNode> ParseValueText(std::string_view text, uint32_t file, uint32_t line, uint32_t column) {
  const ParsedYaml parsed = ParseYaml(text);
  if (parsed.error) return std::nullopt;
  RamlNode node = FromYaml(parsed.root, file);
  Relocate(node, file, line, column);
  return node;
}

std::pair<std::string, std::string> ParseRamlHeader(std::string_view text) {
  std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  for (const char* version : {"1.0", "0.8"}) {
    const std::string prefix = std::string("#%RAML ") + version;
    if (!line.starts_with(prefix)) continue;
    std::string kind(line.substr(prefix.size()));
    if (!kind.empty() && kind.front() != ' ' && kind.front() != '\t') return {"", ""};
    kind.erase(0, kind.find_first_not_of(" \t"));
    kind.erase(kind.find_last_not_of(" \t") + 1);
    return {version, kind};
  }
  return {"", ""};
}

RamlLoader::RamlLoader(DocumentSet& documents, SpecReport& report, const std::string& main_file, const ReadOptions& options)
    : documents_(documents),
      report_(report),
      main_file_(main_file),
      root_dir_(main_file.substr(0, main_file.rfind('/') + 1)),
      options_(options),
      includes_("!include", options.max_reference_depth) {
  FileIndex(main_file);
}

uint32_t RamlLoader::FileIndex(const std::string& path) {
  const auto [it, added] = file_index_.try_emplace(path, static_cast<uint32_t>(files_.size()));
  if (added) files_.push_back(path);
  return it->second;
}

Result<std::string> RamlLoader::Resolve(const std::string& from_file, std::string reference) const {
  while (!reference.empty() && (reference.back() == ' ' || reference.back() == '\t')) reference.pop_back();
  if (!reference.empty() && reference.front() == '/') return ResolveReference(main_file_, root_dir_ + reference.substr(1));
  return ResolveReference(from_file, reference);
}

void RamlLoader::Report(uint32_t file, uint32_t line, uint32_t column, std::string message) {
  report_.problems.push_back({files_[file], line, column, std::move(message)});
}

void RamlLoader::Report(const RamlNode& at, std::string message) { Report(at.file, at.line, at.column, std::move(message)); }

void RamlLoader::Warn(const RamlNode& at, std::string message) {
  report_.warnings.push_back({files_[at.file], at.line, at.column, std::move(message)});
}

void RamlLoader::ReportKey(const RamlNode& parent, const RamlPair& pair, std::string message) {
  if (pair.key_line) return Report(pair.value.file, pair.key_line, pair.key_column, std::move(message));
  Report(pair.value, std::move(message));
}

std::pair<std::string, std::string> RamlLoader::HeaderOf(const std::string& path) {
  const std::string* text = documents_.Text(path, {path, 0, 0, ""});
  return text ? ParseRamlHeader(*text) : std::pair<std::string, std::string>{};
}

const RamlNode* RamlLoader::Load(const std::string& path, const Problem& from) {
  if (const auto found = loaded_.find(path); found != loaded_.end()) return found->second.get();
  auto entered = includes_.Enter(path);
  if (!entered) {
    report_.problems.push_back({from.file, from.line, from.column, entered.refusal()});
    return nullptr;
  }
  const YamlNode* yaml = documents_.Yaml(path, from);
  if (!yaml) return nullptr;
  const uint32_t file = FileIndex(path);
  auto tree = std::make_unique<RamlNode>();
  if (!Expand(path, *yaml, file, *tree)) return nullptr;
  auto& slot = loaded_[path];
  slot = std::move(tree);
  return slot.get();
}

namespace {

// What a node of an expanded tree costs: the node and its place in its parent (its short strings
// live inside it), and its strings that do not. The model the reader builds from the written
// nodes grows linearly with them and is not charged; a charge of 1 KiB for every node refused
// valid 3 MB APIs.
constexpr uint64_t kNodeBytes = sizeof(RamlPair);
// What a node of an applied resource type or trait costs: the copy, and the parameters and
// shapes of the model it becomes (a Shape alone is over a kilobyte). Applying templates is how a
// small spec multiplies, so this is where the budget must see the model's cost.
constexpr uint64_t kAppliedNodeBytes = 1024;

// The nodes of `tree` at `node_bytes` each, and the strings they hold (a copy repeats them all:
// a file of long text included a thousand times is a thousand copies of it).
uint64_t TreeBytes(const RamlNode& tree, uint64_t node_bytes) {
  uint64_t bytes = node_bytes + TreeBudget::HeapBytes(tree.scalar) + TreeBudget::HeapBytes(tree.tag);
  for (const auto& item : tree.items) bytes += TreeBytes(item, node_bytes);
  for (const auto& pair : tree.pairs) bytes += TreeBudget::HeapBytes(pair.key) + TreeBytes(pair.value, node_bytes);
  return bytes;
}

}  // namespace

uint64_t CopyBytes(const RamlNode& tree) { return TreeBytes(tree, kNodeBytes); }

bool RamlLoader::ChargeCopy(const RamlNode& tree) { return Charge(CopyBytes(tree), tree); }

bool RamlLoader::ChargeApplication(const RamlNode& tree) { return Charge(TreeBytes(tree, kAppliedNodeBytes), tree); }

bool RamlLoader::Charge(uint64_t bytes, const RamlNode& at) {
  return documents_.Charge(bytes, {files_[at.file], at.line, at.column, ""});
}

bool RamlLoader::Spent(const RamlNode& at) { return documents_.Spent({files_[at.file], at.line, at.column, ""}); }

// Trees nest at most this deep once includes are expanded (each file alone is bounded by
// YamlLimits::max_depth), so that every recursive walk of them stays bounded.
constexpr uint32_t kMaxNesting = 2048;

// The tree is built in place, each node where it ends up: a large spec has tens of thousands.
bool RamlLoader::Expand(const std::string& path, const YamlNode& yaml, uint32_t file, RamlNode& node) {
  if (yaml.is_scalar() && yaml.tag == "!include") {
    auto included = Include(path, yaml, file);
    if (!included) return false;
    node = std::move(*included);
    return true;
  }
  if (!yaml.tag.empty() && yaml.tag != "!" && !yaml.tag.starts_with("tag:yaml.org,2002:") && !yaml.tag.starts_with("!!"))
    Report(file, yaml.line, yaml.column, "unknown tag '" + yaml.tag + "' (RAML knows !include)");
  if (!documents_.Charge(kNodeBytes, {files_[file], yaml.line, yaml.column, ""})) return false;
  if (nesting_ >= kMaxNesting) {
    if (!nesting_reported_) Report(file, yaml.line, yaml.column, "includes nest the document deeper than " + std::to_string(kMaxNesting) + " levels");
    nesting_reported_ = true;
    return false;
  }
  struct Nest {
    uint32_t& n;
    explicit Nest(uint32_t& n) : n(n) { ++n; }
    ~Nest() { --n; }
  } nest(nesting_);
  CopyOwnFields(yaml, file, node);
  node.items.reserve(yaml.items.size());
  for (const auto& item : yaml.items)
    if (!Expand(path, item, file, node.items.emplace_back())) return false;
  node.pairs.reserve(yaml.pairs.size());
  for (const auto& pair : yaml.pairs) {
    RamlPair& expanded = node.pairs.emplace_back();
    if (!Expand(path, pair.value, file, expanded.value)) return false;
    expanded.key = pair.key;
    expanded.key_line = pair.value.key_line;
    expanded.key_column = pair.value.key_column;
  }
  return true;
}

// An include that cannot be followed is reported and becomes a null node, so that the rest of
// the document is still checked.
std::optional<RamlNode> RamlLoader::Include(const std::string& path, const YamlNode& yaml, uint32_t file) {
  RamlNode node;
  node.file = file;
  node.line = yaml.line;
  node.column = yaml.column;
  std::string reference = yaml.scalar;
  std::string fragment;
  if (const auto hash = reference.find('#'); hash != std::string::npos) {
    fragment = reference.substr(hash + 1);
    reference.erase(hash);
  }
  auto target = Resolve(path, reference);
  if (!target.ok()) {
    Report(node, target.status().message());
    return node;
  }
  const Problem from{path, yaml.line, yaml.column, ""};
  const std::string* text = documents_.Text(*target, from);
  if (!text) return node;
  const auto [version, kind] = ParseRamlHeader(*text);
  if (IsYamlPath(*target) || !version.empty()) {
    const RamlNode* tree = Load(*target, from);
    if (!tree) return node;
    if (!ChargeCopy(*tree)) return std::nullopt;
    node = *tree;
    node.raml_header = !version.empty();
    node.fragment_kind = kind;
  } else {
    if (!documents_.Charge(text->size(), from)) return std::nullopt;  // each include is a copy
    node.scalar = *text;
    node.quoted = true;
    node.text = true;
    node.include_fragment = fragment;
    node.file = FileIndex(*target);
    node.line = 1;
    node.column = 1;
  }
  node.included_file = *target;
  return node;
}

}  // namespace agora::specs::raml
