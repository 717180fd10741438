#include "maven/metadata_xml.h"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <optional>

#include "assets/semver.h"
#include "maven/repository_path.h"

namespace agora::maven {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

void Element(std::string& xml, const char* indent, const char* name, std::string_view value) {
  xml += indent;
  xml += '<';
  xml += name;
  xml += '>';
  xml += Escaped(value);
  xml += "</";
  xml += name;
  xml += ">\n";
}

std::string Stamp(int64_t millis, const char* format) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, format, &utc);
  return text;
}

// A version with its SemVer reading, parsed once rather than at each comparison of the sort.
struct SortableVersion {
  std::string text;
  std::optional<assets::SemVer> semver;
};

// SemVer precedence, as Maven orders these versions; anything unparseable after, by its text.
bool VersionLess(const SortableVersion& a, const SortableVersion& b) {
  if (a.semver && b.semver) return assets::CompareSemVer(*a.semver, *b.semver) < 0;
  if (a.semver || b.semver) return bool(a.semver);
  return a.text < b.text;
}

// The versions in Maven's order, each once.
std::vector<std::string> SortedVersions(const std::vector<std::string>& versions) {
  std::vector<SortableVersion> sortable;
  sortable.reserve(versions.size());
  for (const auto& v : versions) sortable.push_back({v, assets::ParseSemVer(v)});
  std::sort(sortable.begin(), sortable.end(), VersionLess);
  std::vector<std::string> sorted;
  sorted.reserve(sortable.size());
  for (auto& v : sortable)
    if (sorted.empty() || sorted.back() != v.text) sorted.push_back(std::move(v.text));
  return sorted;
}

constexpr const char* kHeader = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata modelVersion=\"1.1.0\">\n";

}  // namespace

std::string LastUpdatedStamp(int64_t millis) { return Stamp(millis, "%Y%m%d%H%M%S"); }
std::string SnapshotTimestamp(int64_t millis) { return Stamp(millis, "%Y%m%d.%H%M%S"); }

std::string WriteArtifactMetadata(const ArtifactMetadata& metadata) {
  const std::vector<std::string> versions = SortedVersions(metadata.versions);
  std::string release;
  for (const auto& v : versions)
    if (!IsSnapshotVersion(v)) release = v;
  std::string xml = kHeader;
  xml.reserve(256 + versions.size() * 40);
  Element(xml, "  ", "groupId", metadata.group_id);
  Element(xml, "  ", "artifactId", metadata.artifact_id);
  xml += "  <versioning>\n";
  if (!versions.empty()) Element(xml, "    ", "latest", versions.back());
  if (!release.empty()) Element(xml, "    ", "release", release);
  xml += "    <versions>\n";
  for (const auto& v : versions) Element(xml, "      ", "version", v);
  xml += "    </versions>\n";
  Element(xml, "    ", "lastUpdated", LastUpdatedStamp(metadata.last_updated_millis));
  xml += "  </versioning>\n</metadata>\n";
  return xml;
}

std::string WriteSnapshotMetadata(const SnapshotMetadata& metadata) {
  const std::string updated = LastUpdatedStamp(metadata.last_updated_millis);
  const std::string value = BaseVersion(metadata.version) + "-" + metadata.timestamp + "-" +
                            std::to_string(metadata.build_number);
  std::string xml = kHeader;
  Element(xml, "  ", "groupId", metadata.group_id);
  Element(xml, "  ", "artifactId", metadata.artifact_id);
  Element(xml, "  ", "version", metadata.version);
  xml += "  <versioning>\n    <snapshot>\n";
  Element(xml, "      ", "timestamp", metadata.timestamp);
  Element(xml, "      ", "buildNumber", std::to_string(metadata.build_number));
  xml += "    </snapshot>\n";
  Element(xml, "    ", "lastUpdated", updated);
  xml += "    <snapshotVersions>\n";
  for (const auto& file : metadata.files) {
    xml += "      <snapshotVersion>\n";
    if (!file.classifier.empty()) Element(xml, "        ", "classifier", file.classifier);
    Element(xml, "        ", "extension", file.extension);
    Element(xml, "        ", "value", value);
    Element(xml, "        ", "updated", updated);
    xml += "      </snapshotVersion>\n";
  }
  xml += "    </snapshotVersions>\n  </versioning>\n</metadata>\n";
  return xml;
}

std::optional<ClientMetadata> ReadClientMetadata(std::string_view xml) {
  ClientMetadata hints;
  pugi::xml_document doc;
  // No DOCTYPE node is kept and pugixml never expands external entities: a hostile upload can
  // neither read files nor blow up.
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default)) return std::nullopt;
  if (std::string_view(doc.document_element().name()) != "metadata") return std::nullopt;
  const pugi::xml_node versioning = doc.child("metadata").child("versioning");
  for (const pugi::xml_node& v : versioning.child("versions").children("version")) hints.versions.push_back(v.text().get());
  for (const char* single : {"latest", "release"})
    if (const char* v = versioning.child(single).text().get(); *v) hints.versions.emplace_back(v);
  const pugi::xml_node snapshot = versioning.child("snapshot");
  hints.snapshot_timestamp = snapshot.child("timestamp").text().get();
  hints.snapshot_build_number = snapshot.child("buildNumber").text().as_uint(0);
  return hints;
}

}  // namespace agora::maven
