#include "graphql/graphql.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace agora::graphql {
namespace {

namespace json = boost::json;

// The query text anypoint-cli-v4's `exchange asset list` posts, byte for byte
// (shared/reference/anypoint-cli-wire-protocol.md, "GraphQL request sent by asset list").
constexpr const char* kAnypointCliQuery =
    "query ($organizationIds: [String], $limit: Int, $offset: Int, $searchText: String!) {\n"
    "  assets(\n    limit: $limit\n    offset: $offset\n    searchTerm: $searchText\n"
    "    organizationIds: $organizationIds\n  ) {\n    groupId\n    assetId\n    version\n"
    "    name\n    type\n    updatedDate\n    createdDate\n    __typename\n  }\n}\n";

// An asset as a search would return it: more fields than the query selects.
json::value Asset(const std::string& asset_id) {
  return json::object{{"__typename", "Asset"},
                      {"groupId", "org-1111"},
                      {"assetId", asset_id},
                      {"version", "1.0.0"},
                      {"name", "Name of " + asset_id},
                      {"type", "rest-api"},
                      {"updatedDate", "2024-05-01T10:00:00.000Z"},
                      {"createdDate", "2024-04-01T10:00:00.000Z"},
                      {"description", "not selected"},
                      {"owner", json::object{{"__typename", "User"}, {"name", "Ann"}, {"id", "u1"}}},
                      {"files", json::array{json::object{{"classifier", "oas"}, {"md5", "abc"}}}},
                      {"tags", json::array{"x", "y"}}};
}

// A resolver whose fields record the arguments they were called with.
struct TestResolver {
  std::vector<json::object> calls;
  RootResolver root;

  TestResolver() {
    root.fields["assets"] = {"Asset", [this](const json::object& arguments) -> Result<json::value> {
                               calls.push_back(arguments);
                               return json::value(json::array{Asset("a1"), Asset("a2")});
                             }};
    root.fields["asset"] = {"Asset", [this](const json::object& arguments) -> Result<json::value> {
                              calls.push_back(arguments);
                              return Asset("one");
                            }};
    root.fields["echo"] = {"Echo", [this](const json::object& arguments) -> Result<json::value> {
                             calls.push_back(arguments);
                             return json::value(arguments);
                           }};
    root.fields["count"] = {"", [](const json::object&) -> Result<json::value> { return json::value(42); }};
    root.fields["denied"] = {"", [](const json::object&) -> Result<json::value> {
                               return Status::Forbidden("You may not see these assets");
                             }};
    root.fields["broken"] = {"", [](const json::object&) -> Result<json::value> {
                               throw std::runtime_error("disk on fire");
                             }};
  }

