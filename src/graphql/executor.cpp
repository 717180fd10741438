// Execution (spec section 6) without a schema: the root resolver's JSON tree stands in for the
// resolvers of every field below the root, and the executor projects the selection set onto it.
#include <algorithm>
#include <exception>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "graphql/internal.h"

namespace agora::graphql {
namespace {

namespace json = boost::json;

json::object ErrorsResponse(const std::vector<Error>& errors) {
  json::array entries;
  for (const Error& error : errors) entries.push_back(ToJson(error));
  return json::object{{"errors", std::move(entries)}};
}

// Ends an execution whose response outgrows kMaxResponseNodes (aliases and fragments can ask
// for the same data many times over: `{a: x {...F} b: x {...F}}` nested doubles at each level).
struct ResponseTooLarge {};

// The fields of one response key, merged (spec 6.3.2), in document order.
struct FieldGroup {
  std::string_view key;
  std::vector<const Selection*> fields;
  const Selection& first() const { return *fields.front(); }
};

class GroupedFields {
 public:
  void Add(const Selection* field) {
    const auto [it, added] = index_.emplace(field->response_key(), groups_.size());
    if (added) groups_.push_back({field->response_key(), {}});
    groups_[it->second].fields.push_back(field);
  }
  const std::vector<FieldGroup>& groups() const { return groups_; }

 private:
  std::vector<FieldGroup> groups_;
  std::unordered_map<std::string_view, size_t> index_;
};

// What a JSON value is in GraphQL terms, for "has no subfields" messages.
std::string_view ScalarName(const json::value& value) {
  if (value.is_string()) return "String";
  if (value.is_bool()) return "Boolean";
  if (value.is_double()) return "Float";
  return "Int";
}

class Executor {
 public:
  Executor(const FragmentMap& fragments, const json::object& variables, const RootResolver& resolver)
      : fragments_(fragments), variables_(variables), resolver_(resolver) {}

  json::object Run(const OperationDefinition& operation) {
    json::value data;
    try {
      data = ExecuteRoot(operation);
    } catch (const ResponseTooLarge&) {
      errors_ = {{"The response would be too large: more than " + std::to_string(kMaxResponseNodes) +
                      " fields and list items.",
                  {operation.location},
                  {}}};
      data = nullptr;
    }
    json::object response;
    if (!errors_.empty()) response["errors"] = ErrorsResponse(errors_)["errors"];
    response["data"] = std::move(data);
    return response;
  }

 private:
  void Charge() {
    if (++nodes_ > kMaxResponseNodes) throw ResponseTooLarge{};
  }

  // spec 6.3.2 CollectFields, with graphql-js's one set of visited fragments per selection set.
  void CollectFields(std::string_view type_name, const std::vector<Selection>& selections,
                     GroupedFields& grouped, std::unordered_set<const FragmentDefinition*>& visited) {
    for (const Selection& selection : selections) {
      Charge();
      if (!ShouldInclude(selection.directives)) continue;
      switch (selection.kind) {
        case Selection::Kind::kField:
          grouped.Add(&selection);
          break;
        case Selection::Kind::kFragmentSpread: {
          const auto it = fragments_.find(selection.name);
          if (it == fragments_.end() || !visited.insert(it->second).second) break;
          if (!TypeApplies(it->second->type_condition, type_name)) break;
          CollectFields(type_name, it->second->selection_set, grouped, visited);
          break;
        }
        case Selection::Kind::kInlineFragment:
          if (!selection.type_condition.empty() && !TypeApplies(selection.type_condition, type_name)) break;
          CollectFields(type_name, selection.selection_set, grouped, visited);
          break;
      }
    }
  }

  // Without a schema there are no interfaces or unions: a condition names the object's type.
  static bool TypeApplies(std::string_view condition, std::string_view type_name) {
    return !type_name.empty() && condition == type_name;
  }

  bool ShouldInclude(const std::vector<Directive>& directives) const {
    for (const Directive& directive : directives) {
      const std::optional<bool> condition = EvaluateIf(directive, variables_);
      if (directive.name == "skip" && condition == true) return false;
      if (directive.name == "include" && condition == false) return false;
    }
    return true;
  }

