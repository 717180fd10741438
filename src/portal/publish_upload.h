// The portal's publish form as the browser posts it (multipart/form-data), read into a
// publication::PublicationRequest by the Exchange API's own reader, exchange::PublicationForm:
// the file is streamed into the blob store while it is hashed, as the API's uploads are. The
// portal's form differs from the API's only where a browser must: the coordinates and the
// organisation are fields (not the path), the kind of asset is one choice ("raml", "oas", "wsdl",
// "raml-fragment", "custom", "http-api") that names both the type and the file's classifier, the
// one file is the field "file" (its extension its packaging), and empty inputs count as not sent.
// Categories and custom fields are the API's `categories.KEY` and `fields.KEY`, a checkbox each.
//
// The session's CSRF token must be the first part: nothing of a forged form is stored.
//
// Thread safety: one instance per request, used by the request's thread.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "exchange/publication_form.h"
#include "portal/csrf_multipart.h"

namespace agora::portal {

// The kinds of asset the form offers, as (value, label).
struct PublishKind {
  const char* value;  // the classifier of the file, or the type when it has none
  const char* label;
};
const std::vector<PublishKind>& PublishKinds();
// The form's kind for a request or a version: its classifier's, else its type.
std::string KindOf(const std::optional<std::string>& type, const std::string& classifier);

class PublishUpload : public CsrfFirstMultipart {
 public:
  PublishUpload(std::function<bool(const std::string&)> csrf_matches, exchange::PublicationForm& form);

  // The fields only this form has (empty when not sent).
  const std::string& organization_id() const { return organization_id_; }
  const std::string& kind() const { return kind_; }
  assets::Coordinates coordinates() const { return coordinates_; }

 private:
  enum class Part { kOwn, kText, kFile, kSkipped };
  Status OnFieldBegin(const server::MultipartPart& part) override;
  Status OnFieldData(const char* data, size_t size) override;
  Status OnFieldEnd() override;
  Status Forward(const std::string& name, const std::string& value);

  static constexpr size_t kMaxFieldBytes = 64 * 1024;

  exchange::PublicationForm& form_;
  Part part_ = Part::kSkipped;
  std::string name_;
  std::string text_;
  std::string organization_id_;
  std::string kind_;
  assets::Coordinates coordinates_;
};

}  // namespace agora::portal