  json::object Run(std::string_view query, const json::object& variables = {},
                   std::string_view operation_name = "") {
    return ExecuteRequest(query, operation_name, variables, root);
  }
};

Status ParseStatus(std::string_view source) {
  Result<Document> document = Parse(source);
  EXPECT_FALSE(document.ok()) << source;
  return document.status();
}

std::string ParseMessage(std::string_view source) { return ParseStatus(source).message(); }

// "line:column" of a parse error.
std::string ParseLocation(std::string_view source) {
  const Status status = ParseStatus(source);
  return status.errors().empty() ? "" : status.errors().front();
}

Document MustParse(std::string_view source) {
  Result<Document> document = Parse(source);
  EXPECT_TRUE(document.ok()) << document.status().ToString();
  return document.ok() ? std::move(document).value() : Document{};
}

// The messages of a response's errors.
std::vector<std::string> Messages(const json::object& response) {
  std::vector<std::string> messages;
  if (const json::value* errors = response.if_contains("errors")) {
    for (const json::value& error : errors->as_array())
      messages.emplace_back(error.at("message").as_string());
  }
  return messages;
}

std::string FirstMessage(const json::object& response) {
  const std::vector<std::string> messages = Messages(response);
  return messages.empty() ? "" : messages.front();
}

// The string with `n` repetitions of `unit`.
std::string Repeat(std::string_view unit, int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += unit;
  return text;
}

// ---- Parsing ----

TEST(GraphqlParseTest, ReadsTheAnypointCliQuery) {
  const Document document = MustParse(kAnypointCliQuery);
  ASSERT_EQ(document.operations.size(), 1u);
  const OperationDefinition& operation = document.operations[0];
  EXPECT_EQ(operation.type, OperationDefinition::Type::kQuery);
  EXPECT_EQ(operation.name, "");
  ASSERT_EQ(operation.variables.size(), 4u);
  EXPECT_EQ(operation.variables[0].name, "organizationIds");
  EXPECT_EQ(ToString(operation.variables[0].type), "[String]");
  EXPECT_EQ(ToString(operation.variables[1].type), "Int");
  EXPECT_EQ(ToString(operation.variables[3].type), "String!");
  ASSERT_EQ(operation.selection_set.size(), 1u);
  const Selection& assets = operation.selection_set[0];
  EXPECT_EQ(assets.name, "assets");
  EXPECT_EQ(assets.location, (Location{2, 3}));
  ASSERT_EQ(assets.arguments.size(), 4u);
  EXPECT_EQ(assets.arguments[2].name, "searchTerm");
  EXPECT_EQ(assets.arguments[2].value.kind, Value::Kind::kVariable);
  EXPECT_EQ(assets.arguments[2].value.text, "searchText");
  ASSERT_EQ(assets.selection_set.size(), 8u);
  EXPECT_EQ(assets.selection_set[7].name, "__typename");
}

TEST(GraphqlParseTest, ReadsOperationKindsNamesAndTheShorthand) {
  const Document document = MustParse("{ a } ");
  EXPECT_EQ(document.operations[0].type, OperationDefinition::Type::kQuery);
  const Document named = MustParse("query Q { a } mutation M { b } subscription S { c } query { d }");
  ASSERT_EQ(named.operations.size(), 4u);
  EXPECT_EQ(named.operations[0].name, "Q");
  EXPECT_EQ(named.operations[1].type, OperationDefinition::Type::kMutation);
  EXPECT_EQ(named.operations[1].name, "M");
  EXPECT_EQ(named.operations[2].type, OperationDefinition::Type::kSubscription);
  EXPECT_EQ(named.operations[3].name, "");
}

TEST(GraphqlParseTest, ReadsWrappedVariableTypesAndDefaults) {
  const Document document =
      MustParse("query ($a: [Int!]!, $b: [[String]!] = [[\"x\"]], $c: Boolean = true @dir) { f }");
  const auto& variables = document.operations[0].variables;
  ASSERT_EQ(variables.size(), 3u);
  EXPECT_EQ(ToString(variables[0].type), "[Int!]!");
  EXPECT_EQ(variables[0].type.name, "Int");
  EXPECT_EQ(variables[0].type.wrappers,
            (std::vector<TypeRef::Wrapper>{TypeRef::Wrapper::kNonNull, TypeRef::Wrapper::kList,
                                           TypeRef::Wrapper::kNonNull}));
  EXPECT_EQ(ToString(variables[1].type), "[[String]!]");
  ASSERT_TRUE(variables[1].default_value.has_value());
  EXPECT_EQ(variables[1].default_value->kind, Value::Kind::kList);
  EXPECT_EQ(variables[1].default_value->list[0].list[0].text, "x");
  ASSERT_EQ(variables[2].directives.size(), 1u);
  EXPECT_EQ(variables[2].directives[0].name, "dir");
}

TEST(GraphqlParseTest, RefusesVariablesInDefaultValues) {
  EXPECT_EQ(ParseMessage("query ($a: Int = $b) { a }"),
            "Syntax Error: Unexpected variable \"$b\" in constant value.");
  EXPECT_EQ(ParseLocation("query ($a: Int = $b) { a }"), "1:18");
  EXPECT_EQ(ParseMessage("query () { a }"), "Syntax Error: Expected \"$\", found \")\".");
}

TEST(GraphqlParseTest, ReadsEveryKindOfValue) {
  const Document document = MustParse(
      "{ f(i: -12, f: 1.5e3, s: \"s\", b: false, n: null, e: RED, l: [1, [2]], o: {k: {j: []}}, v: $x) }");
  const auto& arguments = document.operations[0].selection_set[0].arguments;
  ASSERT_EQ(arguments.size(), 9u);
  const std::vector<std::pair<Value::Kind, std::string>> expected = {
      {Value::Kind::kInt, "-12"},    {Value::Kind::kFloat, "1.5e3"}, {Value::Kind::kString, "s"},
      {Value::Kind::kBoolean, "false"}, {Value::Kind::kNull, "null"}, {Value::Kind::kEnum, "RED"},
      {Value::Kind::kList, ""},      {Value::Kind::kObject, ""},     {Value::Kind::kVariable, "x"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(arguments[i].value.kind, expected[i].first) << arguments[i].name;
    EXPECT_EQ(arguments[i].value.text, expected[i].second) << arguments[i].name;
  }
  EXPECT_EQ(arguments[6].value.list[1].list[0].text, "2");
  EXPECT_EQ(arguments[7].value.fields[0].name, "k");
  EXPECT_EQ(arguments[7].value.fields[0].value.fields[0].name, "j");
}

TEST(GraphqlParseTest, ReadsAliasesArgumentsDirectivesAndFragments) {
  const Document document = MustParse(
      "query Q { mine: assets(limit: 1) @include(if: $x) { ...F @skip(if: false) ... on Asset { a } "
      "... @include(if: true) { b } } } fragment F on Asset @dir { c }");
  const Selection& field = document.operations[0].selection_set[0];
  EXPECT_EQ(field.alias, "mine");
  EXPECT_EQ(field.name, "assets");
  EXPECT_EQ(field.response_key(), "mine");
  ASSERT_EQ(field.directives.size(), 1u);
  EXPECT_EQ(field.directives[0].name, "include");
  EXPECT_EQ(field.directives[0].arguments[0].name, "if");
  ASSERT_EQ(field.selection_set.size(), 3u);
  EXPECT_EQ(field.selection_set[0].kind, Selection::Kind::kFragmentSpread);
  EXPECT_EQ(field.selection_set[0].name, "F");
  EXPECT_EQ(field.selection_set[0].directives[0].name, "skip");
  EXPECT_EQ(field.selection_set[1].kind, Selection::Kind::kInlineFragment);
  EXPECT_EQ(field.selection_set[1].type_condition, "Asset");
  EXPECT_EQ(field.selection_set[2].kind, Selection::Kind::kInlineFragment);
  EXPECT_EQ(field.selection_set[2].type_condition, "");
  ASSERT_EQ(document.fragments.size(), 1u);
  EXPECT_EQ(document.fragments[0].name, "F");
  EXPECT_EQ(document.fragments[0].type_condition, "Asset");
  EXPECT_EQ(document.fragments[0].directives[0].name, "dir");
}

TEST(GraphqlParseTest, IgnoresCommasCommentsAndAByteOrderMark) {
  const Document document = MustParse("\xEF\xBB\xBF# a comment { not a field\r\n{ a,,, b # c\n ,c }");
  const auto& selections = document.operations[0].selection_set;
  ASSERT_EQ(selections.size(), 3u);
  EXPECT_EQ(selections[2].name, "c");
  EXPECT_EQ(selections[2].location, (Location{3, 3}));
}

TEST(GraphqlParseTest, DecodesStringEscapes) {
  const Document document = MustParse(
      R"({ f(s: "q\" b\\ s\/ \b\f\n\r\t é \u00e9 \uD83D\uDE00 \u{1F600} \u{41}") })");
  EXPECT_EQ(document.operations[0].selection_set[0].arguments[0].value.text,
            "q\" b\\ s/ \b\f\n\r\t \xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80 \xF0\x9F\x98\x80 A");
}

