// The asset domain model: what one published version of an asset is, independent of how it is
// stored or carried over HTTP. An asset is identified by its coordinates (groupId, assetId,
// version), belongs to the organisation that owns its group, has one type for all its versions,
// and each version carries metadata, files (blobs in the blob store, referenced by SHA-256) and
// dependencies on other versions.
//
// Thread safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agora::assets {

struct Coordinates {
  std::string group_id;
  std::string asset_id;
  std::string version;

  std::string ToString() const { return group_id + ":" + asset_id + ":" + version; }
  friend bool operator==(const Coordinates&, const Coordinates&) = default;
};

enum class Lifecycle { kDevelopment, kPublished, kDeprecated };
const char* LifecycleName(Lifecycle lifecycle);
std::optional<Lifecycle> ParseLifecycle(const std::string& name);

// One stored file of a version: the uploaded files, the generated POM and the derived
// packages (fat-raml, ...). The bytes live in the blob store under `sha256`.
struct AssetFile {
  std::string classifier;  // empty for the POM ("files.pom")
  std::string packaging;   // zip, jar, raml, pom, ...
  std::string sha256;
  std::string md5;
  std::string sha1;
  uint64_t size = 0;
  std::string main_file;   // for spec archives; empty otherwise
  bool is_generated = false;
  int64_t created_millis = 0;
};

struct Attribute {
  std::string key;
  std::string value;
};

// A category or custom field set on a version: the key an organisation defined, and its values.
struct TagValue {
  std::string key;
  std::vector<std::string> values;
  friend bool operator==(const TagValue&, const TagValue&) = default;
};

struct AssetVersion {
  std::string organization_id;
  Coordinates coordinates;
  std::string type;  // rest-api, soap-api, http-api, raml-fragment, custom, extension, app, ...
  std::string name;
  std::string description;
  Lifecycle status = Lifecycle::kPublished;
  std::string contact_name;
  std::string contact_email;
  std::vector<std::string> tags;        // "labels" in the JSON
  std::vector<std::string> keywords;
  std::vector<TagValue> categories;
  std::vector<TagValue> fields;         // custom fields
  std::vector<Attribute> properties;    // properties.* of the form or POM (mainFile, apiVersion, ...)
  std::vector<Coordinates> dependencies;
  std::vector<AssetFile> files;
  std::string original_format;          // raml, oas, wsdl
  std::string original_format_version;  // 1.0, 3.0.3, 1.1
  // The API specification's model as JSON (specs::ApiModel) and its searchable words. Stored
  // with the version; GetVersion leaves api_model empty (it can be large): MetadataStore::GetApiModel.
  std::string api_model;
  std::string api_terms;
  std::string created_by;               // id of the user or token that published it
  int64_t created_millis = 0;
  int64_t updated_millis = 0;

  // The value of properties[key], or an empty string.
  std::string Property(const std::string& key) const;
  // "2.0" for version "2.0.1".
  std::string MinorVersion() const;
  // apiVersion for API types ("v2"), otherwise the version itself.
  std::string VersionGroup() const;
};

}  // namespace agora::assets
