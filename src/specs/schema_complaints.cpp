#include "specs/schema_complaints.h"

#include <boost/json.hpp>
#include <valijson/validation_results.hpp>

#include <algorithm>
#include <tuple>

#include "specs/json_schema_rewrite.h"
#include "specs/yaml_json.h"

namespace agora::specs {
namespace {

namespace json = boost::json;
using valijson::ValidationResults;

// ---- what valijson reports, as a tree ----

struct Complaint {
  std::vector<std::string> context;  // valijson's path: "<root>", "[paths]", "[/pets]", "[0]", ...
  std::string description;
  std::vector<std::vector<Complaint>> branches;  // for a failed oneOf/anyOf: each alternative's
};

bool IsBranchSummary(const std::string& description) {
  return description.rfind("Failed to validate against any child schemas allowed by oneOf", 0) == 0 ||
         description.rfind("Failed to validate against any schemas allowed by anyOf", 0) == 0;
}

// Complaints that only say a nested complaint exists.
bool IsSummary(const std::string& description) {
  for (const char* prefix : {"Failed to validate against child schema #", "Failed to validate item #",
                             "Failed to validate against schema associated with", "Failed to validate against additional",
                             "Failed to validate against a conditional", "Failed to validate against dependent",
                             "Cannot validate item #"})
    if (description.rfind(prefix, 0) == 0) return true;
  return false;
}

// Rebuilds the alternatives from the flat list: a branch mark with index 0 opens a oneOf/anyOf,
// a higher index closes the previous alternative, and the oneOf/anyOf summary closes the last.
std::vector<Complaint> BuildTree(const ValidationResults& results) {
  struct Group {
    std::vector<std::string> context;
    std::vector<std::vector<Complaint>> branches;
  };
  std::vector<std::vector<Complaint>*> open{};  // where complaints go: the root, or an alternative
  std::vector<Complaint> root;
  std::vector<Group> groups;
  open.push_back(&root);
  for (const auto& error : results) {
    if (error.description.rfind(kBranchMark, 0) == 0) {
      const bool first = error.description.substr(kBranchMark.size()) == "0";
      if (first || groups.empty() || groups.back().context != error.context) {
        groups.push_back({error.context, {}});
      } else {
        open.pop_back();
      }
      groups.back().branches.emplace_back();
      open.push_back(&groups.back().branches.back());
    } else if (IsBranchSummary(error.description) && !groups.empty() && groups.back().context == error.context) {
      open.pop_back();
      Complaint summary{error.context, error.description, std::move(groups.back().branches)};
      groups.pop_back();
      open.back()->push_back(std::move(summary));
    } else if (!IsSummary(error.description)) {
      open.back()->push_back({error.context, error.description, {}});
    }
  }
  return root;
}

// ---- choosing what to report ----

bool Starts(const std::vector<std::string>& path, const std::vector<std::string>& prefix) {
  return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// The complaints worth reporting: each oneOf/anyOf replaced by the complaints of the alternative
// the document most plausibly meant.
void Flatten(const std::vector<Complaint>& complaints, std::vector<const Complaint*>& out);

// How unlikely it is that the document meant this alternative: the node is of another kind, a
// discriminating value (type: http, in: query) is not this alternative's, or it is not a $ref.
std::tuple<int, size_t, int> Implausibility(const std::vector<std::string>& at, const std::vector<Complaint>& branch) {
  std::vector<const Complaint*> leaves;
  Flatten(branch, leaves);
  int misses = 0, deepest = 0;
  for (const Complaint* leaf : leaves) {
    const auto& d = leaf->description;
    const bool here = leaf->context == at;
    const bool child = leaf->context.size() == at.size() + 1 && Starts(leaf->context, at);
    if (here && d.rfind("Value type not permitted", 0) == 0) misses += 100;
    if (here && d == "Missing required property '$ref'.") misses += 10;
    if (child && (d.rfind("Failed to match against any enum", 0) == 0 || d.rfind("Failed to match expected value", 0) == 0))
      misses += 10;
    deepest = std::max(deepest, static_cast<int>(leaf->context.size()));
  }
  return {misses, leaves.size(), -deepest};
}

void Flatten(const std::vector<Complaint>& complaints, std::vector<const Complaint*>& out) {
  for (const auto& complaint : complaints) {
    if (complaint.branches.empty()) {
      out.push_back(&complaint);
      continue;
    }
    const std::vector<Complaint>* best = nullptr;
    std::tuple<int, size_t, int> best_score;
    for (const auto& branch : complaint.branches) {
      const auto score = Implausibility(complaint.context, branch);
      if (!best || score < best_score) best = &branch, best_score = score;
    }
    if (best->empty()) out.push_back(&complaint);
    else Flatten(*best, out);
  }
}

// "matches more than one alternative" says little beside another complaint about the same node.
std::vector<const Complaint*> Relevant(const std::vector<const Complaint*>& leaves) {
  std::vector<const Complaint*> kept;
  for (const Complaint* leaf : leaves) {
    const bool vague = leaf->description.rfind("Failed to validate against exactly one", 0) == 0;
    if (vague && std::any_of(leaves.begin(), leaves.end(), [&](const Complaint* other) {
          return other != leaf && Starts(other->context, leaf->context);
        }))
      continue;
    kept.push_back(leaf);
  }
  return kept;
}

// ---- wording and placing ----

const YamlNode* NodeAt(const YamlNode& root, const std::vector<std::string>& context) {
  const YamlNode* node = &root;
  for (size_t i = 1; i < context.size() && node; ++i) {
    const std::string& step = context[i];
    const std::string key = step.size() >= 2 ? step.substr(1, step.size() - 2) : step;
    if (node->is_mapping()) {
      node = node->Find(key);
    } else if (node->is_sequence()) {
      const size_t index = static_cast<size_t>(std::strtoul(key.c_str(), nullptr, 10));
      node = index < node->items.size() ? &node->items[index] : nullptr;
    } else {
      node = nullptr;
    }
  }
  return node;
}

std::string Kind(const YamlNode& node) {
  if (node.is_mapping()) return "a mapping";
  if (node.is_sequence()) return "a list";
  const json::value value = ScalarToJson(node);
  if (value.is_string()) return "a string";
  if (value.is_bool()) return "a boolean";
  if (value.is_null()) return "null";
  return "a number";
}

std::string Quoted(const YamlNode& node) {
  if (!node.is_scalar()) return Kind(node);
  std::string text = node.scalar.size() > 60 ? node.scalar.substr(0, 57) + "..." : node.scalar;
  return "'" + text + "'";
}

// The name the node is known by in its parent: a field name or "item N".
std::string NameOf(const std::vector<std::string>& context, const std::string& value_name) {
  if (context.size() < 2) return value_name;
  const std::string step = context.back().substr(1, context.back().size() - 2);
  if (context.size() > 2 && !step.empty() && step.find_first_not_of("0123456789") == std::string::npos) {
    const std::string& parent = context[context.size() - 2];
    return "item " + std::to_string(std::stoul(step) + 1) + " of '" + parent.substr(1, parent.size() - 2) + "'";
  }
  return "'" + step + "'";
}

std::string Wording(const Complaint& complaint, const YamlNode& node, const std::string& version_name,
                    const std::string& value_name, const YamlNode*& place) {
  const std::string& d = complaint.description;
  const std::string name = NameOf(complaint.context, value_name);
  // OpenAPI documents allow extensions, and their paths are the names of `paths`
  const bool openapi = version_name.rfind("OpenAPI", 0) == 0 || version_name.rfind("Swagger", 0) == 0;
  auto quoted_tail = [&](size_t from) {
    const size_t open = d.find('\'', from);
    const size_t close = d.rfind('\'');
    return open == std::string::npos || close <= open ? std::string() : d.substr(open + 1, close - open - 1);
  };
  if (d.rfind("Missing required property", 0) == 0)
    return "the required property '" + quoted_tail(0) + "' is missing in " + name;
  if (d.rfind("Object contains a property that could not be validated", 0) == 0) {
    const std::string field = quoted_tail(d.find(':'));
    if (const YamlNode* value = node.Find(field)) place = value;
    if (openapi && complaint.context.size() == 2 && complaint.context[1] == "[paths]")
      return "the path '" + field + "' does not start with '/'";
    return "'" + field + "' is not a field of " + name + " in " + version_name +
           (!openapi || field.rfind("x-", 0) == 0 ? "" : " (extensions start with 'x-')");
  }
  if (d.rfind("Value type not permitted", 0) == 0) return name + " must not be " + Kind(node) + " here";
  if (d.rfind("Failed to match against any enum", 0) == 0 || d.rfind("Failed to match expected value", 0) == 0)
    return Quoted(node) + " is not an allowed value of " + name;
  if (d.rfind("Failed to match regex", 0) == 0)  // "a valid 'host'", "a valid value" (not "a valid the value")
    return Quoted(node) + " is not a valid " + (name.rfind("the ", 0) == 0 ? name.substr(4) : name) +
           " (it does not have the form " + version_name + " requires)";
  if (d.rfind("Failed to validate against exactly one", 0) == 0)
    return name + " matches more than one of the forms " + version_name + " allows for it; it must match exactly one";
  if (const size_t valid = d.find("should be a valid "); valid != std::string::npos)
    return Quoted(node) + " is not a valid " + d.substr(valid + 18, d.size() - valid - 18 - (d.back() == '.'));
  if (d.rfind("Target should not validate", 0) == 0) return name + " uses a combination of fields " + version_name + " forbids";
  if (d.find("violate uniqueness") != std::string::npos) return name + " lists the same item twice";
  if (d.rfind("Missing dependency", 0) == 0) return name + " needs '" + quoted_tail(0) + "' beside it";
  for (const auto& [prefix, wording] : {std::pair{"Expected number greater than or equal to ", " must be at least "},
                                        {"Expected number greater than ", " must be greater than "},
                                        {"Expected number less than or equal to ", " must be at most "},
                                        {"Expected number less than ", " must be less than "}}) {
    if (d.rfind(prefix, 0) != 0) continue;
    std::string bound = d.substr(std::string(prefix).size());
    if (bound.find('.') != std::string::npos) bound.erase(bound.find_last_not_of("0") + 1);
    if (!bound.empty() && bound.back() == '.') bound.pop_back();
    return name + wording + bound;
  }
  std::string text = d;
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return name + ": " + text;
}

}  // namespace

std::vector<SchemaComplaint> ExplainComplaints(const ValidationResults& results, const YamlNode& value,
                                               const std::string& dialect_name, const std::string& value_name) {
  std::vector<const Complaint*> leaves;
  const std::vector<Complaint> tree = BuildTree(results);
  Flatten(tree, leaves);
  std::vector<SchemaComplaint> explained;
  for (const Complaint* leaf : Relevant(leaves)) {
    const YamlNode* node = NodeAt(value, leaf->context);
    if (!node) node = &value;
    const YamlNode* place = node;
    std::string message = Wording(*leaf, *node, dialect_name, value_name, place);
    explained.push_back({place, std::move(message)});
  }
  return explained;
}

}  // namespace agora::specs