TEST(GraphqlParseTest, RefusesBadEscapes) {
  EXPECT_EQ(ParseMessage(R"({ f(s: "\uD800") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\".");
  EXPECT_EQ(ParseLocation(R"({ f(s: "\uD800") })"), "1:9");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\uDE00\uD83D") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\uDE00\".");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\u{110000}") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\u{}") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\".");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\u{D800}") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\u{D800}\".");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\u12G4") })"), "Syntax Error: Invalid Unicode escape sequence: \"\\u12G4\".");
  EXPECT_EQ(ParseMessage(R"({ f(s: "\q") })"), "Syntax Error: Invalid character escape sequence: \"\\q\".");
}

TEST(GraphqlParseTest, ReadsBlockStrings) {
  const Document document = MustParse(
      "{ f(a: \"\"\"\n\n    Hello,\n      World!\n\n    Yours,\r\n      GraphQL. \\\"\"\" \"q\"\n  \n\"\"\", "
      "b: \"\"\"  one line \\n kept raw \"\"\", c: \"\"\"\"\"\") }");
  const auto& arguments = document.operations[0].selection_set[0].arguments;
  EXPECT_EQ(arguments[0].value.kind, Value::Kind::kString);
  EXPECT_EQ(arguments[0].value.text, "Hello,\n  World!\n\nYours,\n  GraphQL. \"\"\" \"q\"");
  EXPECT_EQ(arguments[1].value.text, "  one line \\n kept raw ");
  EXPECT_EQ(arguments[2].value.text, "");
}

TEST(GraphqlParseTest, ReportsUnterminatedStrings) {
  EXPECT_EQ(ParseMessage("{ f(s: \"abc"), "Syntax Error: Unterminated string.");
  EXPECT_EQ(ParseLocation("{ f(s: \"abc"), "1:12");
  EXPECT_EQ(ParseMessage("{ f(s: \"abc\ndef\") }"), "Syntax Error: Unterminated string.");
  EXPECT_EQ(ParseLocation("{ f(s: \"abc\ndef\") }"), "1:12");
  EXPECT_EQ(ParseMessage("{ f(s: \"\"\"abc\n\\\"\"\" }"), "Syntax Error: Unterminated string.");
  EXPECT_EQ(ParseLocation("{ f(s: \"\"\"abc\n\\\"\"\" }"), "2:7");
  EXPECT_EQ(ParseMessage("{ f(s: \"\\"), "Syntax Error: Invalid character escape sequence: \"\\\".");
}

TEST(GraphqlParseTest, LocatesErrorsByLineAndCharacterColumn) {
  EXPECT_EQ(ParseMessage("{"), "Syntax Error: Expected Name, found <EOF>.");
  EXPECT_EQ(ParseLocation("{"), "1:2");
  EXPECT_EQ(ParseMessage(""), "Syntax Error: Unexpected <EOF>.");
  EXPECT_EQ(ParseLocation(""), "1:1");
  // \r\n is one line break, \r alone another; é is one column though two bytes.
  EXPECT_EQ(ParseLocation("{\r\n  a\r  b(x: \"é\" y: ) }"), "3:15");
  EXPECT_EQ(ParseMessage("{\r\n  a\r  b(x: \"é\" y: ) }"), "Syntax Error: Unexpected \")\".");
  EXPECT_EQ(ParseMessage("{ a(x: 1) { } }"), "Syntax Error: Expected Name, found \"}\".");
  EXPECT_EQ(ParseMessage("query Q { a b: }"), "Syntax Error: Expected Name, found \"}\".");
  EXPECT_EQ(ParseMessage("{ a(x 1) }"), "Syntax Error: Expected \":\", found Int \"1\".");
  EXPECT_EQ(ParseMessage("fragment F Asset { a }"), "Syntax Error: Expected \"on\", found Name \"Asset\".");
}

TEST(GraphqlParseTest, RefusesBadNumbers) {
  EXPECT_EQ(ParseMessage("{ f(x: 00) }"), "Syntax Error: Invalid number, unexpected digit after 0: \"0\".");
  EXPECT_EQ(ParseLocation("{ f(x: 00) }"), "1:9");
  EXPECT_EQ(ParseMessage("{ f(x: 1.) }"), "Syntax Error: Invalid number, expected digit but got: \")\".");
  EXPECT_EQ(ParseMessage("{ f(x: 1e) }"), "Syntax Error: Invalid number, expected digit but got: \")\".");
  EXPECT_EQ(ParseMessage("{ f(x: 1a) }"), "Syntax Error: Invalid number, expected digit but got: \"a\".");
  EXPECT_EQ(ParseMessage("{ f(x: 1.5.1) }"), "Syntax Error: Invalid number, expected digit but got: \".\".");
  EXPECT_EQ(ParseMessage("{ f(x: -"), "Syntax Error: Invalid number, expected digit but got: <EOF>.");
}

