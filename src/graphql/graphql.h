// A small GraphQL engine for the one GraphQL endpoint Exchange clients use (anypoint-cli's
// `asset list` posts a query to /graph/api/v2/graphql): Parse reads any executable document of
// the October 2021 specification into a Document, and Execute runs one of its queries against a
// RootResolver that answers each root field with a plain JSON tree, which the executor projects
// onto the selection set (aliases, fragments, @skip/@include, __typename). There is no schema:
// the data's shape is the schema, so type checks are limited to what the data and the variable
// definitions can tell (see README.md).
//
// Debian packages no C++ GraphQL library (cppgraphqlgen and libgraphqlparser are not in
// bookworm), hence this parser and executor of our own.
//
// Parse and Execute treat the document and the variables as hostile: nesting depth, token count,
// fragment-spread depth and response size are bounded, fragment cycles are refused, and no input
// makes them crash or recurse without bound. The caller bounds the size of the source.
//
// Thread safety: a Document is an immutable value once parsed and may be shared between threads;
// Parse and Execute are pure functions apart from the resolver calls, which Execute makes on its
// caller's thread, one at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "common/status.h"

namespace agora::graphql {

// Limits against hostile documents.
constexpr int kMaxDepth = 64;             // nested selection sets, list/object values, list types;
                                          // also fragment spreads within spreads, and response depth
constexpr size_t kMaxTokens = 100'000;    // tokens in one document
constexpr size_t kMaxResponseNodes = 100'000;  // fields and list items one execution may complete
                                               // (an asset list of 100 is about 1,000)

// 1-based, as GraphQL error "locations" report them; columns count Unicode characters.
struct Location {
  int line = 0;
  int column = 0;
  bool operator==(const Location&) const = default;
};

struct ObjectField;

// A literal value or a variable reference, as written in the document.
struct Value {
  enum class Kind { kVariable, kInt, kFloat, kString, kBoolean, kNull, kEnum, kList, kObject };
  Kind kind = Kind::kNull;
  // Variable name (without "$"), Int/Float lexeme, decoded string, enum name, "true"/"false".
  std::string text;
  std::vector<Value> list;           // kList items
  std::vector<ObjectField> fields;   // kObject fields, in document order
  Location location;
};

struct ObjectField {
  std::string name;
  Value value;
  Location location;
};

struct Argument {
  std::string name;
  Value value;
  Location location;
};

struct Directive {
  std::string name;  // without "@"
  std::vector<Argument> arguments;
  Location location;
};

// A type reference such as [Int!]!: the named type and its wrappers, outermost first
// ([kNonNull, kList, kNonNull] for that example).
struct TypeRef {
  enum class Wrapper { kList, kNonNull };
  std::string name;
  std::vector<Wrapper> wrappers;
};
// The type as written: "[Int!]!".
std::string ToString(const TypeRef& type);

// One selection of a selection set: a field, a fragment spread or an inline fragment.
struct Selection {
  enum class Kind { kField, kFragmentSpread, kInlineFragment };
  Kind kind = Kind::kField;
  std::string alias;           // kField: empty when the field has none
  std::string name;            // kField: the field name; kFragmentSpread: the fragment's name
  std::string type_condition;  // kInlineFragment: empty when it has none
  std::vector<Argument> arguments;        // kField
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;   // empty for a leaf field and for a spread
  Location location;

  // The key of a field in the response: its alias, or else its name.
  const std::string& response_key() const { return alias.empty() ? name : alias; }
};

struct VariableDefinition {
  std::string name;  // without "$"
  TypeRef type;
  std::optional<Value> default_value;  // a constant value
  std::vector<Directive> directives;
  Location location;
};

struct OperationDefinition {
  enum class Type { kQuery, kMutation, kSubscription };
  Type type = Type::kQuery;
  std::string name;  // empty for an anonymous operation
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Location location;
};

struct FragmentDefinition {
  std::string name;
  std::string type_condition;
  std::vector<Directive> directives;
  std::vector<Selection> selection_set;
  Location location;
};

// An executable document: its operations and fragments, each in document order.
struct Document {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
};

// The document, or 400 GRAPHQL_PARSE_FAILED whose message is graphql-js's, such as
// `Syntax Error: Expected Name, found <EOF>.`, and whose errors() holds one entry, the error's
// "line:column". Type-system definitions (schema, type, ...) are refused: only executable
// documents are accepted.
Result<Document> Parse(std::string_view source);

// The GraphQL response for a document that failed to parse:
// {"errors":[{"message":..., "locations":[{"line":L,"column":C}]}]}.
boost::json::object ParseErrorResponse(const Status& status);

// Answers one root field from its coerced arguments: variables substituted (an argument whose
// variable was not provided is left out), default values of variables applied. Returns a plain
// JSON tree; objects should carry "__typename". A non-OK Status becomes an error entry with its
// message, and the field's data is null.
using FieldResolver = std::function<Result<boost::json::value>(const boost::json::object& arguments)>;

struct RootField {
  // The __typename of the objects the field returns (directly, or as list items) that carry no
  // "__typename" key of their own; empty when they always carry one.
  std::string type_name;
  FieldResolver resolve;
};

// The root query type: its name (what `__typename` and `... on Query` see) and its fields.
struct RootResolver {
  std::string type_name = "Query";
  std::map<std::string, RootField, std::less<>> fields;
};

// Executes the operation named `operation_name` (empty: the document's only operation) with the
// request's `variables` and returns the GraphQL response object: {"errors":[...]} when the request
// cannot run (unknown operation, bad variables, unknown directive, fragment cycle, a mutation or
// subscription, ...), else {"data":{...}} preceded by "errors" when fields failed. Each error has
// "message", and "locations" and "path" where they apply. Variables the operation does not
// declare are ignored (anypoint-cli sends an undeclared "accessToken").
boost::json::object Execute(const Document& document, std::string_view operation_name,
                            const boost::json::object& variables, const RootResolver& resolver);

// Parse, then Execute: the response for a request's "query" text, a parse error included.
boost::json::object ExecuteRequest(std::string_view source, std::string_view operation_name,
                                   const boost::json::object& variables,
                                   const RootResolver& resolver);

}  // namespace agora::graphql
