// Fuzzes the GraphQL parser and executor with any bytes as a request's query text. A document
// that parses is executed (as its only operation, then by each operation's name) against a
// resolver whose data has nested objects, lists, lists of lists and objects without
// "__typename", and that echoes its arguments, fails or throws; every response must serialize
// to JSON that parses back (valid UTF-8, no NaN or infinity). A line "#variables {...}" (a
// comment to GraphQL) replaces the default variables, so that they are fuzzed too.
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "fuzz_target.h"
#include "graphql/graphql.h"

namespace {

namespace json = boost::json;
using agora::graphql::RootResolver;

json::value Asset(int i) {
  return json::object{
      {"__typename", "Asset"},
      {"groupId", "org-1111"},
      {"assetId", "asset-" + std::to_string(i)},
      {"version", "1.0." + std::to_string(i)},
      {"rating", 4.5},
      {"isPublic", i % 2 == 0},
      {"owner", json::object{{"__typename", "User"}, {"name", "Ann"}, {"id", i}}},
      {"files", json::array{json::object{{"classifier", "oas"}, {"size", 10}}, nullptr}},
      {"tags", json::array{"a", "b"}},
      {"matrix", json::array{json::array{1, 2}, json::array{json::array{3}}}},
  };
}

const RootResolver& Resolver() {
  static const RootResolver* resolver = [] {
    auto* r = new RootResolver;
    r->fields["assets"] = {"Asset", [](const json::object&) -> agora::Result<json::value> {
                             return json::value(json::array{Asset(0), Asset(1), Asset(2)});
                           }};
    r->fields["asset"] = {"Asset", [](const json::object&) -> agora::Result<json::value> { return Asset(7); }};
    r->fields["echo"] = {"Echo", [](const json::object& arguments) -> agora::Result<json::value> {
                           return json::value(arguments);
                         }};
    r->fields["fail"] = {"", [](const json::object&) -> agora::Result<json::value> {
                           return agora::Status::NotFound("nothing here");
                         }};
    r->fields["throws"] = {"", [](const json::object&) -> agora::Result<json::value> {
                             throw std::runtime_error("boom");
                           }};
    r->fields["scalar"] = {"", [](const json::object&) -> agora::Result<json::value> {
                             return json::value("text");
                           }};
    return r;
  }();
  return *resolver;
}

void CheckRoundTrip(const json::object& response) {
  const std::string text = json::serialize(response);
  json::parse_options options;
  options.max_depth = 1000;
  std::error_code error;
  (void)json::parse(text, error, {}, options);
  if (error) std::abort();  // a response that is not valid JSON
}

}  // namespace

// The object after "#variables " at the start of a line, or else a default set.
json::object Variables(std::string_view source) {
  constexpr std::string_view kMarker = "#variables ";
  for (size_t at = source.find(kMarker); at != std::string_view::npos; at = source.find(kMarker, at + 1)) {
    if (at != 0 && source[at - 1] != '\n') continue;
    std::string_view line = source.substr(at + kMarker.size());
    line = line.substr(0, line.find('\n'));
    std::error_code error;
    json::value parsed = json::parse(line, error);
    if (!error && parsed.is_object()) return std::move(parsed.as_object());
  }
  return {{"limit", 5}, {"offset", 2}, {"organizationIds", json::array{"org-1111"}}, {"searchText", "my search"},
          {"accessToken", "token"}, {"flag", true}, {"no", false}, {"nothing", nullptr}};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const json::object variables = Variables(source);
  auto document = agora::graphql::Parse(source);
  if (!document.ok()) {
    CheckRoundTrip(agora::graphql::ParseErrorResponse(document.status()));
    return 0;
  }
  CheckRoundTrip(agora::graphql::Execute(*document, "", variables, Resolver()));
  for (const auto& operation : document->operations) {
    if (!operation.name.empty()) CheckRoundTrip(agora::graphql::Execute(*document, operation.name, variables, Resolver()));
  }
  return 0;
}