  void AddFieldError(std::string message, const FieldGroup& group) {
    Charge();
    Error error{std::move(message), {}, {}};
    for (const Selection* field : group.fields) error.locations.push_back(field->location);
    for (const auto& entry : path_) {
      if (const auto* key = std::get_if<std::string_view>(&entry)) {
        error.path.emplace_back(json::string(*key));
      } else {
        error.path.emplace_back(std::get<size_t>(entry));
      }
    }
    errors_.push_back(std::move(error));
  }

  // Fields that share a response key must be the same field with the same arguments (spec 5.3.2).
  bool CheckMergeable(const FieldGroup& group) {
    const Selection& first = group.first();
    for (size_t i = 1; i < group.fields.size(); ++i) {
      const Selection& other = *group.fields[i];
      std::string reason;
      if (other.name != first.name) {
        reason = "\"" + first.name + "\" and \"" + other.name + "\" are different fields";
      } else if ((!first.arguments.empty() || !other.arguments.empty()) &&
                 ArgumentsToJson(first.arguments, variables_) != ArgumentsToJson(other.arguments, variables_)) {
        reason = "they have differing arguments";
      }
      if (!reason.empty()) {
        AddFieldError("Fields \"" + std::string(group.key) + "\" conflict because " + reason +
                          ". Use different aliases on the fields to fetch both if this was intentional.",
                      group);
        return false;
      }
    }
    return true;
  }

  json::object ExecuteRoot(const OperationDefinition& operation) {
    GroupedFields grouped;
    std::unordered_set<const FragmentDefinition*> visited;
    CollectFields(resolver_.type_name, operation.selection_set, grouped, visited);
    json::object data;
    for (const FieldGroup& group : grouped.groups()) {
      path_.emplace_back(group.key);
      data[group.key] = ResolveRootField(group);
      path_.pop_back();
    }
    return data;
  }

  json::value ResolveRootField(const FieldGroup& group) {
    if (!CheckMergeable(group)) return nullptr;
    const Selection& field = group.first();
    if (field.name == "__typename") return CompleteValue(group, json::string(resolver_.type_name), "", 1);
    const auto it = resolver_.fields.find(field.name);
    if (it == resolver_.fields.end()) {
      AddFieldError("Cannot query field \"" + field.name + "\" on type \"" + resolver_.type_name + "\".", group);
      return nullptr;
    }
    Result<json::value> resolved = Resolve(it->second, ArgumentsToJson(field.arguments, variables_));
    if (!resolved.ok()) {
      AddFieldError(resolved.status().message(), group);
      return nullptr;
    }
    return CompleteValue(group, *resolved, it->second.type_name, 1);
  }

  // The resolver is the caller's code: an exception from it fails its field, not the request.
  static Result<json::value> Resolve(const RootField& field, const json::object& arguments) {
    try {
      return field.resolve(arguments);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("Internal error: ") + e.what());
    }
  }

  // spec 6.4.3 CompleteValue, with the data's shape for the field's type: lists map item by item,
  // objects need a selection set and get one projected, scalars pass as they are.
  json::value CompleteValue(const FieldGroup& group, const json::value& value, std::string_view default_type,
                            int depth) {
    Charge();
    if (depth > kMaxDepth) {
      AddFieldError("The response is nested too deeply (more than " + std::to_string(kMaxDepth) + " levels).",
                    group);
      return nullptr;
    }
    if (value.is_null()) return nullptr;
    if (value.is_array()) {
      const json::array& items = value.get_array();
      json::array completed;
      completed.reserve(items.size());
      for (size_t i = 0; i < items.size(); ++i) {
        path_.emplace_back(i);
        completed.push_back(CompleteValue(group, items[i], default_type, depth + 1));
        path_.pop_back();
      }
      return completed;
    }
    const std::string& name = group.first().name;
    const bool has_selection = std::any_of(group.fields.begin(), group.fields.end(),
                                           [](const Selection* field) { return !field->selection_set.empty(); });
    if (!value.is_object()) {
      if (!has_selection) return value;
      AddFieldError("Field \"" + name + "\" must not have a selection since type \"" +
                        std::string(ScalarName(value)) + "\" has no subfields.",
                    group);
      return nullptr;
    }
    const json::object& object = value.get_object();
    std::string_view type_name = default_type;
    if (const json::value* own = object.if_contains("__typename"); own && own->is_string())
      type_name = own->get_string();
    if (!has_selection) {
      AddFieldError("Field \"" + name + "\"" + (type_name.empty() ? "" : " of type \"" + std::string(type_name) + "\"") +
                        " must have a selection of subfields. Did you mean \"" + name + " { ... }\"?",
                    group);
      return nullptr;
    }
    return ExecuteSelectionSet(group, object, type_name, depth);
  }

