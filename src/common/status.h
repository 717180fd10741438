// Status is how errors travel across module borders in agora: a small value that is either OK or
// carries a kind (which decides the HTTP status), an Exchange error code such as
// ASSET_PRE_CONDITIONS_FAILED, a human message and an optional list of detailed errors. Modules
// return Status or Result<T> instead of throwing; exceptions from libraries are caught at the
// module edge and turned into a Status.
//
// Thread safety: a Status is an immutable value once built; copies may be used from any thread.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace agora {

class Status {
 public:
  enum class Kind {
    kOk,
    kInvalidArgument,   // 400: the request is malformed or breaks a rule
    kUnauthorized,      // 401: no or unknown credentials
    kForbidden,         // 403: credentials valid, not allowed
    kNotFound,          // 404
    kMethodNotAllowed,  // 405
    kRequestTimeout,    // 408: the client stopped sending its request
    kConflict,          // 409: the state forbids it (published version exists, dependents...)
    kPayloadTooLarge,   // 413
    kRangeNotSatisfiable,  // 416
    kHeadersTooLarge,   // 431
    kTooManyRequests,   // 429
    kInternal,          // 500: a bug: an unexpected exception
    kIOError,           // 500: the disk or another resource failed
    kCorruption,        // 500: stored data does not match what was written
    kUnavailable,       // 503: shutting down, or a dependency is not ready
    kNoSpace,           // 507: the disk is full
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string code, std::string message, std::vector<std::string> errors = {}) {
    return Status(Kind::kInvalidArgument, std::move(code), std::move(message), std::move(errors));
  }
  static Status Unauthorized(std::string message = "Unauthorized") {
    return Status(Kind::kUnauthorized, "UNAUTHORIZED", std::move(message), {});
  }
  static Status Forbidden(std::string message) {
    return Status(Kind::kForbidden, "FORBIDDEN", std::move(message), {});
  }
  static Status NotFound(std::string message, std::string code = "NOT_FOUND") {
    return Status(Kind::kNotFound, std::move(code), std::move(message), {});
  }
  static Status Conflict(std::string code, std::string message, std::vector<std::string> errors = {}) {
    return Status(Kind::kConflict, std::move(code), std::move(message), std::move(errors));
  }
  static Status RequestTimeout(std::string message) {
    return Status(Kind::kRequestTimeout, "REQUEST_TIMEOUT", std::move(message), {});
  }
  static Status PayloadTooLarge(std::string message) {
    return Status(Kind::kPayloadTooLarge, "PAYLOAD_TOO_LARGE", std::move(message), {});
  }
  static Status MethodNotAllowed(std::string message) {
    return Status(Kind::kMethodNotAllowed, "METHOD_NOT_ALLOWED", std::move(message), {});
  }
  static Status RangeNotSatisfiable(std::string message) {
    return Status(Kind::kRangeNotSatisfiable, "RANGE_NOT_SATISFIABLE", std::move(message), {});
  }
  static Status HeadersTooLarge(std::string message) {
    return Status(Kind::kHeadersTooLarge, "REQUEST_HEADER_FIELDS_TOO_LARGE", std::move(message), {});
  }
  static Status Internal(std::string message) {
    return Status(Kind::kInternal, "INTERNAL_ERROR", std::move(message), {});
  }
  static Status TooManyRequests(std::string message) {
    return Status(Kind::kTooManyRequests, "TOO_MANY_REQUESTS", std::move(message), {});
  }
  static Status IOError(std::string message) {
    return Status(Kind::kIOError, "IO_ERROR", std::move(message), {});
  }
  static Status Corruption(std::string message) {
    return Status(Kind::kCorruption, "CORRUPTION", std::move(message), {});
  }
  static Status Unavailable(std::string message) {
    return Status(Kind::kUnavailable, "SERVICE_UNAVAILABLE", std::move(message), {});
  }
  static Status NoSpace(std::string message) {
    return Status(Kind::kNoSpace, "INSUFFICIENT_STORAGE", std::move(message), {});
  }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<std::string>& errors() const { return errors_; }

  // The HTTP status code this kind of error maps to (200 for OK).
  int http_status() const;
  // "CODE: message" for logs and tests.
  std::string ToString() const;
  // The same error with `context` in front of its message ("Publishing g:a:v failed: ...").
  Status Prefixed(const std::string& context) const {
    return ok() ? *this : Status(kind_, code_, context + message_, errors_);
  }

  // More members for the error's "details" object besides "errors", as the text of a JSON
  // object (a refused publication's compatibility report, for instance).
  Status& WithDetails(std::string json_object) {
    details_ = std::move(json_object);
    return *this;
  }
  const std::string& details() const { return details_; }

 private:
  Status(Kind kind, std::string code, std::string message, std::vector<std::string> errors)
      : kind_(kind), code_(std::move(code)), message_(std::move(message)), errors_(std::move(errors)) {}

  Kind kind_ = Kind::kOk;
  std::string code_;
  std::string message_;
  std::vector<std::string> errors_;
  std::string details_;
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}                        // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {}                 // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace agora

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define AGORA_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::agora::Status agora_status_ = (expr);    \
    if (!agora_status_.ok()) return agora_status_; \
  } while (0)

#define AGORA_CONCAT_INNER(a, b) a##b
#define AGORA_CONCAT(a, b) AGORA_CONCAT_INNER(a, b)
// Declares `lhs` from a Result<T> expression, or returns its Status when it is not OK.
#define AGORA_ASSIGN_OR_RETURN(lhs, expr) \
  AGORA_ASSIGN_OR_RETURN_IMPL(AGORA_CONCAT(agora_result_, __LINE__), lhs, expr)
#define AGORA_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
