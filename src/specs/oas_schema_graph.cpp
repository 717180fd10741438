#include "specs/oas_schema_graph.h"

#include <boost/json.hpp>

#include <algorithm>
#include <string_view>

#include "specs/oas_references.h"

namespace agora::specs {
namespace json = boost::json;

const json::value* JsonSchemaAt(const json::value& root, const std::string& ref) {
  if (ref.rfind("#", 0) != 0) return nullptr;
  const json::value* node = &root;
  const std::string pointer = ref.substr(1);
  size_t start = 1;
  while (node && start <= pointer.size() && !pointer.empty()) {
    const size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string token = UnescapePointerToken(pointer.substr(start, end - start));
    node = node->is_object() ? node->as_object().if_contains(token) : nullptr;
    start = end + 1;
  }
  return node;
}

std::vector<SchemaGraph::Edge> SchemaGraph::EdgesOf(const std::string& pointer, const json::value& schema,
                                                    bool in_place_only) const {
  std::vector<Edge> edges;
  if (!schema.is_object()) return edges;
  auto add = [&](std::string at, const json::value& child, bool in_place) {
    if (child.is_object() && (in_place || !in_place_only)) edges.push_back({std::move(at), &child, in_place});
  };
  auto add_members = [&](const std::string& at, const json::value& members, bool in_place) {
    if (members.is_object())
      for (const auto& [name, member] : members.as_object()) add(at + "/" + EscapePointerToken(name), member, in_place);
    if (members.is_array())
      for (size_t i = 0; i < members.as_array().size(); ++i) add(at + "/" + std::to_string(i), members.as_array()[i], in_place);
  };
  static constexpr std::string_view kInPlace[] = {"allOf", "anyOf", "oneOf", "not", "if", "then", "else",
                                                  "dependentSchemas", "dependencies"};
  static constexpr std::string_view kParts[] = {"properties", "patternProperties", "items", "prefixItems",
                                                "additionalItems", "additionalProperties", "contains", "propertyNames",
                                                "unevaluatedItems", "unevaluatedProperties"};
  for (const auto& [key, value] : schema.as_object()) {
    const std::string at = pointer + "/" + EscapePointerToken(key);
    const bool in_place = std::find(std::begin(kInPlace), std::end(kInPlace), key) != std::end(kInPlace);
    const bool part = std::find(std::begin(kParts), std::end(kParts), key) != std::end(kParts);
    if (key == "$ref" && value.is_string()) {
      const std::string ref(value.as_string());
      if (const json::value* target = JsonSchemaAt(document_, ref); target && target->is_object())
        edges.push_back({ref.substr(1), target, true, true});
    } else if (in_place || part) {
      // a schema itself, or members that are schemas (properties, allOf's items...)
      const bool members = key != "not" && key != "if" && key != "then" && key != "else" && key != "contains" &&
                           key != "propertyNames" && !key.ends_with("Items") && !key.starts_with("additional") &&
                           !key.starts_with("unevaluated") && !(key == "items" && value.is_object());
      if (members) add_members(at, value, in_place);
      else add(at, value, in_place);
    }
  }
  return edges;
}

const SchemaGraph::Mark& SchemaGraph::Search(const std::string& pointer, const json::value& schema, bool in_place_only) {
  auto& marks = in_place_only ? in_place_ : all_;
  struct Frame {
    std::string pointer;
    std::vector<Edge> edges;
    size_t next = 0;
    Mark* mark;
    bool by_reference;
  };
  std::vector<Frame> stack;
  auto enter = [&](const std::string& at, const json::value& node, Mark& mark, bool by_reference) {
    mark.color = Mark::Color::kGrey;
    if (!in_place_only) mark.cycle = Search(at, node, true).cycle;
    stack.push_back({at, EdgesOf(at, node, in_place_only), 0, &mark, by_reference});
  };
  auto absorb = [](Mark& parent, const Mark& child) {
    parent.height = std::max(parent.height, child.height + 1);
    if (parent.cycle.empty()) parent.cycle = child.cycle;
  };
  Mark& root = marks[pointer];
  if (root.color != Mark::Color::kWhite) return root;
  enter(pointer, schema, root, true);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.edges.size()) {
      top.mark->color = Mark::Color::kBlack;
      const Mark& finished = *top.mark;
      stack.pop_back();
      if (!stack.empty()) absorb(*stack.back().mark, finished);
      continue;
    }
    const Edge edge = std::move(top.edges[top.next++]);
    Mark& child = marks[edge.pointer];
    if (child.color == Mark::Color::kBlack) {
      absorb(*top.mark, child);
    } else if (child.color == Mark::Color::kGrey) {
      // Only in-place edges are followed here, so this closes an in-place cycle, told by the
      // schemas its references name.
      if (in_place_only && top.mark->cycle.empty()) {
        auto from = std::find_if(stack.begin(), stack.end(), [&](const Frame& f) { return f.pointer == edge.pointer; });
        top.mark->cycle = "#" + from->pointer;
        while (++from != stack.end())
          if (from->by_reference) top.mark->cycle += " -> #" + from->pointer;
        top.mark->cycle += " -> #" + edge.pointer;
      }
    } else {
      enter(edge.pointer, *edge.schema, child, edge.by_reference);
    }
  }
  return root;
}

std::string SchemaGraph::Unusable(const std::string& pointer) {
  const json::value* schema = JsonSchemaAt(document_, "#" + pointer);
  if (!schema) return "";
  const Mark& mark = Search(pointer, *schema, false);
  if (!mark.cycle.empty()) return "its schema applies itself without end (in-place cycle: " + mark.cycle + ")";
  if (mark.height >= kMaxSchemaChain)
    return "its schema nests more than " + std::to_string(kMaxSchemaChain) + " schemas deep";
  return "";
}

}  // namespace agora::specs
