// Internals of the graphql module shared by its .cpp files: the error entry of a response, the
// request checks (validation.cpp) and the conversion and coercion of values (values.cpp) that
// Execute (executor.cpp) runs before and while projecting the resolved data.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json.hpp>

#include "graphql/graphql.h"

namespace agora::graphql {

// One entry of a response's "errors".
struct Error {
  std::string message;
  std::vector<Location> locations;
  boost::json::array path;  // empty for request errors
};
boost::json::object ToJson(const Error& error);

// graphql-js stops validating at this many errors.
constexpr size_t kMaxErrors = 100;

using FragmentMap = std::unordered_map<std::string_view, const FragmentDefinition*>;

// validation.cpp. Checks of the whole document, whatever operation runs: unique operation and
// fragment names, an anonymous operation alone, known fragments, no fragment cycles, spreads
// nested at most kMaxDepth deep. Fills `fragments` (by name) for the executor.
std::vector<Error> ValidateDocument(const Document& document, FragmentMap* fragments);

// validation.cpp. Checks of the operation to run and of the fragments it reaches, once its
// variables are coerced: variables declared once and every one used declared; only @skip and
// @include, where they may stand, each with a Boolean "if"; arguments and input object fields
// not repeated.
std::vector<Error> ValidateOperation(const OperationDefinition& operation,
                                     const FragmentMap& fragments,
                                     const boost::json::object& variables);

// values.cpp. A literal as JSON, variables substituted; a variable not in `variables` is null in
// a list and leaves its field out of an input object. Enum values become their names.
boost::json::value ValueToJson(const Value& value, const boost::json::object& variables);

// values.cpp. A field's arguments as JSON: an argument whose variable was not provided is left out.
boost::json::object ArgumentsToJson(const std::vector<Argument>& arguments,
                                    const boost::json::object& variables);

// values.cpp. The operation's variable values from the request's, per spec 6.1.2: defaults
// applied, undeclared ones dropped, each checked against its declared type (non-null, lists,
// and the built-in scalars Int, Float, String, Boolean, ID; other types pass as given).
std::vector<Error> CoerceVariables(const OperationDefinition& operation,
                                   const boost::json::object& provided,
                                   boost::json::object* coerced);

// values.cpp. The "if" of a @skip or @include, or nullopt when it is missing or not a Boolean.
std::optional<bool> EvaluateIf(const Directive& directive, const boost::json::object& variables);

// values.cpp. A JSON value quoted in a message, cut to a readable length.
std::string Inspect(const boost::json::value& value);

}  // namespace agora::graphql