  // The merged selection sets of a group's fields projected onto one resolved object.
  json::object ExecuteSelectionSet(const FieldGroup& parent, const json::object& object,
                                   std::string_view type_name, int depth) {
    GroupedFields grouped;
    std::unordered_set<const FragmentDefinition*> visited;
    for (const Selection* field : parent.fields) CollectFields(type_name, field->selection_set, grouped, visited);
    json::object completed;
    for (const FieldGroup& group : grouped.groups()) {
      path_.emplace_back(group.key);
      completed[group.key] = CompleteField(group, object, type_name, depth + 1);
      path_.pop_back();
    }
    return completed;
  }

  json::value CompleteField(const FieldGroup& group, const json::object& object, std::string_view type_name,
                            int depth) {
    if (!CheckMergeable(group)) return nullptr;
    const std::string& name = group.first().name;
    if (name == "__typename") {
      if (type_name.empty()) {
        AddFieldError("Cannot answer __typename: the object has no \"__typename\" key.", group);
        return nullptr;
      }
      return CompleteValue(group, json::string(type_name), "", depth);
    }
    const json::value* value = object.if_contains(name);
    if (!value) {
      Charge();
      return nullptr;  // a field the data lacks is null, as a nullable field would be
    }
    return CompleteValue(group, *value, "", depth);
  }

  const FragmentMap& fragments_;
  const json::object& variables_;
  const RootResolver& resolver_;
  std::vector<std::variant<std::string_view, size_t>> path_;
  std::vector<Error> errors_;
  size_t nodes_ = 0;
};

// The operation to run: the named one, or the only one.
const OperationDefinition* SelectOperation(const Document& document, std::string_view name,
                                           std::vector<Error>& errors) {
  if (name.empty()) {
    if (document.operations.size() == 1) return &document.operations.front();
    errors.push_back({document.operations.empty()
                          ? "Must provide an operation."
                          : "Must provide operation name if query contains multiple operations.",
                      {},
                      {}});
    return nullptr;
  }
  for (const OperationDefinition& operation : document.operations)
    if (operation.name == name) return &operation;
  errors.push_back({"Unknown operation named \"" + std::string(name) + "\".", {}, {}});
  return nullptr;
}

}  // namespace

json::object ToJson(const Error& error) {
  json::object entry;
  entry["message"] = error.message;
  if (!error.locations.empty()) {
    json::array locations;
    for (const Location& location : error.locations)
      locations.push_back(json::object{{"line", location.line}, {"column", location.column}});
    entry["locations"] = std::move(locations);
  }
  if (!error.path.empty()) entry["path"] = error.path;
  return entry;
}

json::object Execute(const Document& document, std::string_view operation_name, const json::object& variables,
                     const RootResolver& resolver) {
  FragmentMap fragments;
  std::vector<Error> errors = ValidateDocument(document, &fragments);
  if (!errors.empty()) return ErrorsResponse(errors);
  const OperationDefinition* operation = SelectOperation(document, operation_name, errors);
  if (!operation) return ErrorsResponse(errors);
  if (operation->type != OperationDefinition::Type::kQuery) {
    const char* type = operation->type == OperationDefinition::Type::kMutation ? "a mutation" : "a subscription";
    return ErrorsResponse({{std::string("only queries are supported; this operation is ") + type + ".",
                            {operation->location},
                            {}}});
  }
  json::object coerced;
  errors = CoerceVariables(*operation, variables, &coerced);
  if (!errors.empty()) return ErrorsResponse(errors);
  errors = ValidateOperation(*operation, fragments, coerced);
  if (!errors.empty()) return ErrorsResponse(errors);
  return Executor(fragments, coerced, resolver).Run(*operation);
}

json::object ExecuteRequest(std::string_view source, std::string_view operation_name,
                            const json::object& variables, const RootResolver& resolver) {
  Result<Document> document = Parse(source);
  if (!document.ok()) return ParseErrorResponse(document.status());
  return Execute(*document, operation_name, variables, resolver);
}

}  // namespace agora::graphql
