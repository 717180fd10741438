#include "storage/s3_signer.h"

#include <algorithm>
#include <cctype>

#include "common/hash.h"

namespace agora::storage {
namespace {

std::string Trimmed(std::string_view value) {
  // SigV4 trims the value and folds runs of spaces into one.
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string FormatUtc(std::time_t now, const char* format) {
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &utc);
  return buffer;
}

}  // namespace

std::string S3UriEncode(std::string_view text, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

std::string S3CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(S3UriEncode(name, false), S3UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

S3Signature SignS3Request(const S3SignableRequest& request, const S3Credentials& credentials,
                          const std::string& region, std::time_t now) {
  S3Signature signature;
  signature.amz_date = FormatUtc(now, "%Y%m%dT%H%M%SZ");
  const std::string date = signature.amz_date.substr(0, 8);

  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    headers.emplace_back(std::move(lower), Trimmed(value));
  }
  headers.emplace_back("x-amz-date", signature.amz_date);
  if (!credentials.session_token.empty()) headers.emplace_back("x-amz-security-token", credentials.session_token);
  std::sort(headers.begin(), headers.end());

  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }
  signature.canonical_request = request.method + "\n" + request.path + "\n" + S3CanonicalQuery(request.query) + "\n" +
                                canonical_headers + "\n" + signed_headers + "\n" + request.payload_sha256;

  const std::string scope = date + "/" + region + "/s3/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + signature.amz_date + "\n" + scope + "\n" + Sha256Hex(signature.canonical_request);
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  signature.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                            ", SignedHeaders=" + signed_headers + ", Signature=" + HmacSha256Hex(key, string_to_sign);
  return signature;
}

}  // namespace agora::storage
