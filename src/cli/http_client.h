// A minimal HTTP(S) GET for the command line's client commands (`agora diff` against a server):
// one request, a bearer token, a timeout and a size bound. HTTPS verifies the server's
// certificate against the system's trust store and its host name.
//
// Thread safety: a plain function.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace agora::cli {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// GETs `url` (http:// or https://) with `Authorization: bearer <token>` when `token` is set.
// Unavailable when the server cannot be reached or answers malformed HTTP.
Result<HttpResponse> HttpGet(const std::string& url, const std::string& token, int timeout_seconds = 60,
                             uint64_t max_body_bytes = 512ull << 20);

}  // namespace agora::cli