TEST(GraphqlParseTest, RefusesUnexpectedCharacters) {
  EXPECT_EQ(ParseMessage("{ a ? }"), "Syntax Error: Unexpected character: \"?\".");
  EXPECT_EQ(ParseMessage("{ a ..b }"), "Syntax Error: Unexpected character: \".\".");
  EXPECT_EQ(ParseMessage("{ a \x07 }"), "Syntax Error: Unexpected character: U+0007.");
  EXPECT_EQ(ParseMessage("{ a \xC3\xA9 }"), "Syntax Error: Unexpected character: U+00E9.");
  EXPECT_EQ(ParseMessage("{ f(s: 'a') }"),
            "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?");
  EXPECT_EQ(ParseMessage("{ f(s: \"\xFF\") }"), "Syntax Error: Invalid UTF-8 byte: 0xFF.");
  EXPECT_EQ(ParseMessage("{ f(s: \"\xED\xA0\x80\") }"), "Syntax Error: Invalid UTF-8 byte: 0xED.");  // a surrogate
}

TEST(GraphqlParseTest, AcceptsOnlyExecutableDefinitions) {
  EXPECT_EQ(ParseMessage("type Asset { name: String }"), "Syntax Error: Unexpected Name \"type\".");
  EXPECT_EQ(ParseMessage("\"description\" query { a }"), "Syntax Error: Unexpected String \"description\".");
  EXPECT_EQ(ParseMessage("fragment on on Asset { a }"), "Syntax Error: Unexpected Name \"on\".");
  EXPECT_EQ(ParseLocation("fragment on on Asset { a }"), "1:10");
}

TEST(GraphqlParseTest, LimitsNestingDepth) {
  // 64 nested selection sets parse; one more is refused, whichever construct nests.
  EXPECT_TRUE(Parse(Repeat("{ a ", 63) + "{ a }" + Repeat(" }", 63)).ok());
  EXPECT_EQ(ParseMessage(Repeat("{ a ", 64) + "{ a }" + Repeat(" }", 64)),
            "Syntax Error: Document is nested too deeply (more than 64 levels).");
  EXPECT_EQ(ParseMessage("{ f(x: " + Repeat("[", 100000) + ") }"),
            "Syntax Error: Document is nested too deeply (more than 64 levels).");
  EXPECT_EQ(ParseMessage("{ f(x: " + Repeat("{a: ", 70) + ") }"),
            "Syntax Error: Document is nested too deeply (more than 64 levels).");
  EXPECT_EQ(ParseMessage("query ($x: " + Repeat("[", 70) + "Int" + Repeat("]", 70) + ") { a }"),
            "Syntax Error: Document is nested too deeply (more than 64 levels).");
}

TEST(GraphqlParseTest, LimitsTokenCount) {
  // "{", then a field per token, then "}": 100,000 tokens parse, 100,001 do not.
  EXPECT_TRUE(Parse("{" + Repeat(" a", 99998) + " }").ok());
  EXPECT_EQ(ParseMessage("{" + Repeat(" a", 99999) + " }"),
            "Syntax Error: Document contains more than 100000 tokens. Parsing aborted.");
}

TEST(GraphqlParseTest, ParseErrorResponseCarriesTheLocation) {
  TestResolver resolver;
  json::object response = resolver.Run("{ assets { name ");
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"Syntax Error: Expected Name, found <EOF>.","locations":[{"line":1,"column":17}]}]})");
  EXPECT_TRUE(resolver.calls.empty());
}

// ---- Execution ----

TEST(GraphqlExecuteTest, AnswersTheAnypointCliAssetListQuery) {
  TestResolver resolver;
  const json::object variables = json::parse(
      R"({"limit":5,"offset":2,"organizationIds":["org-1111"],"searchText":"my search","accessToken":"tok"})")
                                     .as_object();
  json::object response = resolver.Run(kAnypointCliQuery, variables);
  ASSERT_EQ(resolver.calls.size(), 1u);
  EXPECT_EQ(resolver.calls[0],
            json::parse(R"({"limit":5,"offset":2,"searchTerm":"my search","organizationIds":["org-1111"]})"));
  // Only the selected fields, in the query's order, __typename included: what Apollo's cache needs.
  EXPECT_EQ(json::serialize(response),
            R"({"data":{"assets":[)"
            R"({"groupId":"org-1111","assetId":"a1","version":"1.0.0","name":"Name of a1","type":"rest-api",)"
            R"("updatedDate":"2024-05-01T10:00:00.000Z","createdDate":"2024-04-01T10:00:00.000Z","__typename":"Asset"},)"
            R"({"groupId":"org-1111","assetId":"a2","version":"1.0.0","name":"Name of a2","type":"rest-api",)"
            R"("updatedDate":"2024-05-01T10:00:00.000Z","createdDate":"2024-04-01T10:00:00.000Z","__typename":"Asset"}]}})");
}

TEST(GraphqlExecuteTest, LeavesOutArgumentsWhoseVariablesWereNotProvided) {
  // Without --organizationId the CLI leaves organizationIds out of the variables.
  TestResolver resolver;
  json::object response = resolver.Run(
      kAnypointCliQuery, json::parse(R"({"limit":10,"offset":0,"searchText":""})").as_object());
  ASSERT_EQ(resolver.calls.size(), 1u);
  EXPECT_EQ(resolver.calls[0], json::parse(R"({"limit":10,"offset":0,"searchTerm":""})"));
  EXPECT_FALSE(response.contains("errors"));
}

TEST(GraphqlExecuteTest, RequiredVariableNotProvidedIsARequestError) {
  TestResolver resolver;
  json::object response = resolver.Run(kAnypointCliQuery, json::parse(R"({"limit":10})").as_object());
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"Variable \"$searchText\" of required type \"String!\" was not provided.",)"
            R"("locations":[{"line":1,"column":63}]}]})");
  EXPECT_TRUE(resolver.calls.empty());
}

