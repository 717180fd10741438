#include "assets/asset_type.h"

#include <map>

#include "assets/text.h"

namespace agora::assets {
namespace {

constexpr size_t kMaxFileToken = 100;

// name, requires_api_version, requires_file, allows_asset_link, is_spec_type
constexpr AssetTypeInfo kTypes[] = {
    {"rest-api", true, true, false, true},
    {"soap-api", true, true, true, false},
    {"http-api", true, false, true, false},
    {"raml-fragment", false, true, false, true},
    {"custom", false, false, false, false},
    {"extension", false, true, false, false},
    {"app", false, true, false, false},
    {"template", false, true, false, false},
    {"example", false, true, false, false},
    {"policy", false, true, false, false},
    {"api-group", false, false, false, false},
    {"evented-api", true, true, false, false},
    {"graphql-api", false, true, false, false},
    {"grpc-api", true, true, false, false},
    {"external-library", false, true, false, false},
    {"ruleset", false, true, false, false},
    {"mcp", false, false, false, false},
    {"agent", false, false, false, false},
    {"llm", false, false, false, false},
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

const AssetTypeInfo* FindType(const std::string& name) {
  for (const auto& info : kTypes)
    if (name == info.name) return &info;
  return nullptr;
}

}  // namespace

bool IsSafeToken(const std::string& token) {
  if (token.empty() || token.size() > kMaxFileToken || !text::IsAlnum(token[0])) return false;
  for (char c : token)
    if (!text::IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  return token.find("..") == std::string::npos;
}

std::optional<std::string> NormalizeTypeName(const std::string& type) {
  if (type == "connector") return std::string("extension");
  if (FindType(type)) return type;
  return std::nullopt;
}

const AssetTypeInfo& AssetTypeInfoFor(const std::string& canonical_type) {
  static constexpr AssetTypeInfo kUnknown{"unknown", false, false, false, false};
  const AssetTypeInfo* info = FindType(canonical_type);
  return info ? *info : kUnknown;
}

std::optional<std::string> InferTypeFromClassifier(const std::string& classifier) {
  const auto& map = ClassifierTypes();
  if (auto it = map.find(classifier); it != map.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> ClassifiersOf(const std::string& canonical_type) {
  std::vector<std::string> classifiers;
  for (const auto& [classifier, type] : ClassifierTypes())
    if (type == canonical_type) classifiers.push_back(classifier);
  return classifiers;
}

std::optional<std::string> FatClassifier(const std::string& classifier) {
  if (classifier == "raml" || classifier == "oas" || classifier == "raml-fragment") return "fat-" + classifier;
  return std::nullopt;
}

Status ValidateFileIdentifier(const std::string& classifier, const std::string& packaging) {
  if (IsSafeToken(classifier) && IsSafeToken(packaging)) return Status::Ok();
  const std::string message = "Invalid file identifier " + text::Quoted("files." + classifier + "." + packaging) +
                              ": expected files.<classifier>.<packaging>, each 1 to 100 letters, digits, '.', "
                              "'_' or '-' starting with a letter or digit";
  return Status::InvalidArgument("INVALID_FILE_IDENTIFIER_ERROR", message, {message});
}

}  // namespace agora::assets
