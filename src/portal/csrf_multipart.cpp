#include "portal/csrf_multipart.h"

namespace agora::portal {

Status ForeignForm() {
  return Status::Forbidden("This form has expired or did not come from agora's own page: reload the page and try "
                           "again. Nothing was changed.");
}

Status CsrfFirstMultipart::OnPartBegin(const server::MultipartPart& part) {
  if (csrf_checked_) return OnFieldBegin(part);
  if (part.name != "csrf") return ForeignForm();
  in_token_ = true;
  return Status::Ok();
}

Status CsrfFirstMultipart::OnPartData(const char* data, size_t size) {
  if (!in_token_) return OnFieldData(data, size);
  if (token_.size() + size > kMaxTokenBytes) return ForeignForm();
  token_.append(data, size);
  return Status::Ok();
}

Status CsrfFirstMultipart::OnPartEnd() {
  if (!in_token_) return OnFieldEnd();
  in_token_ = false;
  if (!csrf_matches_(token_)) return ForeignForm();
  csrf_checked_ = true;
  return Status::Ok();
}

}  // namespace agora::portal