TEST(GraphqlExecuteTest, NonNullVariableGivenNullIsARequestError) {
  TestResolver resolver;
  EXPECT_EQ(FirstMessage(resolver.Run("query ($s: String!) { echo(s: $s) { s } }",
                                      json::parse(R"({"s":null})").as_object())),
            "Variable \"$s\" of non-null type \"String!\" must not be null.");
}

TEST(GraphqlExecuteTest, AppliesVariableDefaults) {
  TestResolver resolver;
  const char* query =
      "query ($limit: Int = 10, $kinds: [String] = [\"rest-api\"], $q: String = \"x\") "
      "{ echo(limit: $limit, kinds: $kinds, q: $q) { limit kinds q } }";
  EXPECT_EQ(resolver.Run(query)["data"],
            json::parse(R"({"echo":{"limit":10,"kinds":["rest-api"],"q":"x"}})"));
  // Provided values win, an explicit null included.
  EXPECT_EQ(resolver.Run(query, json::parse(R"({"limit":3,"q":null})").as_object())["data"],
            json::parse(R"({"echo":{"limit":3,"kinds":["rest-api"],"q":null}})"));
  EXPECT_EQ(resolver.calls.back(), json::parse(R"({"limit":3,"kinds":["rest-api"],"q":null})"));
}

TEST(GraphqlExecuteTest, ChecksVariableScalarKinds) {
  TestResolver resolver;
  auto message = [&](const char* type, const char* value) {
    return FirstMessage(resolver.Run(std::string("query ($v: ") + type + ") { echo(v: $v) { __typename } }",
                                     json::parse(std::string(R"({"v":)") + value + "}").as_object()));
  };
  EXPECT_EQ(message("Int", R"("abc")"), R"(Variable "$v" got invalid value "abc"; Int cannot represent non-integer value: "abc")");
  EXPECT_EQ(message("Int", "1.5"), R"(Variable "$v" got invalid value 1.5E0; Int cannot represent non-integer value: 1.5E0)");
  EXPECT_EQ(message("Int", "2147483648"),
            R"(Variable "$v" got invalid value 2147483648; Int cannot represent non 32-bit signed integer value: 2147483648)");
  EXPECT_EQ(message("Float", "true"), R"(Variable "$v" got invalid value true; Float cannot represent non numeric value: true)");
  EXPECT_EQ(message("String", "5"), R"(Variable "$v" got invalid value 5; String cannot represent a non string value: 5)");
  EXPECT_EQ(message("Boolean", R"("true")"),
            R"(Variable "$v" got invalid value "true"; Boolean cannot represent a non boolean value: "true")");
  EXPECT_EQ(message("ID", "[1]"), R"(Variable "$v" got invalid value [1]; ID cannot represent value: [1])");
  EXPECT_EQ(message("[Int!]", "[1,null]"),
            R"(Variable "$v" got invalid value null at "v[1]"; Expected non-nullable type "Int!" not to be null.)");
  EXPECT_EQ(message("[[Int]]", R"([[1],[2,"x"]])"),
            R"(Variable "$v" got invalid value "x" at "v[1][1]"; Int cannot represent non-integer value: "x")");
  // Accepted values, coerced: an integral float is an Int, an ID number a string, a single value a list.
  EXPECT_EQ(message("Int", "3.0"), "");
  EXPECT_EQ(resolver.calls.back(), json::parse(R"({"v":3})"));
  EXPECT_EQ(message("ID", "42"), "");
  EXPECT_EQ(resolver.calls.back(), json::parse(R"({"v":"42"})"));
  EXPECT_EQ(message("[String]", R"("one")"), "");
  EXPECT_EQ(resolver.calls.back(), json::parse(R"({"v":["one"]})"));
  EXPECT_EQ(message("Float", "2"), "");
  EXPECT_EQ(message("AssetType", R"({"any":"thing"})"), "");  // no schema: other types pass as given
}

TEST(GraphqlExecuteTest, ChecksDefaultValuesAgainstTheirType) {
  TestResolver resolver;
  EXPECT_EQ(FirstMessage(resolver.Run("query ($v: Int = \"ten\") { echo(v: $v) { v } }")),
            R"(Variable "$v" has invalid default value "ten"; Int cannot represent non-integer value: "ten")");
}

TEST(GraphqlExecuteTest, UndeclaredVariableIsAnErrorButUndeclaredValuesAreIgnored) {
  TestResolver resolver;
  const json::object response =
      resolver.Run("query Q { echo(v: $v) { v } }", json::parse(R"({"v":1})").as_object());
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"Variable \"$v\" is not defined by operation \"Q\".",)"
            R"("locations":[{"line":1,"column":19},{"line":1,"column":1}]}]})");
  EXPECT_EQ(FirstMessage(resolver.Run("{ echo(v: [{a: $v}]) { v } }")), "Variable \"$v\" is not defined.");
  EXPECT_EQ(FirstMessage(resolver.Run("{ echo { v @skip(if: $hide) } }")), "Variable \"$hide\" is not defined.");
  EXPECT_EQ(Messages(resolver.Run("{ echo { v @skip(if: $hide) } }")).size(), 1u);
  // anypoint-cli sends accessToken without declaring it.
  EXPECT_FALSE(resolver.Run("{ count }", json::parse(R"({"accessToken":"t"})").as_object()).contains("errors"));
}

TEST(GraphqlExecuteTest, SubstitutesVariablesInsideListsAndObjects) {
  TestResolver resolver;
  resolver.Run("query ($a: Int, $b: String) { echo(l: [$a, $b, 3], o: {x: $a, y: $b, e: RED}, f: 2.5) { l } }",
               json::parse(R"({"a":1})").as_object());
  // A missing variable is null inside a list and leaves its field out of an object.
  EXPECT_EQ(resolver.calls.back(), json::parse(R"({"l":[1,null,3],"o":{"x":1,"e":"RED"},"f":2.5E0})"));
}

