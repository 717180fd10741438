// The request checks of the spec's section 5 that need no schema, with graphql-js's messages.
// Everything here walks the document without unbounded recursion: selection sets nest at most
// kMaxDepth deep (the parser's limit), and fragments are reached through work lists and an
// explicit stack rather than through recursion.
#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "graphql/internal.h"

namespace agora::graphql {
namespace {

namespace json = boost::json;

struct Spread {
  std::string_view name;
  Location location;
};

// The fragment spreads of a selection set, nested fields and inline fragments included.
void CollectSpreads(const std::vector<Selection>& selections, std::vector<Spread>& spreads) {
  for (const Selection& selection : selections) {
    if (selection.kind == Selection::Kind::kFragmentSpread) {
      spreads.push_back({selection.name, selection.location});
    } else {
      CollectSpreads(selection.selection_set, spreads);
    }
  }
}

class ErrorList {
 public:
  void Add(std::string message, std::vector<Location> locations) {
    if (errors_.size() < kMaxErrors) errors_.push_back({std::move(message), std::move(locations), {}});
  }
  bool full() const { return errors_.size() >= kMaxErrors; }
  std::vector<Error> Take() { return std::move(errors_); }

 private:
  std::vector<Error> errors_;
};

void CheckNames(const Document& document, FragmentMap& fragments, ErrorList& errors) {
  std::unordered_map<std::string_view, const OperationDefinition*> operations;
  for (const OperationDefinition& operation : document.operations) {
    if (operation.name.empty()) {
      if (document.operations.size() > 1)
        errors.Add("This anonymous operation must be the only defined operation.", {operation.location});
      continue;
    }
    const auto [it, added] = operations.emplace(operation.name, &operation);
    if (!added) {
      errors.Add("There can be only one operation named \"" + operation.name + "\".",
                 {it->second->location, operation.location});
    }
  }
  for (const FragmentDefinition& fragment : document.fragments) {
    const auto [it, added] = fragments.emplace(fragment.name, &fragment);
    if (!added) {
      errors.Add("There can be only one fragment named \"" + fragment.name + "\".",
                 {it->second->location, fragment.location});
    }
  }
}

// Unknown spreads, cycles (graphql-js's NoFragmentCycles) and chains of spreads deeper than
// kMaxDepth, by depth-first search with an explicit stack.
void CheckSpreads(const Document& document, const FragmentMap& fragments, ErrorList& errors) {
  const size_t n = document.fragments.size();
  std::unordered_map<const FragmentDefinition*, size_t> index;
  for (size_t i = 0; i < n; ++i) index.emplace(&document.fragments[i], i);
  struct Edge {
    size_t to;
    Location location;
  };
  auto edges_of = [&](const std::vector<Selection>& selections) {
    std::vector<Spread> spreads;
    CollectSpreads(selections, spreads);
    std::vector<Edge> edges;
    for (const Spread& spread : spreads) {
      const auto it = fragments.find(spread.name);
      if (it == fragments.end()) {
        errors.Add("Unknown fragment \"" + std::string(spread.name) + "\".", {spread.location});
      } else {
        edges.push_back({index.at(it->second), spread.location});
      }
    }
    return edges;
  };
  for (const OperationDefinition& operation : document.operations) edges_of(operation.selection_set);
  std::vector<std::vector<Edge>> edges(n);
  for (size_t i = 0; i < n; ++i) edges[i] = edges_of(document.fragments[i].selection_set);

  enum Color { kWhite, kGray, kBlack };
  std::vector<Color> color(n, kWhite);
  std::vector<size_t> height(n, 0);  // the longest chain of spreads from a fragment, itself included
  struct Frame {
    size_t node;
    size_t next = 0;
  };
  for (size_t root = 0; root < n; ++root) {
    if (color[root] != kWhite) continue;
    std::vector<Frame> stack{{root}};
    color[root] = kGray;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next == edges[frame.node].size()) {
        size_t longest = 0;
        for (const Edge& edge : edges[frame.node])
          if (color[edge.to] == kBlack) longest = std::max(longest, height[edge.to]);
        height[frame.node] = longest + 1;
        color[frame.node] = kBlack;
        stack.pop_back();
        continue;
      }
      const Edge& edge = edges[frame.node][frame.next++];
      if (color[edge.to] == kWhite) {
        color[edge.to] = kGray;
        stack.push_back({edge.to});
      } else if (color[edge.to] == kGray && !errors.full()) {
        // A cycle: from the frame of edge.to to this one.
        size_t first = stack.size() - 1;
        while (stack[first].node != edge.to) --first;
        std::string via;
        std::vector<Location> locations;
        for (size_t k = first; k < stack.size(); ++k) {
          locations.push_back(edges[stack[k].node][stack[k].next - 1].location);
          if (k > first) via += (via.empty() ? "" : ", ") + ("\"" + document.fragments[stack[k].node].name + "\"");
        }
        errors.Add("Cannot spread fragment \"" + document.fragments[edge.to].name + "\" within itself" +
                       (via.empty() ? "." : " via " + via + "."),
                   std::move(locations));
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (height[i] > static_cast<size_t>(kMaxDepth)) {
      errors.Add("Fragment spreads are nested too deeply (more than " + std::to_string(kMaxDepth) +
                     " levels).",
                 {document.fragments[i].location});
      break;
    }
  }
}

// The checks of one operation and of the fragments it reaches.
class OperationChecker {
 public:
  OperationChecker(const OperationDefinition& operation, const FragmentMap& fragments,
                   const json::object& variables, ErrorList& errors)
      : operation_(operation), fragments_(fragments), variables_(variables), errors_(errors) {}

