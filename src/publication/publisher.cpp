#include "publication/publisher.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <optional>
#include <map>
#include <set>
#include <tuple>

#include "assets/asset_type.h"
#include "assets/coordinates.h"
#include "assets/rules.h"
#include "common/ids.h"
#include "packaging/exchange_json.h"
#include "packaging/pom.h"
#include "packaging/spec_package.h"
#include "packaging/zip_archive.h"
#include "publication/tag_rules.h"

namespace agora::publication {
namespace {

using assets::AssetFile;
using assets::AssetVersion;
using assets::Attribute;
using assets::Coordinates;

enum Step : size_t { kFiles, kType, kMetadata, kValidation, kPackaging, kStoring };

Status Invalid(const std::string& code, const std::string& message) {
  return Status::InvalidArgument(code, message, {message});
}

// The asset properties after merging the form and the uploaded POM.
struct Metadata {
  std::optional<std::string> name, description, type, keywords, tags, contact_name, contact_email, status;
  std::string dependencies;
  std::vector<Attribute> properties;
  std::vector<KeyValues> categories, fields;
};

void SetProperty(std::vector<Attribute>& properties, const std::string& key, const std::string& value) {
  for (auto& p : properties)
    if (p.key == key) {
      p.value = value;
      return;
    }
  properties.push_back({key, value});
}

std::string PropertyOf(const std::vector<Attribute>& properties, const std::string& key) {
  for (const auto& p : properties)
    if (p.key == key) return p.value;
  return "";
}

bool IsSpecFileClassifier(const std::string& classifier) {
  return classifier == "raml" || classifier == "oas" || classifier == "raml-fragment" || classifier == "wsdl";
}

std::string ExpectedFormat(const std::string& classifier) {
  if (classifier == "raml" || classifier == "raml-fragment") return "raml";
  return classifier;  // oas, wsdl
}

// The type the first uploaded file's classifier implies, if any (the POM implies none).
std::optional<std::string> TypeOfFiles(const std::vector<UploadedFile>& files) {
  for (const auto& f : files)
    if (auto type = f.packaging == "pom" ? std::nullopt : assets::InferTypeFromClassifier(f.classifier)) return type;
  return std::nullopt;
}

}  // namespace

std::string Publisher::RequestedType(const PublicationRequest& request) {
  if (request.type && !Trim(*request.type).empty()) return assets::NormalizeTypeName(Trim(*request.type)).value_or("");
  return TypeOfFiles(request.files).value_or("");
}

const std::vector<std::string>& Publisher::Steps() {
  static const std::vector<std::string> kSteps = {"Files processing",   "Inferring type", "Validating metadata",
                                                  "Validating files",   "Packaging",      "Storing asset"};
  return kSteps;
}

Publisher::Publisher(storage::MetadataStore& metadata, storage::BlobStore& blobs, BlobReaper& reaper,
                     PublisherOptions options)
    : metadata_(metadata), blobs_(blobs), reaper_(reaper), options_(options), verdicts_(options.spec_verdict_cache_bytes) {}

// One execution of the pipeline; holds the working state so each step is a small method.
class Publisher::Run {
 public:
  Run(Publisher& publisher, const PublicationRequest& request, const StepObserver& observe)
      : p_(publisher), request_(request), observe_(observe), lease_(publisher.reaper_) {}

  Result<AssetVersion> Execute() {
    AGORA_RETURN_IF_ERROR(ValidateAndCheckCompatibility());
    if (compatibility_ && compatibility_->Refused()) {
      Status refused = Status::Conflict(
          "INCOMPATIBLE_VERSION",
          request_.coordinates.ToString() + " breaks clients of an earlier version, which the compatibility rule " +
              std::string(CompatibilityRuleName(compatibility_->rule.rule)) + " forbids for a minor or patch version",
          compatibility_->Errors());
      refused.WithDetails("{\"compatibility\":" + compatibility_->ToJson(request_.coordinates) + "}");
      return refused;
    }
    Enter(kPackaging);
    AGORA_RETURN_IF_ERROR(RecordUploadedFiles());
    AGORA_RETURN_IF_ERROR(PackageSpec());
    AGORA_RETURN_IF_ERROR(StorePom());
    InheritIcon();
    Enter(kStoring);
    AGORA_RETURN_IF_ERROR(p_.metadata_.PutVersion(version_));
    lease_.Release(/*sweep=*/false);
    return version_;
  }

  // The pipeline up to the compatibility check, storing nothing, with a report against the
  // previous version of the major even when no rule applies.
  Result<CompatibilityCheck> DryRun() {
    dry_run_ = true;
    AGORA_RETURN_IF_ERROR(ValidateAndCheckCompatibility());
    if (!compatibility_) {
      CompatibilityCheck none;
      AGORA_ASSIGN_OR_RETURN(none.rule, EffectiveRule(p_.metadata_, request_.organization_id,
                                                      request_.coordinates.group_id, request_.coordinates.asset_id));
      return none;
    }
    return *compatibility_;
  }