TEST(GraphqlExecuteTest, AliasesBecomeResponseKeys) {
  TestResolver resolver;
  json::object response =
      resolver.Run("{ first: echo(n: 1) { one: n same: n } second: echo(n: 2) { n } n: count }");
  EXPECT_EQ(json::serialize(response["data"]),
            R"({"first":{"one":1,"same":1},"second":{"n":2},"n":42})");
  EXPECT_EQ(resolver.calls.size(), 2u);
}

TEST(GraphqlExecuteTest, FieldsMissingFromTheDataAreNull) {
  TestResolver resolver;
  EXPECT_EQ(json::serialize(resolver.Run("{ asset { name rating owner { name email } } }")),
            R"({"data":{"asset":{"name":"Name of one","rating":null,"owner":{"name":"Ann","email":null}}}})");
}

TEST(GraphqlExecuteTest, MergesFieldsOfTheSameResponseKey) {
  TestResolver resolver;
  EXPECT_EQ(json::serialize(resolver.Run("{ asset { owner { name } version owner { id name } } }")["data"]),
            R"({"asset":{"owner":{"name":"Ann","id":"u1"},"version":"1.0.0"}})");
}

TEST(GraphqlExecuteTest, ConflictingFieldsUnderOneKeyAreAnError) {
  TestResolver resolver;
  json::object response = resolver.Run("{ asset { x: name x: version } }");
  EXPECT_EQ(FirstMessage(response),
            "Fields \"x\" conflict because \"name\" and \"version\" are different fields. Use different aliases "
            "on the fields to fetch both if this was intentional.");
  EXPECT_EQ(json::serialize(response["errors"].at(0).at("path")), R"(["asset","x"])");
  EXPECT_EQ(json::serialize(response["data"]), R"({"asset":{"x":null}})");
  EXPECT_EQ(FirstMessage(resolver.Run("{ echo(n: 1) { n } echo(n: 2) { n } }")),
            "Fields \"echo\" conflict because they have differing arguments. Use different aliases on the "
            "fields to fetch both if this was intentional.");
}

TEST(GraphqlExecuteTest, NamedFragmentsApplyWhenTheirTypeMatches) {
  TestResolver resolver;
  json::object response = resolver.Run(
      "{ assets { ...Ids ...OnlyUsers owner { ...Person } } } "
      "fragment Ids on Asset { assetId groupId } fragment OnlyUsers on User { name } "
      "fragment Person on User { name }");
  EXPECT_EQ(json::serialize(response["data"]),
            R"({"assets":[{"assetId":"a1","groupId":"org-1111","owner":{"name":"Ann"}},)"
            R"({"assetId":"a2","groupId":"org-1111","owner":{"name":"Ann"}}]})");
}

TEST(GraphqlExecuteTest, InlineFragmentsWithAndWithoutTypeConditions) {
  TestResolver resolver;
  EXPECT_EQ(json::serialize(resolver.Run("{ asset { ... on Asset { version } ... on Api { name } ... { type } } }")["data"]),
            R"({"asset":{"version":"1.0.0","type":"rest-api"}})");
  // At the root the type is the resolver's.
  EXPECT_EQ(json::serialize(resolver.Run("{ __typename ... on Query { count } ... on Mutation { asset { name } } }")["data"]),
            R"({"__typename":"Query","count":42})");
}

TEST(GraphqlExecuteTest, TypenameComesFromTheDataOrTheRootField) {
  TestResolver resolver;
  resolver.root.fields["plain"] = {"PlainThing", [](const json::object&) -> Result<json::value> {
                                     return json::parse(R"([{"id":1,"inner":{"id":2}}])");
                                   }};
  EXPECT_EQ(json::serialize(resolver.Run("{ plain { __typename ... on PlainThing { id } } }")["data"]),
            R"({"plain":[{"__typename":"PlainThing","id":1}]})");
  EXPECT_EQ(json::serialize(resolver.Run("{ asset { t: __typename owner { __typename } } }")["data"]),
            R"({"asset":{"t":"Asset","owner":{"__typename":"User"}}})");
  // Below the root an object without "__typename" has no type to name.
  json::object response = resolver.Run("{ plain { inner { __typename id } } }");
  EXPECT_EQ(FirstMessage(response), "Cannot answer __typename: the object has no \"__typename\" key.");
  EXPECT_EQ(json::serialize(response["errors"].at(0).at("path")), R"(["plain",0,"inner","__typename"])");
  EXPECT_EQ(json::serialize(response["data"]), R"({"plain":[{"inner":{"__typename":null,"id":2}}]})");
}

TEST(GraphqlExecuteTest, HonoursSkipAndInclude) {
  TestResolver resolver;
  const char* query =
      "query ($yes: Boolean!, $no: Boolean = false) { asset { "
      "a: name @skip(if: $yes) b: name @skip(if: $no) c: name @include(if: $yes) d: name @include(if: false) "
      "e: name @skip(if: false) @include(if: true) f: name @skip(if: true) @include(if: true) "
      "...V @include(if: $no) ... @skip(if: $yes) { g: name } ... on Asset @include(if: $yes) { h: name } } } "
      "fragment V on Asset { version }";
  EXPECT_EQ(json::serialize(resolver.Run(query, json::parse(R"({"yes":true})").as_object())["data"]),
            R"({"asset":{"b":"Name of one","c":"Name of one","e":"Name of one","h":"Name of one"}})");
}

