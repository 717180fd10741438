#include "common/status.h"

namespace agora {

int Status::http_status() const {
  switch (kind_) {
    case Kind::kOk: return 200;
    case Kind::kInvalidArgument: return 400;
    case Kind::kUnauthorized: return 401;
    case Kind::kForbidden: return 403;
    case Kind::kNotFound: return 404;
    case Kind::kMethodNotAllowed: return 405;
    case Kind::kRequestTimeout: return 408;
    case Kind::kConflict: return 409;
    case Kind::kPayloadTooLarge: return 413;
    case Kind::kRangeNotSatisfiable: return 416;
    case Kind::kHeadersTooLarge: return 431;
    case Kind::kTooManyRequests: return 429;
    case Kind::kInternal: return 500;
    case Kind::kIOError: return 500;
    case Kind::kCorruption: return 500;
    case Kind::kUnavailable: return 503;
    case Kind::kNoSpace: return 507;
  }
  return 500;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return code_ + ": " + message_;
}

}  // namespace agora
