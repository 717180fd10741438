#include "specs/yaml_document.h"

#include <time.h>
#include <yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_set>

#include "specs/tree_budget.h"

namespace agora::specs {
namespace {

uint64_t HeapBytes(const std::string& text) { return TreeBudget::HeapBytes(text); }

// What a copy of `node` costs (strings and child arrays, exactly sized as copies are), how many
// nodes it holds and the collection levels it nests, which an alias to it adds where it appears.
// Recursion bounded by YamlLimits::max_depth: the tree is never deeper.
struct AnchorShape {
  uint64_t nodes = 1;
  uint64_t bytes = 0;
  uint32_t levels = 0;
};

AnchorShape ShapeOf(const YamlNode& node) {
  AnchorShape shape;
  shape.bytes = HeapBytes(node.scalar) + HeapBytes(node.tag) + node.items.size() * sizeof(YamlNode) +
                node.pairs.size() * sizeof(YamlPair);
  auto add = [&shape](const YamlNode& child) {
    const AnchorShape inner = ShapeOf(child);
    shape.nodes += inner.nodes;
    shape.bytes += inner.bytes;
    shape.levels = std::max(shape.levels, inner.levels);
  };
  for (const auto& item : node.items) add(item);
  for (const auto& [key, value] : node.pairs) {
    shape.bytes += HeapBytes(key);
    add(value);
  }
  if (!node.is_scalar()) ++shape.levels;
  return shape;
}

// Builds the tree from libyaml's events: open collections on a stack, each finished node
// attached to the collection below it (as an item, a key or a value).
class TreeBuilder {
 public:
  explicit TreeBuilder(const YamlLimits& limits) : limits_(limits) {}

  ParsedYaml Run(std::string_view text) {
    text_ = text;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    bool done = false;
    while (!done && !result_.error) {
      if (budget_.OutOfTime()) {
        Fail(static_cast<uint32_t>(parser.mark.line + 1), static_cast<uint32_t>(parser.mark.column + 1),
             "parsing ran out of time", YamlError::Kind::kTime);
        break;
      }
      yaml_event_t event;
      if (!yaml_parser_parse(&parser, &event)) {
        const auto& mark = parser.problem_mark;
        std::string message = parser.problem ? parser.problem : "invalid YAML";
        if (parser.context)
          message += std::string(" ") + parser.context + " that starts at line " +
                     std::to_string(parser.context_mark.line + 1) + ", column " + std::to_string(parser.context_mark.column + 1);
        Fail(static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1), std::move(message));
        break;
      }
      done = Handle(event);
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    if (!has_root_ && !result_.error) result_.root.scalar = "";
    result_.bytes = budget_.bytes();
    return std::move(result_);
  }

 private:
  struct Frame {
    YamlNode node;
    bool flow = false;  // [...] or {...}
    std::string anchor;
    bool expecting_value = false;
    std::string key;
    uint32_t key_line = 0, key_column = 0;
    std::unordered_set<std::string> keys;  // filled only once a mapping outgrows kLinearKeys
  };

  // Small mappings, nearly all of them, find a duplicate key by scanning their pairs, which costs
  // no allocation; a set takes over in large ones so that a hostile mapping stays linear.
  static constexpr size_t kLinearKeys = 16;

  // A key's entry in a large mapping's set: its hash node and bucket, besides its string.
  static constexpr uint64_t kKeyEntryBytes = 64;

  bool AddKey(Frame& frame, const std::string& key, const yaml_event_t& event) {
    const auto& pairs = frame.node.pairs;
    if (pairs.size() < kLinearKeys) {
      return std::none_of(pairs.begin(), pairs.end(), [&](const YamlPair& pair) { return pair.key == key; });
    }
    if (frame.keys.empty())
      for (const auto& pair : pairs) {
        if (!Charge(kKeyEntryBytes + HeapBytes(pair.key), event)) return true;  // the error stops the parse
        frame.keys.insert(pair.key);
      }
    if (!Charge(kKeyEntryBytes + HeapBytes(key), event)) return true;
    return frame.keys.insert(key).second;
  }

