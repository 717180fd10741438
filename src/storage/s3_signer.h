// AWS Signature Version 4 for S3 requests: the canonical request, the string to sign and the
// Authorization header, computed from a request's parts and a fixed time, so that the unit tests
// can check them against botocore's reference signatures (s3_signer_test.cpp).
//
// agora signs requests itself rather than through libcurl's CURLOPT_AWS_SIGV4: curl 7.88 signs
// the query string exactly as written, omits x-amz-content-sha256, and its clock cannot be fixed
// in a test; here the canonical forms are ours and the same on every curl version.
//
// Thread safety: pure functions.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora::storage {

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only; sent as x-amz-security-token
};

// A request as it will be sent. `path` is already in canonical form (see S3UriEncode), `query`
// holds raw (unencoded) names and values, `headers` the headers to sign with lowercase names
// (host, x-amz-content-sha256, ...; x-amz-date is added by SignS3Request).
struct S3SignableRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // lowercase hex of the body, or "UNSIGNED-PAYLOAD"
};

struct S3Signature {
  std::string amz_date;       // 20240102T030405Z: send as x-amz-date
  std::string authorization;  // the Authorization header's value
  std::string canonical_request;  // for error messages and tests
};

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, everything else is
// %XX (uppercase); '/' stays when `keep_slash` (object key paths).
std::string S3UriEncode(std::string_view text, bool keep_slash);
// The canonical query string: names and values encoded, sorted by name then value, "k=" for an
// empty value. The client sends exactly this string, so what it signs is what the server sees.
std::string S3CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

S3Signature SignS3Request(const S3SignableRequest& request, const S3Credentials& credentials,
                          const std::string& region, std::time_t now);

}  // namespace agora::storage
