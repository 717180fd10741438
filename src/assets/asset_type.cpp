#include "assets/asset_type.h"

#include <cctype>
#include <map>

namespace agora::assets {
namespace {

// name, requires_api_version, requires_file, allows_asset_link
constexpr AssetTypeInfo kTypes[] = {
    {"rest-api", true, true, false},        {"soap-api", true, true, true},
    {"http-api", true, false, true},        {"raml-fragment", false, true, false},
    {"custom", false, false, false},        {"extension", false, true, false},
    {"app", false, true, false},            {"template", false, true, false},
    {"example", false, true, false},        {"policy", false, true, false},
    {"api-group", false, false, false},     {"evented-api", true, true, false},
    {"graphql-api", false, true, false},    {"grpc-api", true, true, false},
    {"external-library", false, true, false}, {"ruleset", false, true, false},
    {"mcp", false, false, false},           {"agent", false, false, false},
    {"llm", false, false, false},
};

const std::map<std::string, std::string>& ClassifierTypes() {
  static const std::map<std::string, std::string> kMap = {
      {"raml", "rest-api"},
      {"oas", "rest-api"},
      {"wsdl", "soap-api"},
      {"raml-fragment", "raml-fragment"},
      {"custom", "custom"},
      {"mule-plugin", "extension"},
      {"mule-application", "app"},
      {"mule-application-template", "template"},
      {"mule-application-example", "example"},
      {"mule-policy", "policy"},
      {"evented-api", "evented-api"},
      {"graphql", "graphql-api"},
      {"protobuf", "grpc-api"},
      {"proto", "grpc-api"},
      {"external-library", "external-library"},
      {"ruleset", "ruleset"},
      {"mcp-metadata", "mcp"},
      {"agent-metadata", "agent"},
  };
  return kMap;
}

bool SafeToken(const std::string& token) {
  if (token.empty() || token.size() > 100 || !std::isalnum(static_cast<unsigned char>(token[0]))) return false;
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return token.find("..") == std::string::npos;
}

}  // namespace

std::optional<std::string> NormalizeTypeName(const std::string& type) {
  if (type == "connector") return std::string("extension");
  for (const auto& info : kTypes)
    if (type == info.name) return type;
  return std::nullopt;
}

const AssetTypeInfo& AssetTypeInfoFor(const std::string& canonical_type) {
  static constexpr AssetTypeInfo kUnknown{"unknown", false, false, false};
  for (const auto& info : kTypes)
    if (canonical_type == info.name) return info;
  return kUnknown;
}

std::optional<std::string> InferTypeFromClassifier(const std::string& classifier) {
  const auto& map = ClassifierTypes();
  if (auto it = map.find(classifier); it != map.end()) return it->second;
  return std::nullopt;
}

Status ValidateFileIdentifier(const std::string& classifier, const std::string& packaging) {
  if (SafeToken(classifier) && SafeToken(packaging)) return Status::Ok();
  const std::string message = "Invalid file identifier files." + classifier + "." + packaging +
                              ": expected files.<classifier>.<packaging> made of letters, digits, '.', '_', '-'";
  return Status::InvalidArgument("INVALID_FILE_IDENTIFIER_ERROR", message, {message});
}

}  // namespace agora::assets
