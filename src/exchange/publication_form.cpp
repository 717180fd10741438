#include "exchange/publication_form.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

#include "assets/asset_type.h"

namespace agora::exchange {
namespace {

const char* const kTextFields[] = {"name",     "description", "type",         "keywords",     "tags",
                                   "dependencies", "contactName", "contactEmail", "status"};

bool IsTextField(const std::string& field) {
  return std::find(std::begin(kTextFields), std::end(kTextFields), field) != std::end(kTextFields);
}

bool StartsWith(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

std::string JoinList(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "," + b;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
  return joined;
}

// categories / fields as JSON: [{"key": "k", "value": "v1, v2"}] (value may also be an array).
Result<std::vector<publication::KeyValues>> ParseKeyValuesJson(const std::string& field, const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  auto invalid = [&] {
    return Status::InvalidArgument("INVALID_ASSET_METADATA",
                                   field + " must be a JSON array of {\"key\", \"value\"} objects, each value a string, "
                                           "a number or a list of them");
  };
  if (ec || !value.is_array()) return invalid();
  std::vector<publication::KeyValues> items;
  for (const auto& item : value.as_array()) {
    const auto* object = item.if_object();
    const auto* key = object ? object->if_contains("key") : nullptr;
    const auto* val = object ? object->if_contains("value") : nullptr;
    if (!key || !key->is_string() || !val) return invalid();
    // A value is a string or a number (a number field's), or a list of them; anything else would
    // be dropped without a word.
    auto text = [](const boost::json::value& v) -> std::optional<std::string> {
      if (v.is_string()) return std::string(v.as_string());
      if (v.is_int64()) return std::to_string(v.as_int64());
      if (v.is_uint64()) return std::to_string(v.as_uint64());
      if (!v.is_double()) return std::nullopt;
      char digits[32];  // the shortest text that reads back as the number ("99.5", not "9.95E1")
      const auto end = std::to_chars(digits, digits + sizeof digits, v.as_double()).ptr;
      return std::string(digits, end);
    };
    std::string joined;
    if (auto single = text(*val)) {
      joined = *single;
    } else if (val->is_array()) {
      for (const auto& v : val->as_array()) {
        const auto item_text = text(v);
        if (!item_text) return invalid();
        joined = JoinList(joined, *item_text);
      }
    } else {
      return invalid();
    }
    items.push_back({std::string(key->as_string()), joined});
  }
  return items;
}

}  // namespace

PublicationForm::PublicationForm(storage::BlobStore& blobs, publication::BlobLease& lease,
                                 publication::PublicationRequest& request, LegacyAssetFields* legacy)
    : blobs_(blobs), lease_(lease), request_(request), legacy_(legacy) {}

Status PublicationForm::OnPartBegin(const server::MultipartPart& part) {
  field_ = part.name;
  text_.clear();
  kind_ = PartKind::kText;
  if (field_ == "files.pom" || field_ == "files.pom.xml") return BeginFile(field_, "", "pom", part);
  if (legacy_ && field_ == "asset") {
    const std::string name = part.filename.value_or("");
    const auto dot = name.rfind('.');
    return BeginFile(field_, "", dot == std::string::npos ? "" : name.substr(dot + 1), part);
  }
  static const char* const kLegacyFields[] = {"groupId", "assetId",    "version",  "organizationId",       "apiVersion",
                                              "main",    "classifier", "assetLink", "originalFormatVersion", "metadata"};
  if (legacy_ && std::find(std::begin(kLegacyFields), std::end(kLegacyFields), field_) != std::end(kLegacyFields))
    return Status::Ok();
  if (StartsWith(field_, "files.")) {
    const std::string identifier = field_.substr(6);
    const auto dot = identifier.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == identifier.size()) {
      bad_file_fields_.push_back(field_);
      kind_ = PartKind::kUnknown;
      return Status::Ok();
    }
    return BeginFile(field_, identifier.substr(0, dot), identifier.substr(dot + 1), part);
  }
  const bool known = IsTextField(field_) || field_ == "categories" || field_ == "fields" ||
                     (StartsWith(field_, "properties.") && field_.size() > 11) ||
                     (StartsWith(field_, "categories.") && field_.size() > 11) ||
                     (StartsWith(field_, "fields.") && field_.size() > 7);
  if (!known) {
    unknown_fields_.push_back(field_);
    kind_ = PartKind::kUnknown;
  }
  return Status::Ok();
}

Status PublicationForm::BeginFile(const std::string& field, const std::string& classifier,
                                  const std::string& packaging, const server::MultipartPart& part) {
  AGORA_ASSIGN_OR_RETURN(writer_, blobs_.NewWriter());
  file_ = publication::UploadedFile{classifier, packaging, part.filename.value_or(""), {}};
  kind_ = PartKind::kFile;
  return Status::Ok();
}

Status PublicationForm::OnPartData(const char* data, size_t size) {
  switch (kind_) {
    case PartKind::kFile:
      return writer_->Append(data, size);
    case PartKind::kText:
      text_bytes_ += size;
      if (text_bytes_ > kMaxTextBytes)
        return Status::PayloadTooLarge("The form's text fields exceed " + std::to_string(kMaxTextBytes) + " bytes");
      text_.append(data, size);
      return Status::Ok();
    case PartKind::kUnknown:
      return Status::Ok();  // reported by Finish; the data is discarded
  }
  return Status::Ok();
}

Status PublicationForm::OnPartEnd() {
  if (kind_ == PartKind::kFile) {
    AGORA_ASSIGN_OR_RETURN(file_.blob, lease_.Commit(*writer_));
    writer_.reset();
    request_.files.push_back(std::move(file_));
  } else if (kind_ == PartKind::kText) {
    AGORA_RETURN_IF_ERROR(StoreText(field_, std::move(text_)));
  }
  kind_ = PartKind::kUnknown;
  return Status::Ok();
}

// The legacy dialect's own fields; false for a field both dialects share.
bool PublicationForm::StoreLegacyText(const std::string& field, std::string& value) {
  auto& c = legacy_->coordinates;
  if (field == "groupId") c.group_id = std::move(value);
  else if (field == "assetId") c.asset_id = std::move(value);
  else if (field == "version") c.version = std::move(value);
  else if (field == "organizationId") legacy_->organization_ids.push_back(std::move(value));
  else if (field == "classifier") legacy_classifier_ = std::move(value);
  else if (field == "apiVersion") request_.properties.push_back({"apiVersion", std::move(value)});
  else if (field == "main") request_.properties.push_back({"mainFile", std::move(value)});
  else if (field == "dependencies") legacy_dependencies_ = std::move(value);
  else if (field == "assetLink") request_.properties.push_back({"assetLink", std::move(value)});
  // The spec's own reading gives the format version, and agora keeps no build metadata: both are
  // accepted as CreateAsset defines them, metadata only as a JSON object.
  else if (field == "originalFormatVersion") {}
  else if (field == "metadata") legacy_metadata_ = std::move(value);
  else return false;
  return true;
}

Status PublicationForm::StoreText(const std::string& field, std::string value) {
  if (legacy_ && StoreLegacyText(field, value)) return Status::Ok();
  auto& r = request_;
  if (field == "name") r.name = std::move(value);
  else if (field == "description") r.description = std::move(value);
  else if (field == "type") r.type = std::move(value);
  else if (field == "keywords") r.keywords = std::move(value);
  else if (field == "tags") r.tags = std::move(value);
  else if (field == "dependencies" || field == "properties.dependencies")
    r.dependencies = JoinList(r.dependencies.value_or(""), value);
  else if (field == "contactName") r.contact_name = std::move(value);
  else if (field == "contactEmail") r.contact_email = std::move(value);
  else if (field == "status") r.status = std::move(value);
  else if (field == "categories") { AGORA_ASSIGN_OR_RETURN(json_categories_, ParseKeyValuesJson(field, value)); }
  else if (field == "fields") { AGORA_ASSIGN_OR_RETURN(json_fields_, ParseKeyValuesJson(field, value)); }
  else if (StartsWith(field, "properties.")) r.properties.push_back({field.substr(11), std::move(value)});
  else if (StartsWith(field, "categories.")) r.categories.push_back({field.substr(11), std::move(value)});
  else if (StartsWith(field, "fields.")) r.fields.push_back({field.substr(7), std::move(value)});
  return Status::Ok();
}

// The file gets its classifier, and the JSON dependencies [{groupId, assetId, version}] become
// the usual "G:A:V" list.
Status PublicationForm::FinishLegacy() {
  if (legacy_metadata_) {
    boost::system::error_code ec;
    if (!boost::json::parse(*legacy_metadata_, ec).is_object() || ec)
      return Status::InvalidArgument("INVALID_ASSET_METADATA", "metadata must be a JSON object");
  }
  // The classifier names the type when no file does: http (an HTTP API, which has none), custom.
  if (!request_.type && !legacy_classifier_.empty())
    request_.type = legacy_classifier_ == "http" ? std::optional<std::string>("http-api")
                                                 : assets::InferTypeFromClassifier(legacy_classifier_);
  for (auto& file : request_.files)
    if (file.classifier.empty() && file.packaging != "pom") {
      if (legacy_classifier_.empty())
        return Status::InvalidArgument("INVALID_FILE_IDENTIFIER_ERROR", "The asset file needs a classifier field");
      file.classifier = legacy_classifier_;
    }
  if (!legacy_dependencies_ || legacy_dependencies_->empty()) return Status::Ok();
  const auto invalid = Status::InvalidArgument(
      "INVALID_DEPENDENCIES", "dependencies must be a JSON array of {groupId, assetId, version} objects");
  boost::system::error_code ec;
  const auto value = boost::json::parse(*legacy_dependencies_, ec);
  if (ec || !value.is_array()) return invalid;
  std::string list;
  for (const auto& item : value.as_array()) {
    const auto* o = item.if_object();
    if (!o) return invalid;
    std::string gav;
    for (const char* key : {"groupId", "assetId", "version"}) {
      const auto* part = o->if_contains(key);
      if (!part || !part->is_string()) return invalid;
      gav += (gav.empty() ? "" : ":") + std::string(part->as_string());
    }
    list = JoinList(list, gav);
  }
  request_.dependencies = JoinList(request_.dependencies.value_or(""), list);
  return Status::Ok();
}

Status PublicationForm::Finish() {
  if (legacy_) AGORA_RETURN_IF_ERROR(FinishLegacy());
  if (json_categories_) request_.categories = std::move(*json_categories_);
  if (json_fields_) request_.fields = std::move(*json_fields_);
  if (!bad_file_fields_.empty()) {
    return Status::InvalidArgument("INVALID_FILE_IDENTIFIER_ERROR",
                                   "File fields must be named files.<classifier>.<packaging>: " +
                                       JoinNames(bad_file_fields_),
                                   bad_file_fields_);
  }
  if (!unknown_fields_.empty()) {
    return Status::InvalidArgument("UNKNOWN_FORM_FIELDS", "Unknown form fields: " + JoinNames(unknown_fields_),
                                   unknown_fields_);
  }
  return Status::Ok();
}

}  // namespace agora::exchange