 private:
  Status ValidateAndCheckCompatibility() {
    Enter(kFiles);
    AGORA_RETURN_IF_ERROR(assets::ValidateCoordinates(request_.coordinates));
    AGORA_RETURN_IF_ERROR(CheckFileIdentifiers());
    AGORA_RETURN_IF_ERROR(MergeFormAndPom());
    Enter(kType);
    AGORA_RETURN_IF_ERROR(ResolveType());
    Enter(kMetadata);
    AGORA_RETURN_IF_ERROR(BuildMetadata());
    AGORA_RETURN_IF_ERROR(CheckTagKeys());
    AGORA_RETURN_IF_ERROR(CheckAgainstExistingVersions());
    AGORA_RETURN_IF_ERROR(ResolveDependencies());
    Enter(kValidation);
    AGORA_RETURN_IF_ERROR(ValidateFiles());
    return CheckCompatibilityRule();
  }

  // The compatibility rule in force (docs/compatibility.md), for versions with an API model.
  Status CheckCompatibilityRule() {
    if (version_.api_model.empty()) return Status::Ok();
    AGORA_ASSIGN_OR_RETURN(compatibility_, CheckCompatibility(p_.metadata_, request_.organization_id,
                                                              request_.coordinates, version_.api_model, dry_run_));
    return Status::Ok();
  }

  void Enter(Step step) {
    if (observe_) observe_(step);
  }

  // The icon belongs to the asset (PUT .../assets/{groupId}/{assetId}/icon): a version that brings
  // none holds the asset's, as every other version does. The blob of an icon being replaced at
  // this moment is not swept at once (exchange/icon_api.cpp), so the one read here stays.
  void InheritIcon() {
    if (!asset_icon_) return;
    if (std::none_of(version_.files.begin(), version_.files.end(), [](const AssetFile& f) { return f.classifier == "icon"; }))
      version_.files.push_back(*asset_icon_);
  }

  Status CheckFileIdentifiers() {
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& f : request_.files) {
      // A Maven project's main artifact has no classifier: only its packaging is checked.
      const bool unclassified = request_.from_maven && f.classifier.empty();
      if (f.packaging != "pom")
        AGORA_RETURN_IF_ERROR(assets::ValidateFileIdentifier(unclassified ? f.packaging : f.classifier, f.packaging));
      if (!seen.insert({f.classifier, f.packaging}).second)
        return Invalid("INVALID_FILE_IDENTIFIER_ERROR",
                       "File files." + f.classifier + "." + f.packaging + " was sent more than once");
    }
    return Status::Ok();
  }

  // The POM method: the POM's coordinates must be the path's, and no property may come from both.
  Status MergeFormAndPom() {
    meta_.name = request_.name;
    meta_.description = request_.description;
    meta_.type = request_.type;
    meta_.keywords = request_.keywords;
    meta_.tags = request_.tags;
    meta_.contact_name = request_.contact_name;
    meta_.contact_email = request_.contact_email;
    meta_.status = request_.status;
    meta_.dependencies = request_.dependencies.value_or("");
    meta_.properties = request_.properties;
    meta_.categories = request_.categories;
    meta_.fields = request_.fields;
    const UploadedFile* pom_file = request_.Pom();
    if (!pom_file || request_.from_maven) return Status::Ok();
    AGORA_ASSIGN_OR_RETURN(packaging::PomModel pom, ReadPom(*pom_file));
    const Coordinates& c = request_.coordinates;
    if (pom.group_id != c.group_id || pom.artifact_id != c.asset_id || pom.version != c.version) {
      return Invalid("POM_COORDINATES_MISMATCH",
                     "The POM's coordinates " + pom.group_id + ":" + pom.artifact_id + ":" + pom.version +
                         " do not match the request path's " + c.ToString());
    }
    return ApplyPom(pom);
  }

  Result<packaging::PomModel> ReadPom(const UploadedFile& pom_file) {
    if (pom_file.blob.size > p_.options_.max_pom_bytes)
      return Invalid("INVALID_POM", "The POM file is larger than " + std::to_string(p_.options_.max_pom_bytes) + " bytes");
    AGORA_ASSIGN_OR_RETURN(std::string text, ReadBlob(pom_file.blob.sha256, p_.options_.max_pom_bytes));
    return packaging::ParsePom(text);
  }