  void Run() {
    for (const VariableDefinition& variable : operation_.variables) {
      const auto [it, added] = declared_.emplace(variable.name, &variable);
      if (!added) {
        errors_.Add("There can be only one variable named \"$" + variable.name + "\".",
                    {it->second->location, variable.location});
      }
      CheckMisplacedDirectives(variable.directives, "VARIABLE_DEFINITION");
    }
    CheckMisplacedDirectives(operation_.directives, operation_.type == OperationDefinition::Type::kQuery ? "QUERY"
                                                     : operation_.type == OperationDefinition::Type::kMutation
                                                         ? "MUTATION"
                                                         : "SUBSCRIPTION");
    CheckSelections(operation_.selection_set);
    // Each fragment the operation reaches, once, from a work list rather than by recursion.
    for (size_t i = 0; i < pending_.size(); ++i) {
      CheckMisplacedDirectives(pending_[i]->directives, "FRAGMENT_DEFINITION");
      CheckSelections(pending_[i]->selection_set);
    }
  }

 private:
  void CheckSelections(const std::vector<Selection>& selections) {
    for (const Selection& selection : selections) {
      CheckSelectionDirectives(selection.directives);
      if (selection.kind == Selection::Kind::kFragmentSpread) {
        const auto it = fragments_.find(selection.name);
        if (it != fragments_.end() && reached_.insert(it->second).second) pending_.push_back(it->second);
        continue;
      }
      CheckArguments(selection.arguments);
      CheckSelections(selection.selection_set);
    }
  }

  void CheckArguments(const std::vector<Argument>& arguments) {
    std::unordered_map<std::string_view, Location> seen;  // a set, not a scan: fields may have thousands
    for (const Argument& argument : arguments) {
      const auto [it, added] = seen.emplace(argument.name, argument.location);
      if (!added) {
        errors_.Add("There can be only one argument named \"" + argument.name + "\".",
                    {it->second, argument.location});
      }
      CheckValue(argument.value);
    }
  }

  bool IsUndeclaredVariable(const Value& value) const {
    return value.kind == Value::Kind::kVariable && !declared_.contains(value.text);
  }

  void CheckValue(const Value& value) {
    switch (value.kind) {
      case Value::Kind::kVariable:
        if (IsUndeclaredVariable(value)) {
          errors_.Add("Variable \"$" + value.text + "\" is not defined" +
                          (operation_.name.empty() ? "." : " by operation \"" + operation_.name + "\"."),
                      {value.location, operation_.location});
        }
        break;
      case Value::Kind::kList:
        for (const Value& item : value.list) CheckValue(item);
        break;
      case Value::Kind::kObject: {
        std::unordered_map<std::string_view, Location> seen;
        for (const ObjectField& field : value.fields) {
          const auto [it, added] = seen.emplace(field.name, field.location);
          if (!added) {
            errors_.Add("There can be only one input field named \"" + field.name + "\".",
                        {it->second, field.location});
          }
          CheckValue(field.value);
        }
        break;
      }
      default:
        break;
    }
  }

  // @skip and @include on a field, spread or inline fragment: known, once, with a Boolean "if".
  void CheckSelectionDirectives(const std::vector<Directive>& directives) {
    const Directive* skip = nullptr;
    const Directive* include = nullptr;
    for (const Directive& directive : directives) {
      const std::string at = "@" + directive.name;
      if (directive.name != "skip" && directive.name != "include") {
        errors_.Add("Unknown directive \"" + at + "\".", {directive.location});
        continue;
      }
      const Directive*& first = directive.name == "skip" ? skip : include;
      if (first) {
        errors_.Add("The directive \"" + at + "\" can only be used once at this location.",
                    {first->location, directive.location});
      } else {
        first = &directive;
      }
      CheckArguments(directive.arguments);
      const Argument* condition = nullptr;
      for (const Argument& argument : directive.arguments) {
        if (argument.name == "if") {
          condition = &argument;
        } else {
          errors_.Add("Unknown argument \"" + argument.name + "\" on directive \"" + at + "\".",
                      {argument.location});
        }
      }
      if (!condition) {
        errors_.Add("Directive \"" + at + "\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.",
                    {directive.location});
      } else if (!EvaluateIf(directive, variables_) && !IsUndeclaredVariable(condition->value)) {
        errors_.Add("Expected value of type \"Boolean!\", found " +
                        Inspect(ValueToJson(condition->value, variables_)) + ".",
                    {condition->value.location});
      }
    }
  }

  // Directives where neither @skip nor @include may stand (operations, fragment and variable
  // definitions).
  void CheckMisplacedDirectives(const std::vector<Directive>& directives, std::string_view where) {
    for (const Directive& directive : directives) {
      if (directive.name == "skip" || directive.name == "include") {
        errors_.Add("Directive \"@" + directive.name + "\" may not be used on " + std::string(where) + ".",
                    {directive.location});
      } else {
        errors_.Add("Unknown directive \"@" + directive.name + "\".", {directive.location});
      }
    }
  }

  const OperationDefinition& operation_;
  const FragmentMap& fragments_;
  const json::object& variables_;
  ErrorList& errors_;
  std::unordered_map<std::string_view, const VariableDefinition*> declared_;
  std::unordered_set<const FragmentDefinition*> reached_;
  std::vector<const FragmentDefinition*> pending_;
};

}  // namespace

std::vector<Error> ValidateDocument(const Document& document, FragmentMap* fragments) {
  ErrorList errors;
  CheckNames(document, *fragments, errors);
  CheckSpreads(document, *fragments, errors);
  return errors.Take();
}

std::vector<Error> ValidateOperation(const OperationDefinition& operation, const FragmentMap& fragments,
                                     const json::object& variables) {
  ErrorList errors;
  OperationChecker(operation, fragments, variables, errors).Run();
  return errors.Take();
}

}  // namespace agora::graphql
