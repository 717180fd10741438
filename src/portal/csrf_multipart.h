// A multipart form posted by one of the portal's pages (the publish form, the documentation
// editor's image upload) whose first part must be the session's CSRF token, "csrf": a part before
// it, or a token that does not match, refuses the whole form, so nothing of a forged form is read
// or stored. The parts after the token go to the subclass's OnField... methods.
//
// Thread safety: one instance per request, used by the request's thread.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "server/multipart.h"

namespace agora::portal {

// The 403 of a state-changing form that did not come with the session's CSRF token.
Status ForeignForm();

class CsrfFirstMultipart : public server::MultipartHandler {
 public:
  explicit CsrfFirstMultipart(std::function<bool(const std::string&)> csrf_matches)
      : csrf_matches_(std::move(csrf_matches)) {}

  Status OnPartBegin(const server::MultipartPart& part) final;
  Status OnPartData(const char* data, size_t size) final;
  Status OnPartEnd() final;

  // Whether the token came first and matched: a form refused for anything else was still
  // the session's own.
  bool csrf_checked() const { return csrf_checked_; }

 protected:
  virtual Status OnFieldBegin(const server::MultipartPart& part) = 0;
  virtual Status OnFieldData(const char* data, size_t size) = 0;
  virtual Status OnFieldEnd() = 0;

 private:
  static constexpr size_t kMaxTokenBytes = 1024;  // far above a real token

  std::function<bool(const std::string&)> csrf_matches_;
  bool csrf_checked_ = false;
  bool in_token_ = false;
  std::string token_;
};

}  // namespace agora::portal