  Status ApplyPom(const packaging::PomModel& pom) {
    std::vector<std::string> duplicated;
    auto take = [&](const char* field, std::optional<std::string>& target, const std::string& value) {
      if (value.empty()) return;
      if (target) duplicated.push_back(field);
      target = value;
    };
    take("name", meta_.name, pom.name);
    take("description", meta_.description, pom.description);
    for (const auto& property : pom.properties) {
      if (property.key == "type") take("type", meta_.type, property.value);
      else if (property.key == "keywords") take("keywords", meta_.keywords, property.value);
      else if (property.key == "tags") take("tags", meta_.tags, property.value);
      else if (property.key == "contactName") take("contactName", meta_.contact_name, property.value);
      else if (property.key == "contactEmail") take("contactEmail", meta_.contact_email, property.value);
      else if (property.key == "status") take("status", meta_.status, property.value);
      else if (!PropertyOf(meta_.properties, property.key).empty()) duplicated.push_back("properties." + property.key);
      else meta_.properties.push_back(property);
    }
    for (const auto& [prefix, from_pom, target] : {std::tuple{"categories.", &pom.categories, &meta_.categories},
                                                   std::tuple{"fields.", &pom.fields, &meta_.fields}}) {
      for (const auto& item : *from_pom) {
        const bool in_form = std::any_of(target->begin(), target->end(), [&](const KeyValues& kv) { return kv.key == item.key; });
        if (in_form) duplicated.push_back(prefix + item.key);
        else target->push_back({item.key, item.value});
      }
    }
    if (!pom.dependencies.empty()) {
      if (!meta_.dependencies.empty()) duplicated.push_back("dependencies");
      std::string list;
      for (const auto& d : pom.dependencies)
        list += (list.empty() ? "" : ",") + d.group_id + ":" + d.artifact_id + ":" + d.version;
      meta_.dependencies = list;
    }
    if (duplicated.empty()) return Status::Ok();
    std::string names;
    for (const auto& n : duplicated) names += (names.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("DUPLICATED_PROPERTIES",
                                   "Asset properties were defined both in the form and in the POM: " + names,
                                   duplicated);
  }

  Status ResolveType() {
    if (meta_.type && !Trim(*meta_.type).empty()) {
      const auto type = assets::NormalizeTypeName(Trim(*meta_.type));
      if (!type) return Invalid("INVALID_ASSET_TYPE", "Unknown asset type '" + *meta_.type + "'");
      version_.type = *type;
      return Status::Ok();
    }
    if (auto type = TypeOfFiles(request_.files)) {
      version_.type = *type;
      return Status::Ok();
    }
    return Invalid("COULD_NOT_DETERMINE_ASSET_TYPE",
                   "The asset type could not be determined: send the type field or a file whose classifier "
                   "implies it (files.raml.zip, files.oas.zip, files.wsdl.zip, ...)");
  }

  Status BuildMetadata() {
    const std::string name = Trim(meta_.name.value_or(""));
    if (name.empty()) return MissingProperty("name");
    const std::string status = Trim(meta_.status.value_or("published"));
    AGORA_RETURN_IF_ERROR(assets::CheckLifecycleAtCreation(status));
    version_.organization_id = request_.organization_id;
    version_.coordinates = request_.coordinates;
    version_.name = name;
    version_.description = meta_.description.value_or("");
    version_.status = assets::ParseLifecycle(status).value_or(assets::Lifecycle::kPublished);
    version_.contact_name = Trim(meta_.contact_name.value_or(""));
    version_.contact_email = Trim(meta_.contact_email.value_or(""));
    version_.keywords = SplitList(meta_.keywords.value_or(""));
    version_.tags = SplitList(meta_.tags.value_or(""));
    for (auto p : meta_.properties) {
      p.value = Trim(p.value);
      if (p.key != "dependencies") SetProperty(version_.properties, p.key, p.value);
    }
    version_.created_by = request_.created_by;
    version_.created_millis = version_.updated_millis = NowMillis();
    const auto& info = assets::AssetTypeInfoFor(version_.type);
    if (info.requires_api_version && version_.Property("apiVersion").empty()) return MissingProperty("apiVersion");
    return CheckFilesForType(info);
  }

  // Categories and custom fields must be defined by the organisation before assets use them.
  Status CheckTagKeys() {
    if (meta_.categories.empty() && meta_.fields.empty()) return Status::Ok();
    for (const auto& [kind, sent, target] :
         {std::tuple{"category", &meta_.categories, &version_.categories},
          std::tuple{"field", &meta_.fields, &version_.fields}}) {
      AGORA_ASSIGN_OR_RETURN(auto definitions, p_.metadata_.ListTagDefinitions(request_.organization_id, kind));
      for (const auto& item : *sent) {
        assets::TagValue value{item.key, SplitValues(item.value)};
        // A key sent in several parts (a form's checkboxes, one part each) is one list of values.
        const auto earlier = std::find_if(target->begin(), target->end(), [&](const auto& t) { return t.key == item.key; });
        if (earlier != target->end()) {
          value.values.insert(value.values.begin(), earlier->values.begin(), earlier->values.end());
          target->erase(earlier);
        }
        AGORA_RETURN_IF_ERROR(CheckTagValue(definitions, kind, version_.type, value));
        if (!value.values.empty()) target->push_back(std::move(value));
      }
    }
    return Status::Ok();
  }

  Status CheckFilesForType(const assets::AssetTypeInfo& info) {
    AGORA_RETURN_IF_ERROR(CheckSpecificationFiles());
    const bool has_link = !version_.Property("assetLink").empty();
    if (info.requires_file && !(info.allows_asset_link && has_link) && ContentFiles().empty()) {
      std::string expected;
      for (const auto& classifier : assets::ClassifiersOf(version_.type))
        expected += (expected.empty() ? "files." : " or files.") + classifier + ".*";
      return Invalid("MISSING_FILES_ERROR", "An asset of type " + version_.type + " needs a file" +
                                                (expected.empty() ? "" : " (" + expected + ")") +
                                                (info.allows_asset_link ? " or properties.assetLink" : "") +
                                                ", none was uploaded");
    }
    return Status::Ok();
  }

  // A version holds at most one specification, in a format its type can have: a REST API its RAML
  // or OAS (and nothing else stands in for it), a SOAP API its WSDL, a fragment RAML or OAS (Exchange
  // keeps OAS components as fragments too), an HTTP API none. Other types carry files of their own.
  Status CheckSpecificationFiles() {
    static const std::map<std::string, std::set<std::string>> kFormats = {
        {"rest-api", {"raml", "oas"}}, {"soap-api", {"wsdl"}}, {"raml-fragment", {"raml-fragment", "raml", "oas"}},
        {"http-api", {}}};
    std::set<std::string> sent;
    for (const auto* f : ContentFiles())
      if (IsSpecFileClassifier(f->classifier)) sent.insert(f->classifier);
    if (sent.size() > 1) {
      return Invalid("INVALID_FILES", "A version holds one specification; files." + *sent.begin() + " and files." +
                                          *std::next(sent.begin()) + " were both sent");
    }
    const auto formats = kFormats.find(version_.type);
    if (formats == kFormats.end()) return Status::Ok();
    if (!sent.empty() && !formats->second.count(*sent.begin())) {
      return Invalid("INVALID_ASSET_TYPE", "An asset of type " + version_.type + " cannot hold a files." +
                                               *sent.begin() + " specification");
    }
    if (version_.type == "rest-api" && sent.empty())
      return Invalid("MISSING_FILES_ERROR", "A REST API needs its specification: files.raml.* or files.oas.*");
    return Status::Ok();
  }

  Status MissingProperty(const std::string& property) {
    return Status::InvalidArgument("MISSING_REQUIRED_PROPERTIES", "Missing required property: " + property,
                                   {property});
  }

  // The uploaded files other than the POM.
  std::vector<const UploadedFile*> ContentFiles() const {
    std::vector<const UploadedFile*> files;
    for (const auto& f : request_.files)
      if (f.packaging != "pom") files.push_back(&f);
    return files;
  }

  // The store answers with one version per major version rather than every version, so that
  // publishing into an asset with thousands of versions costs what publishing into a new one does.
  Status CheckAgainstExistingVersions() {
    const auto& c = request_.coordinates;
    AGORA_ASSIGN_OR_RETURN(auto facts, p_.metadata_.GetVersionRuleFacts(
                                           c.group_id, c.asset_id, c.version,
                                           assets::AssetTypeInfoFor(version_.type).requires_api_version));
    if (!facts.type.empty() && facts.type != version_.type) {
      return Invalid("INVALID_ASSET_TYPE",
                     "Asset " + c.group_id + ":" + c.asset_id + " is of type " + facts.type + ", not " + version_.type);
    }
    // A development version is replaced; a published or deprecated one stays.
    if (facts.same_version && *facts.same_version != assets::Lifecycle::kDevelopment) return PreconditionsFailed();
    // Name, description and contact belong to the asset: a later version's are ignored, as in
    // Exchange (PATCH .../assets/{groupId}/{assetId} changes them).
    if (facts.details) {
      asset_icon_ = facts.details->icon;
      version_.name = facts.details->name;
      version_.description = facts.details->description;
      version_.contact_name = facts.details->contact_name;
      version_.contact_email = facts.details->contact_email;
    } else {
      // The first version sets them, within the limits PATCH .../assets/{groupId}/{assetId}
      // keeps to: a publication cannot bring in what an edit may not. A later version's are
      // ignored, so they are not checked (a Maven deploy sends the stored ones back).
      for (const auto& [input, value] :
           {std::pair{"name", &version_.name}, std::pair{"description", &version_.description},
            std::pair{"contactName", &version_.contact_name}, std::pair{"contactEmail", &version_.contact_email}})
        AGORA_RETURN_IF_ERROR(assets::CheckAssetDetail(input, *value));
    }
    if (!assets::AssetTypeInfoFor(version_.type).requires_api_version) return Status::Ok();
    std::vector<std::pair<std::string, std::string>> api_versions;
    for (const auto& v : facts.majors) api_versions.emplace_back(v.version, v.api_version);
    return assets::CheckApiVersion(version_.type, request_.coordinates.version, version_.Property("apiVersion"),
                                   api_versions);
  }

  Status PreconditionsFailed() {
    return Status::Conflict("ASSET_PRE_CONDITIONS_FAILED",
                            "Cannot create a new asset with the provided groupId, assetId, version, state",
                            {"An asset already exists with this version and published lifecycle state."});
  }

  Status ResolveDependencies() {
    if (meta_.dependencies.empty()) return CheckApiGroupMembers();
    AGORA_ASSIGN_OR_RETURN(version_.dependencies, assets::ParseDependencyList(meta_.dependencies));
    if (version_.dependencies.size() > assets::kMaxDependencies) {
      return Invalid("TOO_MANY_DEPENDENCIES", "An asset may declare at most " +
                                                  std::to_string(assets::kMaxDependencies) + " dependencies, got " +
                                                  std::to_string(version_.dependencies.size()));
    }
    std::vector<std::pair<std::string, assets::Lifecycle>> statuses;
    for (const auto& dependency : version_.dependencies) {
      if (dependency.group_id == request_.coordinates.group_id && dependency.asset_id == request_.coordinates.asset_id)
        return Invalid("INVALID_DEPENDENCY", "An asset cannot depend on itself: " + dependency.ToString());
      auto found = p_.metadata_.GetVersion(dependency);
      if (!found.ok() && found.status().kind() != Status::Kind::kNotFound) return found.status();
      if (!found.ok() || found->organization_id != request_.organization_id) {
        return Invalid("DEPENDENCY_NOT_FOUND", "Dependency " + dependency.ToString() + " does not exist");
      }
      statuses.emplace_back(dependency.ToString(), found->status);
      dependency_versions_.push_back(std::move(found).value());
    }
    AGORA_RETURN_IF_ERROR(CheckApiGroupMembers());
    return assets::CheckDependencyStatuses(version_.status, statuses);
  }

  // An API group bundles APIs: its dependencies are its members, and there must be some.
  Status CheckApiGroupMembers() {
    if (version_.type != "api-group") return Status::Ok();
    if (dependency_versions_.empty()) return MissingProperty("dependencies");
    for (const auto& member : dependency_versions_) {
      if (!assets::AssetTypeInfoFor(member.type).requires_api_version || member.type == "api-group") {
        return Invalid("INVALID_DEPENDENCY", "An API group bundles APIs; " + member.coordinates.ToString() +
                                                 " is of type " + member.type);
      }
    }
    return Status::Ok();
  }

  // The spec file of an API asset (the raml/oas/raml-fragment/wsdl upload), if any.
  const UploadedFile* SpecFile() const {
    for (const UploadedFile* f : ContentFiles())
      if (IsSpecFileClassifier(f->classifier)) return f;
    return nullptr;
  }

  // Finds the main file, then reads the whole spec as its consumers will (includes, references,
  // and the dependencies' content under exchange_modules/), refuses an invalid one unless
  // x-file-validation is false, and keeps its model for .../api/model and search.
  Status ValidateFiles() {
    const UploadedFile* spec = SpecFile();
    if (!spec) return Status::Ok();
    AGORA_ASSIGN_OR_RETURN(std::string path, LocalPath(spec->blob.sha256));
    spec_is_zip_ = packaging::IsZipFile(path);
    if (spec->packaging == "zip" && !spec_is_zip_)
      return Invalid("INVALID_ZIP", "files." + spec->classifier + ".zip is not a zip archive");
    if (spec_is_zip_) {
      AGORA_RETURN_IF_ERROR(FindMainFileInZip(*spec, path));
    } else {
      main_file_ = version_.Property("mainFile");
      if (main_file_.empty()) main_file_ = SingleFileName(*spec);
    }
    SetProperty(version_.properties, "mainFile", main_file_);
    AGORA_RETURN_IF_ERROR(CollectDependencyClosure());
    AGORA_ASSIGN_OR_RETURN(std::shared_ptr<const SpecVerdict> verdict, Verdict(path));
    // Content that is no spec at all is left to the reader, which says where it stops parsing.
    if (request_.validate_files && !verdict->format.empty() && verdict->format != ExpectedFormat(spec->classifier)) {
      return Invalid("INVALID_SPEC", "The main file " + main_file_ + " is not a valid " +
                                         ExpectedFormat(spec->classifier) + " specification");
    }
    if (request_.validate_files && !verdict->problems.empty()) {
      const auto& problems = verdict->problems;
      return Status::InvalidArgument("INVALID_SPEC",
                                     "The specification " + main_file_ + " is invalid: " + problems.front() +
                                         (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more)" : ""),
                                     problems);
    }
    AGORA_RETURN_IF_ERROR(CheckFormatAllowed(*verdict));
    version_.original_format = verdict->format;
    version_.original_format_version = verdict->format_version;
    version_.api_model = verdict->model_json;
    version_.api_terms = verdict->search_terms;
    return Status::Ok();
  }

  // x-allowed-api-spec-formats. Checked after the spec was read, as its version is known only then.
  Status CheckFormatAllowed(const SpecVerdict& verdict) const {
    if (request_.AllowsSpecFormat(verdict.format, verdict.format_version)) return Status::Ok();
    const std::string what = verdict.format.empty()
                                 ? "is of no known format"
                                 : "is " + PublicationRequest::SpecMediaType(verdict.format, verdict.format_version);
    std::string allowed;
    for (const auto& format : request_.allowed_spec_formats) allowed += (allowed.empty() ? "" : ", ") + format;
    return Invalid("API_SPEC_FORMAT_NOT_ALLOWED", "The specification " + main_file_ + " " + what +
                                                      ", which x-allowed-api-spec-formats does not allow (" + allowed + ")");
  }

  // The remembered verdict on this content, or a new reading of it.
  Result<std::shared_ptr<const SpecVerdict>> Verdict(const std::string& path) {
    const std::string key = VerdictKey();
    if (auto remembered = p_.verdicts_.Find(key)) return remembered;
    AGORA_ASSIGN_OR_RETURN(std::string content, spec_is_zip_
                                                    ? packaging::ReadZipEntry(path, main_file_, p_.options_.max_spec_file_bytes)
                                                    : ReadBlob(SpecFile()->blob.sha256, p_.options_.max_spec_file_bytes));
    const SpecReading reading = Reading(path);
    std::shared_ptr<const SpecVerdict> verdict;
    if (p_.options_.spec_readers) {
      AGORA_ASSIGN_OR_RETURN(SpecVerdict read, p_.options_.spec_readers->Read(reading));
      verdict = std::make_shared<const SpecVerdict>(std::move(read));
    } else {
      verdict = std::make_shared<const SpecVerdict>(ReadSpecVerdict(reading, content));
    }
    // Only a clean reading is remembered: a reader reports a file it failed to read (a transient
    // I/O error, say) as a problem of the spec, which must not outlive this request.
    if (verdict->problems.empty()) p_.verdicts_.Remember(key, verdict);
    return verdict;
  }

  SpecReading Reading(const std::string& path) const {
    SpecReading reading{main_file_, {path, spec_is_zip_, spec_is_zip_ ? "" : main_file_}, {}, p_.options_.max_spec_file_bytes};
    for (const auto& d : closure_) {
      const auto& c = d.coordinates;
      reading.dependencies[c.group_id + "/" + c.asset_id + "/" + c.version] = {d.content.path, d.content.is_zip,
                                                                                d.content.single_file_name};
    }
    return reading;
  }

  // Everything a reading reads, by content: the same key always yields the same verdict. Each
  // field is length-prefixed, so names holding separators cannot make two inputs look alike.
  std::string VerdictKey() const {
    std::string key;
    auto field = [&key](const std::string& value) { key += std::to_string(value.size()) + ":" + value; };
    field(SpecFile()->blob.sha256);
    field(spec_is_zip_ ? "zip" : "file");
    field(main_file_);
    field(std::to_string(p_.options_.max_spec_file_bytes));
    for (size_t i = 0; i < closure_.size(); ++i) {
      const auto& d = closure_[i];
      field(d.coordinates.ToString());
      field(closure_sha256_[i]);
      field(d.content.is_zip ? "zip" : "file");
      field(d.content.single_file_name);
    }
    return key;
  }

  std::string SingleFileName(const UploadedFile& file) const {
    if (!file.file_name.empty() && file.file_name.find_first_of("/\\") == std::string::npos) return file.file_name;
    return request_.coordinates.asset_id + "." + file.packaging;
  }

  // Sets main_file_: properties.mainFile, or inferred from the zip's root entries.
  Status FindMainFileInZip(const UploadedFile& spec, const std::string& path) {
    packaging::ZipLimits limits;
    limits.max_entries = p_.options_.max_zip_entries;
    limits.max_total_uncompressed = p_.options_.max_zip_uncompressed_bytes;
    AGORA_ASSIGN_OR_RETURN(std::vector<packaging::ZipEntry> entries, packaging::InspectZip(path, limits));
    main_file_ = version_.Property("mainFile");
    if (main_file_.empty()) {
      AGORA_ASSIGN_OR_RETURN(main_file_, InferMainFile(spec, entries));
    }
    if (main_file_.find('/') != std::string::npos)
      return Invalid("INVALID_MAIN_FILE", "The main file " + main_file_ + " must be in the root folder of the zip");
    const bool present = std::any_of(entries.begin(), entries.end(),
                                     [&](const packaging::ZipEntry& e) { return !e.is_directory && e.name == main_file_; });
    if (!present) return Invalid("INVALID_MAIN_FILE", "The main file " + main_file_ + " is not in the zip's root folder");
    return Status::Ok();
  }

  // Without properties.mainFile, the only root-level file with the spec's extension is the main file.
  Result<std::string> InferMainFile(const UploadedFile& spec, const std::vector<packaging::ZipEntry>& entries) {
    std::vector<std::string> candidates;
    for (const auto& e : entries) {
      if (e.is_directory || e.name.find('/') != std::string::npos || e.name == "exchange.json") continue;
      const auto dot = e.name.rfind('.');
      const std::string ext = dot == std::string::npos ? "" : e.name.substr(dot + 1);
      const bool matches = ExpectedFormat(spec.classifier) == "raml" ? ext == "raml"
                           : spec.classifier == "wsdl"               ? ext == "wsdl"
                                                                     : (ext == "yaml" || ext == "yml" || ext == "json");
      if (matches) candidates.push_back(e.name);
    }
    if (candidates.size() == 1) return candidates.front();
    return MissingProperty("mainFile");
  }

  Result<std::string> ReadBlob(const std::string& sha256, uint64_t limit) {
    auto content = storage::ReadBlob(p_.blobs_, sha256, limit);
    if (content.status().kind() == Status::Kind::kPayloadTooLarge)
      return Invalid("INVALID_FILE", "File is larger than " + std::to_string(limit) + " bytes");
    return content;
  }

  AssetFile ToAssetFile(const UploadedFile& f, const storage::BlobInfo& blob) const {
    AssetFile file;
    file.classifier = f.classifier;
    file.packaging = f.packaging;
    file.sha256 = blob.sha256;
    file.md5 = blob.md5;
    file.sha1 = blob.sha1;
    file.size = blob.size;
    file.created_millis = version_.created_millis;
    return file;
  }

  Status RecordUploadedFiles() {
    for (const UploadedFile& f : request_.files) {
      AssetFile file = ToAssetFile(f, f.blob);
      if (&f == SpecFile()) file.main_file = main_file_;
      version_.files.push_back(std::move(file));
    }
    return Status::Ok();
  }

  bool GetsExchangeJson() const {
    const UploadedFile* spec = SpecFile();
    return spec && spec->classifier != "wsdl" &&
           (version_.type == "rest-api" || version_.type == "raml-fragment");
  }

  std::string ExchangeJson() const {
    packaging::ExchangeDescriptor d;
    d.main = main_file_;
    d.name = version_.name;
    d.classifier = SpecFile()->classifier;
    d.tags = version_.tags;
    d.group_id = version_.coordinates.group_id;
    d.asset_id = version_.coordinates.asset_id;
    d.version = version_.coordinates.version;
    d.api_version = version_.Property("apiVersion");
    d.dependencies = version_.dependencies;
    d.organization_id = version_.organization_id;
    d.original_format = version_.original_format;
    d.original_format_version = version_.original_format_version;
    return packaging::ToExchangeJson(d);
  }

  // exchange.json goes into the uploaded archive, and the fat package adds every dependency.
  Status PackageSpec() {
    if (!GetsExchangeJson()) return Status::Ok();
    const UploadedFile& spec = *SpecFile();
    const std::string exchange_json = ExchangeJson();
    AGORA_ASSIGN_OR_RETURN(std::string spec_path, LocalPath(spec.blob.sha256));
    packaging::PackageContent base{spec_path, spec_is_zip_, spec_is_zip_ ? "" : main_file_};
    AssetFile* stored = FindFile(spec.classifier, spec.packaging);
    uint64_t input_bytes = spec.blob.size;
    for (const auto& dependency : closure_) {
      std::error_code error;
      const uint64_t size = std::filesystem::file_size(dependency.content.path, error);
      input_bytes += error ? UINT64_MAX / 2 : size;
    }
    const bool in_memory = input_bytes <= p_.options_.max_in_memory_package_bytes;
    if (spec_is_zip_) {
      // The upload's copies of the dependencies read at validation (the closure) give way to them.
      std::vector<assets::Coordinates> dependencies;
      for (const auto& dependency : closure_) dependencies.push_back(dependency.coordinates);
      AGORA_ASSIGN_OR_RETURN(storage::BlobInfo rewritten, StorePackage(in_memory, [&](const std::string& dest) {
        return packaging::RewriteSpecArchive(spec_path, dest, exchange_json, dependencies);
      }));
      *stored = ToAssetFile(spec, rewritten);
      stored->main_file = main_file_;
      AGORA_ASSIGN_OR_RETURN(base.path, LocalPath(rewritten.sha256));
    }

    AGORA_ASSIGN_OR_RETURN(storage::BlobInfo fat, StorePackage(in_memory, [&](const std::string& dest) {
      return packaging::BuildFatPackage(base, exchange_json, closure_, dest);
    }));
    UploadedFile fat_file{"fat-" + spec.classifier, "zip", "", fat};
    AssetFile fat_record = ToAssetFile(fat_file, fat);
    fat_record.main_file = main_file_;
    version_.files.push_back(std::move(fat_record));
    return Status::Ok();
  }

  // Builds a package with `build` (given its destination: empty for memory) and stores it as a
  // blob pinned by this run: from memory through the store's writer, which hashes the bytes as
  // it takes them and writes them once; from a scratch file by adopting it.
  template <typename Build>
  Result<storage::BlobInfo> StorePackage(bool in_memory, const Build& build) {
    if (in_memory) {
      AGORA_ASSIGN_OR_RETURN(std::string bytes, build(""));
      AGORA_ASSIGN_OR_RETURN(auto writer, p_.blobs_.NewWriter());
      AGORA_RETURN_IF_ERROR(writer->Append(bytes.data(), bytes.size()));
      return lease_.Commit(*writer);
    }
    const std::string scratch = p_.blobs_.NewScratchPath(".zip");
    AGORA_RETURN_IF_ERROR(build(scratch).status());
    return lease_.Adopt(scratch);
  }

  AssetFile* FindFile(const std::string& classifier, const std::string& packaging) {
    for (auto& f : version_.files)
      if (f.classifier == classifier && f.packaging == packaging) return &f;
    return nullptr;
  }

  // Every dependency, transitively, once each, with its spec content, into closure_.
  Status CollectDependencyClosure() {
    std::set<std::string> seen;
    std::deque<AssetVersion> queue(dependency_versions_.begin(), dependency_versions_.end());
    while (!queue.empty()) {
      AssetVersion dependency = std::move(queue.front());
      queue.pop_front();
      if (!seen.insert(dependency.coordinates.ToString()).second) continue;
      AGORA_RETURN_IF_ERROR(AddDependencyContent(dependency));
      for (const auto& next : dependency.dependencies) {
        if (seen.count(next.ToString())) continue;
        auto found = p_.metadata_.GetVersion(next);
        if (!found.ok()) return Invalid("DEPENDENCY_NOT_FOUND", "Transitive dependency " + next.ToString() + " does not exist");
        queue.push_back(std::move(found).value());
      }
    }
    return Status::Ok();
  }

  Status AddDependencyContent(const AssetVersion& dependency) {
    for (const auto& file : dependency.files) {
      if (!IsSpecFileClassifier(file.classifier)) continue;
      AGORA_ASSIGN_OR_RETURN(std::string path, LocalPath(file.sha256));
      const bool is_zip = packaging::IsZipFile(path);
      std::string name = file.main_file.empty() ? dependency.coordinates.asset_id + "." + file.packaging : file.main_file;
      closure_.push_back({dependency.coordinates, {path, is_zip, is_zip ? "" : name}});
      closure_sha256_.push_back(file.sha256);
      return Status::Ok();
    }
    return Status::Ok();  // a dependency without spec content (e.g. a custom asset) adds nothing
  }

  // Each dependency's main file (its first classified file that is not a derived fat package), so
  // that the generated POM leads Maven to a file that exists.
  std::vector<packaging::PomDependency> TypedDependencies() const {
    std::vector<packaging::PomDependency> typed;
    for (const auto& d : dependency_versions_) {
      for (const auto& f : d.files) {
        if (f.classifier.empty() || f.classifier.rfind("fat-", 0) == 0) continue;
        const auto& c = d.coordinates;
        typed.push_back({c.group_id, c.asset_id, c.version, f.classifier, f.packaging});
        break;
      }
    }
    return typed;
  }

  // A local file of the blob, kept (in the S3 store's cache) until the run ends.
  Result<std::string> LocalPath(const std::string& sha256) {
    AGORA_ASSIGN_OR_RETURN(storage::LocalBlob blob, p_.blobs_.Fetch(sha256));
    held_.push_back(blob);
    return blob.path();
  }

  Status StorePom() {
    if (request_.Pom()) return Status::Ok();  // recorded with the uploaded files
    const std::string pom = packaging::GeneratePom(version_, TypedDependencies());
    AGORA_ASSIGN_OR_RETURN(auto writer, p_.blobs_.NewWriter());
    AGORA_RETURN_IF_ERROR(writer->Append(pom.data(), pom.size()));
    AGORA_ASSIGN_OR_RETURN(storage::BlobInfo blob, lease_.Commit(*writer));
    version_.files.push_back(ToAssetFile(UploadedFile{"", "pom", "", blob}, blob));
    return Status::Ok();
  }

  Publisher& p_;
  const PublicationRequest& request_;
  const StepObserver& observe_;
  BlobLease lease_;  // blobs this run creates; swept if the run fails
  Metadata meta_;
  AssetVersion version_;
  std::vector<AssetVersion> dependency_versions_;
  std::vector<packaging::FatDependency> closure_;  // every dependency with spec content, transitively
  std::vector<std::string> closure_sha256_;        // the blob of each closure_ entry's content
  std::string main_file_;
  bool spec_is_zip_ = false;
  bool dry_run_ = false;
  std::optional<CompatibilityCheck> compatibility_;
  std::optional<AssetFile> asset_icon_;  // the icon the asset's other versions hold
  std::vector<storage::LocalBlob> held_;  // the files LocalPath handed out
};

Result<assets::AssetVersion> Publisher::Publish(const PublicationRequest& request, const StepObserver& observe) {
  Run run(*this, request, observe);
  auto published = run.Execute();
  outcomes_.Count(published.status());
  return published;
}

Result<CompatibilityCheck> Publisher::DryRun(const PublicationRequest& request) {
  const StepObserver no_observer;  // Run keeps a reference: it must outlive the run
  Run run(*this, request, no_observer);
  return run.DryRun();
}

}  // namespace agora::publication