TEST(GraphqlExecuteTest, OtherDirectivesAndBadConditionsAreErrors) {
  TestResolver resolver;
  EXPECT_EQ(FirstMessage(resolver.Run("{ asset { name @deprecated } }")), "Unknown directive \"@deprecated\".");
  EXPECT_EQ(FirstMessage(resolver.Run("query @skip(if: true) { count }")), "Directive \"@skip\" may not be used on QUERY.");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count @skip }")),
            "Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count @skip(if: 1) }")), "Expected value of type \"Boolean!\", found 1.");
  EXPECT_EQ(FirstMessage(resolver.Run("query ($b: Boolean) { count @skip(if: $b) }")),
            "Expected value of type \"Boolean!\", found null.");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count @skip(if: true, unless: false) }")),
            "Unknown argument \"unless\" on directive \"@skip\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count @skip(if: false) @skip(if: false) }")),
            "The directive \"@skip\" can only be used once at this location.");
  json::object response = resolver.Run("{ count @cached }");
  EXPECT_FALSE(response.contains("data"));
  EXPECT_EQ(json::serialize(response["errors"].at(0).at("locations")), R"([{"line":1,"column":9}])");
}

TEST(GraphqlExecuteTest, UnknownRootFieldIsAFieldError) {
  TestResolver resolver;
  json::object response = resolver.Run("{ count\n  nope { x } }");
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"Cannot query field \"nope\" on type \"Query\".",)"
            R"("locations":[{"line":2,"column":3}],"path":["nope"]}],"data":{"count":42,"nope":null}})");
  EXPECT_EQ(FirstMessage(resolver.Run("{ __schema { types { name } } }")),
            "Cannot query field \"__schema\" on type \"Query\".");
}

TEST(GraphqlExecuteTest, ResolverErrorsBecomeErrorEntries) {
  TestResolver resolver;
  json::object response = resolver.Run("{ count mine: denied { name } broken }");
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"You may not see these assets","locations":[{"line":1,"column":9}],"path":["mine"]},)"
            R"({"message":"Internal error: disk on fire","locations":[{"line":1,"column":31}],"path":["broken"]}],)"
            R"("data":{"count":42,"mine":null,"broken":null}})");
}

TEST(GraphqlExecuteTest, SelectionsMustFitTheData) {
  TestResolver resolver;
  json::object response = resolver.Run("{ assets { name { first } owner } }");
  ASSERT_EQ(Messages(response).size(), 4u);
  EXPECT_EQ(Messages(response)[0],
            "Field \"name\" must not have a selection since type \"String\" has no subfields.");
  EXPECT_EQ(Messages(response)[1],
            "Field \"owner\" of type \"User\" must have a selection of subfields. Did you mean \"owner { ... }\"?");
  EXPECT_EQ(json::serialize(response["errors"].at(2).at("path")), R"(["assets",1,"name"])");
  EXPECT_EQ(json::serialize(response["data"]),
            R"({"assets":[{"name":null,"owner":null},{"name":null,"owner":null}]})");
  // A list of scalars needs no selection; a list of objects does.
  response = resolver.Run("{ asset { tags files } }");
  EXPECT_EQ(json::serialize(response["data"]), R"({"asset":{"tags":["x","y"],"files":[null]}})");
  EXPECT_EQ(json::serialize(response["errors"].at(0).at("path")), R"(["asset","files",0])");
}

TEST(GraphqlExecuteTest, MapsListsOfListsElementByElement) {
  TestResolver resolver;
  resolver.root.fields["grid"] = {"Cell", [](const json::object&) -> Result<json::value> {
                                    return json::parse(R"([[{"v":1,"w":0},null],[],[{"v":2}]])");
                                  }};
  EXPECT_EQ(json::serialize(resolver.Run("{ grid { v __typename } }")["data"]),
            R"({"grid":[[{"v":1,"__typename":"Cell"},null],[],[{"v":2,"__typename":"Cell"}]]})");
}

TEST(GraphqlExecuteTest, RunsOnlyQueries) {
  TestResolver resolver;
  json::object response = resolver.Run("mutation { asset { name } }");
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"only queries are supported; this operation is a mutation.",)"
            R"("locations":[{"line":1,"column":1}]}]})");
  EXPECT_EQ(FirstMessage(resolver.Run("subscription S { asset { name } }")),
            "only queries are supported; this operation is a subscription.");
  EXPECT_TRUE(resolver.calls.empty());
}

TEST(GraphqlExecuteTest, ChoosesAmongSeveralOperationsByName) {
  TestResolver resolver;
  const char* document = "query A { a: count } query B { b: count } mutation C { asset { name } }";
  EXPECT_EQ(json::serialize(resolver.Run(document, {}, "B")), R"({"data":{"b":42}})");
  EXPECT_EQ(FirstMessage(resolver.Run(document)), "Must provide operation name if query contains multiple operations.");
  EXPECT_EQ(FirstMessage(resolver.Run(document, {}, "D")), "Unknown operation named \"D\".");
  EXPECT_EQ(FirstMessage(resolver.Run("query A { count } query A { count }", {}, "A")),
            "There can be only one operation named \"A\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count } query B { count }", {}, "B")),
            "This anonymous operation must be the only defined operation.");
  EXPECT_EQ(FirstMessage(resolver.Run("{ count } fragment F on Query { count }", {}, "F")),
            "Unknown operation named \"F\".");
}

TEST(GraphqlExecuteTest, RefusesFragmentCyclesUnknownAndDuplicateFragments) {
  TestResolver resolver;
  json::object response = resolver.Run("{ asset { ...A } } fragment A on Asset { name ...A }");
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"Cannot spread fragment \"A\" within itself.","locations":[{"line":1,"column":47}]}]})");
  EXPECT_EQ(FirstMessage(resolver.Run("{ asset { ...A } } fragment A on Asset { ...B } "
                                      "fragment B on Asset { owner { ...C } } fragment C on User { ...A }")),
            "Cannot spread fragment \"A\" within itself via \"B\", \"C\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ asset { ...Nope } }")), "Unknown fragment \"Nope\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ asset { ...A } } fragment A on Asset { name } fragment A on Asset { id }")),
            "There can be only one fragment named \"A\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ asset { ...A } } fragment A on Asset @skip(if: true) { name }")),
            "Directive \"@skip\" may not be used on FRAGMENT_DEFINITION.");
  EXPECT_TRUE(resolver.calls.empty());
}

