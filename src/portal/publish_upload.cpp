#include "portal/publish_upload.h"

#include <boost/algorithm/string/trim.hpp>

#include <algorithm>
#include <cctype>

#include "assets/asset_type.h"

namespace agora::portal {
namespace {

// The API's own field names the form sends as they are.
constexpr const char* kApiFields[] = {"name", "description", "tags", "dependencies", "status", "contactName",
                                      "contactEmail", "properties.apiVersion", "properties.mainFile"};

// "Orders API.RAML" -> "raml"; a name without an extension is "bin".
std::string PackagingOf(const std::string& file_name) {
  const size_t dot = file_name.rfind('.');
  if (dot == std::string::npos || dot + 1 == file_name.size()) return "bin";
  std::string packaging = file_name.substr(dot + 1);
  std::transform(packaging.begin(), packaging.end(), packaging.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return packaging;
}

}  // namespace

const std::vector<PublishKind>& PublishKinds() {
  static const std::vector<PublishKind> kinds = {
      {"raml", "REST API (RAML)"},          {"oas", "REST API (OAS)"}, {"wsdl", "SOAP API (WSDL)"},
      {"raml-fragment", "RAML fragment"}, {"http-api", "HTTP API (no file)"}, {"custom", "Custom"}};
  return kinds;
}

std::string KindOf(const std::optional<std::string>& type, const std::string& classifier) {
  for (const auto& kind : PublishKinds())
    if (classifier == kind.value) return classifier;
  return type.value_or("");
}

PublishUpload::PublishUpload(std::function<bool(const std::string&)> csrf_matches, exchange::PublicationForm& form)
    : CsrfFirstMultipart(std::move(csrf_matches)), form_(form) {}

Status PublishUpload::OnFieldBegin(const server::MultipartPart& part) {
  name_ = part.name;
  text_.clear();
  if (part.name == "organizationId" || part.name == "groupId" || part.name == "assetId" || part.name == "version" ||
      part.name == "kind") {
    part_ = Part::kOwn;
    return Status::Ok();
  }
  if (part.name == "file") {
    if (!part.filename || part.filename->empty()) {  // no file chosen
      part_ = Part::kSkipped;
      return Status::Ok();
    }
    if (kind_.empty() || kind_ == "http-api")
      return Status::InvalidArgument("BAD_REQUEST", kind_.empty() ? "Choose the kind of asset before its file"
                                                                  : "An HTTP API has no file");
    part_ = Part::kFile;
    server::MultipartPart file = part;
    file.name = "files." + kind_ + "." + PackagingOf(*part.filename);
    return form_.OnPartBegin(file);
  }
  const bool tag = (part.name.rfind("categories.", 0) == 0 && part.name.size() > 11) ||
                   (part.name.rfind("fields.", 0) == 0 && part.name.size() > 7);
  if (!tag && std::find(std::begin(kApiFields), std::end(kApiFields), part.name) == std::end(kApiFields))
    return Status::InvalidArgument("BAD_REQUEST", "The form has no field '" + part.name + "'");
  part_ = Part::kText;
  return Status::Ok();
}

Status PublishUpload::OnFieldData(const char* data, size_t size) {
  if (part_ == Part::kFile) return form_.OnPartData(data, size);
  if (part_ == Part::kSkipped) return Status::Ok();
  if (text_.size() + size > kMaxFieldBytes)
    return Status::InvalidArgument("BAD_REQUEST", "The field '" + name_ + "' is longer than 64 KB");
  text_.append(data, size);
  return Status::Ok();
}

Status PublishUpload::OnFieldEnd() {
  switch (part_) {
    case Part::kOwn: {
      const std::string value = boost::algorithm::trim_copy(text_);
      if (name_ == "organizationId") organization_id_ = value;
      if (name_ == "groupId") coordinates_.group_id = value;
      if (name_ == "assetId") coordinates_.asset_id = value;
      if (name_ == "version") coordinates_.version = value;
      if (name_ == "kind") {
        kind_ = value;
        const auto type = kind_ == "http-api" ? std::optional<std::string>("http-api")
                                              : assets::InferTypeFromClassifier(kind_);
        if (!type) return Status::InvalidArgument("BAD_REQUEST", "Choose one of the kinds of asset the form offers");
        return Forward("type", *type);
      }
      return Status::Ok();
    }
    case Part::kText:
      if (const std::string value = boost::algorithm::trim_copy(text_); !value.empty()) return Forward(name_, value);
      return Status::Ok();
    case Part::kFile:
      return form_.OnPartEnd();
    case Part::kSkipped:
      return Status::Ok();
  }
  return Status::Ok();
}

Status PublishUpload::Forward(const std::string& name, const std::string& value) {
  AGORA_RETURN_IF_ERROR(form_.OnPartBegin({name, std::nullopt, "text/plain"}));
  AGORA_RETURN_IF_ERROR(form_.OnPartData(value.data(), value.size()));
  return form_.OnPartEnd();
}

}  // namespace agora::portal