  // True once the first document ends.
  bool Handle(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        return true;
      case YAML_SCALAR_EVENT: {
        YamlNode node = Start(YamlNode::Kind::kScalar, event, event.data.scalar.tag);
        node.scalar.assign(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length);
        node.quoted = event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        if (!Charge(HeapBytes(node.scalar) + HeapBytes(node.tag), event)) return true;
        Finish(std::move(node), Text(event.data.scalar.anchor), event);
        return false;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        const auto* tag = sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag;
        const auto* anchor = sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
        if (stack_.size() >= limits_.max_depth) {
          Fail(Line(event), Column(event), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
          return true;
        }
        const bool flow = sequence ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                                   : event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        stack_.push_back({Start(sequence ? YamlNode::Kind::kSequence : YamlNode::Kind::kMapping, event, tag), flow,
                          Text(anchor)});
        return !Charge(HeapBytes(stack_.back().node.tag), event);
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        if (frame.flow && !stack_.empty() && !stack_.back().flow && !CheckFlowIndentation(frame.node, event))
          return true;
        budget_.ShrinkToFit(frame.node.items);
        budget_.ShrinkToFit(frame.node.pairs);
        Finish(std::move(frame.node), frame.anchor, event);
        return false;
      }
      case YAML_ALIAS_EVENT: {
        const auto found = anchors_.find(Text(event.data.alias.anchor));
        if (found == anchors_.end()) {
          Fail(Line(event), Column(event), "unknown alias *" + Text(event.data.alias.anchor));
          return true;
        }
        const auto& [node, shape] = found->second;
        // The alias stands for a copy of the anchored node: its nodes count, and its nesting
        // adds to the depth where it appears.
        if (stack_.size() + shape.levels > limits_.max_depth) {
          Fail(Line(event), Column(event), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
          return true;
        }
        alias_nodes_ += shape.nodes;
        if (alias_nodes_ > std::max(limits_.alias_floor, limits_.alias_ratio * nodes_)) {
          Fail(Line(event), Column(event),
               "aliases expand to more than " + std::to_string(limits_.alias_ratio) +
                   " times the document's own nodes (an alias bomb?)",
               YamlError::Kind::kAliases);
          return true;
        }
        if (!Charge(shape.bytes, event)) return true;
        Finish(node, "", event);
        return false;
      }
      default:
        return false;
    }
  }

  // YAML wants the lines of a flow collection that sits in a block collection indented into that
  // block. libyaml does not check it, and JSON-minded authors break it ("value: {" ... a closing
  // "}" left of the key), which other parsers refuse. Like the lenient ones (AMF's, js-yaml's), a
  // line as indented as the block's keys is accepted ("type: {" ... "}" under "type").
  bool CheckFlowIndentation(const YamlNode& flow, const yaml_event_t& event) {
    const uint32_t end_line = Line(event);
    const uint32_t block_indent = stack_.back().node.column - 1;
    if (line_starts_.empty()) {
      const size_t lines = std::count(text_.begin(), text_.end(), '\n') + 1;
      if (!Charge(lines * sizeof(size_t), event)) return false;
      line_starts_.reserve(lines);
      line_starts_.push_back(0);
      for (size_t i = 0; i < text_.size(); ++i)
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
    for (uint32_t line = flow.line + 1; line <= end_line && line <= line_starts_.size(); ++line) {
      const size_t start = line_starts_[line - 1];
      const size_t first = text_.find_first_not_of(' ', start);
      if (first == std::string_view::npos || text_[first] == '\n' || text_[first] == '\r' || text_[first] == '#') continue;
      if (first - start < block_indent) {
        Fail(line, static_cast<uint32_t>(first - start + 1),
             "this line of the flow collection that starts at line " + std::to_string(flow.line) +
                 " is left of the block it is in (which starts at column " + std::to_string(block_indent + 1) + ")");
        return false;
      }
    }
    return true;
  }

  YamlNode Start(YamlNode::Kind kind, const yaml_event_t& event, const yaml_char_t* tag) {
    ++nodes_;
    YamlNode node;
    node.kind = kind;
    node.tag = Text(tag);
    node.line = Line(event);
    node.column = Column(event);
    return node;
  }

  // Charges the budget, or fails the parse at `event` (returning false) when it cannot pay.
  bool Charge(uint64_t bytes, const yaml_event_t& event) { return Paid(budget_.Charge(bytes), event); }
  bool Paid(bool paid, const yaml_event_t& event) {
    if (!paid) Fail(Line(event), Column(event), budget_.MemoryMessage(), YamlError::Kind::kMemory);
    return paid;
  }


  void Finish(YamlNode node, const std::string& anchor, const yaml_event_t& event) {
    if (result_.error) return;
    if (!anchor.empty()) {
      // The anchor keeps a copy of its node, for the aliases to copy.
      const AnchorShape shape = ShapeOf(node);
      auto [it, inserted] = anchors_.try_emplace(anchor);
      if (!inserted) budget_.Refund(it->second.second.bytes);
      if (!Charge(shape.bytes, event)) return;
      it->second = {node, shape};
    }
    if (stack_.empty()) {
      if (!has_root_) result_.root = std::move(node);
      has_root_ = true;
      return;
    }
    Frame& top = stack_.back();
    if (top.node.is_sequence()) {
      if (!Paid(budget_.ChargeGrowth(top.node.items), event)) return;
      top.node.items.push_back(std::move(node));
    } else if (!top.expecting_value) {
      top.key = node.is_scalar() ? std::move(node.scalar) : "<complex key>";
      if (!AddKey(top, top.key, event))
        return Fail(node.line, node.column, "duplicate key '" + top.key + "'");
      top.key_line = node.line;
      top.key_column = node.column;
      top.expecting_value = true;
    } else {
      if (!Paid(budget_.ChargeGrowth(top.node.pairs), event)) return;
      node.key_line = top.key_line;
      node.key_column = top.key_column;
      top.node.pairs.push_back({std::move(top.key), std::move(node)});
      top.expecting_value = false;
    }
  }

  void Fail(uint32_t line, uint32_t column, std::string message, YamlError::Kind kind = YamlError::Kind::kSyntax) {
    if (!result_.error) result_.error = YamlError{line, column, std::move(message), kind};
  }

  static std::string Text(const yaml_char_t* text) { return text ? reinterpret_cast<const char*>(text) : ""; }
  static uint32_t Line(const yaml_event_t& e) { return static_cast<uint32_t>(e.start_mark.line + 1); }
  static uint32_t Column(const yaml_event_t& e) { return static_cast<uint32_t>(e.start_mark.column + 1); }

  const YamlLimits limits_;
  std::string_view text_;
  std::vector<size_t> line_starts_;  // where each line of text_ starts, once a flow check needs them
  ParsedYaml result_;
  bool has_root_ = false;
  std::vector<Frame> stack_;
  std::map<std::string, std::pair<YamlNode, AnchorShape>> anchors_;
  uint64_t nodes_ = 0;        // written out
  uint64_t alias_nodes_ = 0;  // copied by aliases
  TreeBudget budget_{limits_};
};

}  // namespace

std::optional<std::map<std::string, YamlScalar, std::less<>>> TopLevelScalars(
    std::string_view text, std::initializer_list<std::string_view> keys, const YamlLimits& limits) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::map<std::string, YamlScalar, std::less<>> found;
  bool valid = true, root_mapping = false, expecting_key = true, done = false;
  uint32_t depth = 0;  // open collections
  std::string key;
  uint64_t events = 0;
  while (!done) {
    yaml_event_t event;
    const bool late = ++events % 4096 == 0 && limits.cpu_deadline.count() && ThreadCpuTime() > limits.cpu_deadline;
    if (late || !yaml_parser_parse(&parser, &event)) {
      valid = false;
      break;
    }
    switch (event.type) {
      case YAML_MAPPING_START_EVENT:
      case YAML_SEQUENCE_START_EVENT:
        if (depth == 0) root_mapping = event.type == YAML_MAPPING_START_EVENT;
        else if (depth == 1) expecting_key = !expecting_key;  // a collection as a key or a value
        if (++depth > limits.max_depth) {
          valid = false;
          done = true;
        }
        break;
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        --depth;
        break;
      case YAML_SCALAR_EVENT:
      case YAML_ALIAS_EVENT:
        if (depth != 1) break;
        if (expecting_key) {
          key = event.type == YAML_SCALAR_EVENT
                    ? std::string(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length)
                    : "";
        } else if (event.type == YAML_SCALAR_EVENT && std::find(keys.begin(), keys.end(), key) != keys.end()) {
          found[key] = {std::string(reinterpret_cast<const char*>(event.data.scalar.value), event.data.scalar.length),
                        event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE};
        }
        expecting_key = !expecting_key;
        break;
      case YAML_DOCUMENT_END_EVENT:
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      default:
        break;
    }
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (!valid || !root_mapping) return std::nullopt;
  return found;
}

std::chrono::nanoseconds ThreadCpuTime() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

bool YamlNode::is_null() const {
  return is_scalar() && !quoted && (scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" ||
                                    scalar == "NULL");
}

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : pairs)
    if (k == key) return &v;
  return nullptr;
}

const YamlNode* YamlKeyIndex::Find(const YamlNode& mapping, std::string_view key) {
  if (mapping.pairs.size() <= kScanned) return mapping.Find(key);
  auto [it, inserted] = indexes_.try_emplace(&mapping);
  if (inserted)
    for (const auto& [k, v] : mapping.pairs) it->second.emplace(k, &v);
  const auto found = it->second.find(key);
  return found == it->second.end() ? nullptr : found->second;
}

ParsedYaml ParseYaml(std::string_view text, const YamlLimits& limits) { return TreeBuilder(limits).Run(text); }

}  // namespace agora::specs