TEST(GraphqlExecuteTest, StopsValidatingAtOneHundredErrors) {
  TestResolver resolver;
  EXPECT_EQ(Messages(resolver.Run("{ count" + Repeat(" @a", 500) + " }")).size(), 100u);
  // Thousands of repeated arguments are found without comparing each pair.
  const json::object response = resolver.Run("{ echo" + ("(" + Repeat(" a: 1", 30000)) + ") { a } }");
  EXPECT_EQ(Messages(response).size(), 100u);
  EXPECT_EQ(FirstMessage(response), "There can be only one argument named \"a\".");
}

TEST(GraphqlExecuteTest, RefusesRepeatedArgumentsAndInputFields) {
  TestResolver resolver;
  EXPECT_EQ(FirstMessage(resolver.Run("{ echo(a: 1, a: 2) { a } }")), "There can be only one argument named \"a\".");
  EXPECT_EQ(FirstMessage(resolver.Run("{ echo(a: {b: 1, b: 2}) { a } }")),
            "There can be only one input field named \"b\".");
  EXPECT_EQ(FirstMessage(resolver.Run("query ($a: Int, $a: Int) { count }")),
            "There can be only one variable named \"$a\".");
}

// A resolver whose data nests "next" objects `depth` deep, each typed Node.
RootResolver NodeChainResolver(int depth) {
  RootResolver root;
  root.fields["node"] = {"Node", [depth](const json::object&) -> Result<json::value> {
                           json::value node = json::object{{"__typename", "Node"}, {"id", depth}};
                           for (int i = depth - 1; i >= 0; --i)
                             node = json::object{{"__typename", "Node"}, {"id", i}, {"next", std::move(node)}};
                           return node;
                         }};
  return root;
}

TEST(GraphqlExecuteTest, LimitsChainsOfFragmentSpreads) {
  // Each fragment is shallow; the chain of 70 is not.
  std::string query = "{ node { ...F0 } }";
  for (int i = 0; i < 70; ++i)
    query += " fragment F" + std::to_string(i) + " on Node { id ...F" + std::to_string(i + 1) + " }";
  query += " fragment F70 on Node { id }";
  EXPECT_EQ(FirstMessage(ExecuteRequest(query, "", {}, NodeChainResolver(1))),
            "Fragment spreads are nested too deeply (more than 64 levels).");
}

TEST(GraphqlExecuteTest, LimitsResponseDepth) {
  // 40 fragments of two levels each ask for 80 levels of data.
  std::string query = "{ node { ...F0 } }";
  for (int i = 0; i < 40; ++i)
    query += " fragment F" + std::to_string(i) + " on Node { next { next { ...F" + std::to_string(i + 1) + " } } }";
  query += " fragment F40 on Node { id }";
  json::object response = ExecuteRequest(query, "", {}, NodeChainResolver(100));
  EXPECT_EQ(FirstMessage(response), "The response is nested too deeply (more than 64 levels).");
  // 64 levels are answered; the field at the 65th is null.
  EXPECT_EQ(response.at("errors").as_array().at(0).at("path").as_array().size(), 65u);
}

TEST(GraphqlExecuteTest, LimitsResponseSize) {
  // Two aliases per level over 30 levels of a linear chain would be 2^30 objects.
  std::string query = "{ node { ...F0 } }";
  for (int i = 0; i < 30; ++i) {
    const std::string next = std::to_string(i + 1);
    query += " fragment F" + std::to_string(i) + " on Node { a: next { ...F" + next + " } b: next { ...F" + next + " } }";
  }
  query += " fragment F30 on Node { id }";
  json::object response = ExecuteRequest(query, "", {}, NodeChainResolver(40));
  EXPECT_EQ(json::serialize(response),
            R"({"errors":[{"message":"The response would be too large: more than 100000 fields and list items.",)"
            R"("locations":[{"line":1,"column":1}]}],"data":null})");
}

TEST(GraphqlExecuteTest, ExecuteAcceptsAParsedDocumentMoreThanOnce) {
  TestResolver resolver;
  const Document document = MustParse("query ($n: Int) { echo(n: $n) { n } }");
  EXPECT_EQ(json::serialize(Execute(document, "", json::parse(R"({"n":1})").as_object(), resolver.root)),
            R"({"data":{"echo":{"n":1}}})");
  EXPECT_EQ(json::serialize(Execute(document, "", json::parse(R"({"n":2})").as_object(), resolver.root)),
            R"({"data":{"echo":{"n":2}}})");
}

TEST(GraphqlExecuteTest, LiteralNumbersKeepTheirKind) {
  TestResolver resolver;
  resolver.Run("{ echo(i: 7, big: 9223372036854775808, f: 1e2, huge: 1e999, tiny: -1e-999) { i } }");
  const json::object& arguments = resolver.calls.back();
  EXPECT_TRUE(arguments.at("i").is_int64());
  EXPECT_TRUE(arguments.at("big").is_double());
  EXPECT_EQ(arguments.at("f").as_double(), 100.0);
  EXPECT_EQ(arguments.at("huge").as_double(), std::numeric_limits<double>::max());
  EXPECT_EQ(arguments.at("tiny").as_double(), 0.0);
}

}  // namespace
}  // namespace agora::graphql
