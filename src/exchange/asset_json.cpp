#include "exchange/asset_json.h"

#include <boost/json.hpp>

#include "common/ids.h"

namespace agora::exchange {
namespace json = boost::json;

std::string DownloadUrl(const std::string& base_url, const assets::AssetVersion& version,
                        const assets::AssetFile& file) {
  const auto& c = version.coordinates;
  std::string url = base_url + "/exchange/files/api/v1/organizations/" + version.organization_id + "/assets/" +
                    c.group_id + "/" + c.asset_id + "/" + c.version + "/";
  return file.classifier.empty() ? url + file.packaging : url + file.classifier + "/" + file.packaging;
}

namespace {

json::value StringOrNull(const std::string& text) {
  if (text.empty()) return nullptr;
  return json::string(text);
}

json::array Strings(const std::vector<std::string>& items) {
  json::array array;
  for (const auto& item : items) array.push_back(json::string(item));
  return array;
}

json::object FileJson(const std::string& base_url, const assets::AssetVersion& version, const assets::AssetFile& file,
                      const FileLinks& links) {
  const std::string url = DownloadUrl(base_url, version, file);
  return json::object{{"classifier", StringOrNull(file.classifier)},
                      {"packaging", file.packaging},
                      {"downloadURL", url},
                      {"externalLink", links.ExternalLink(url, version, file)},
                      {"md5", file.md5},
                      {"sha1", file.sha1},
                      {"sha256", file.sha256},
                      {"size", file.size},
                      {"createdDate", FormatIsoMillis(file.created_millis)},
                      {"mainFile", StringOrNull(file.main_file)},
                      {"isGenerated", file.is_generated}};
}

json::array AttributesJson(const assets::AssetVersion& version) {
  json::array attributes;
  for (const auto& p : version.properties) attributes.push_back(json::object{{"key", p.key}, {"value", p.value}});
  for (const auto& k : version.keywords) attributes.push_back(json::object{{"key", "keyword"}, {"value", k}});
  return attributes;
}

// [{key, value, displayName}]; a custom field with one value shows it bare.
json::array TagValuesJson(const std::vector<assets::TagValue>& tag_values, bool always_list,
                          const std::map<std::string, std::string, std::less<>>& display_names) {
  json::array array;
  for (const auto& tag : tag_values) {
    json::value value = always_list || tag.values.size() != 1 ? json::value(Strings(tag.values))
                                                              : json::value(json::string(tag.values.front()));
    const auto named = display_names.find(tag.key);
    const std::string& display_name = named == display_names.end() || named->second.empty() ? tag.key : named->second;
    array.push_back(json::object{{"key", tag.key}, {"value", std::move(value)}, {"displayName", display_name}});
  }
  return array;
}

}  // namespace

json::object AssetSummaryJson(const assets::AssetVersion& version) {
  return json::object{{"organizationId", version.organization_id},
                      {"groupId", version.coordinates.group_id},
                      {"assetId", version.coordinates.asset_id},
                      {"version", version.coordinates.version},
                      {"name", version.name},
                      {"type", version.type}};
}

json::object SearchItemJson(const assets::AssetVersion& version) {
  json::object o = AssetSummaryJson(version);
  o["minorVersion"] = version.MinorVersion();
  o["description"] = version.description;
  o["versionGroup"] = version.VersionGroup();
  o["isPublic"] = false;
  o["status"] = assets::LifecycleName(version.status);
  o["labels"] = Strings(version.tags);
  o["createdById"] = version.created_by;
  o["createdAt"] = FormatIsoMillis(version.created_millis);
  return o;
}

json::object AssetVersionJson(const assets::AssetVersion& version, const std::string& base_url,
                              const FileLinks& links, const TagDisplayNames& names) {
  json::object o = AssetSummaryJson(version);
  o["id"] = version.coordinates.group_id + "/" + version.coordinates.asset_id + "/" + version.coordinates.version;
  o["minorVersion"] = version.MinorVersion();
  o["versionGroup"] = version.VersionGroup();
  o["productAPIVersion"] = StringOrNull(version.Property("apiVersion"));
  o["description"] = version.description;
  o["status"] = assets::LifecycleName(version.status);
  o["isPublic"] = false;
  // A Maven -SNAPSHOT version (a development version each build replaces).
  const std::string_view v = version.coordinates.version;
  o["isSnapshot"] = v.size() > 9 && v.substr(v.size() - 9) == "-SNAPSHOT";
  o["contactName"] = StringOrNull(version.contact_name);
  o["contactEmail"] = StringOrNull(version.contact_email);
  o["originalFormat"] = StringOrNull(version.original_format);
  o["originalFormatVersion"] = StringOrNull(version.original_format_version);
  o["labels"] = Strings(version.tags);
  o["keywords"] = Strings(version.keywords);
  o["attributes"] = AttributesJson(version);
  o["categories"] = TagValuesJson(version.categories, /*always_list=*/true, names.categories);
  o["customFields"] = TagValuesJson(version.fields, /*always_list=*/false, names.fields);
  json::array dependencies;
  for (const auto& d : version.dependencies)
    dependencies.push_back(json::object{{"groupId", d.group_id}, {"assetId", d.asset_id}, {"version", d.version}});
  o["dependencies"] = std::move(dependencies);
  json::array files;
  for (const auto& f : version.files) files.push_back(FileJson(base_url, version, f, links));
  o["files"] = std::move(files);
  o["createdDate"] = FormatIsoMillis(version.created_millis);
  o["updatedDate"] = FormatIsoMillis(version.updated_millis);
  o["createdAt"] = o["createdDate"];
  o["modifiedAt"] = o["updatedDate"];
  o["createdBy"] = json::object{{"id", version.created_by}, {"userName", version.created_by}};
  return o;
}

}  // namespace agora::exchange
