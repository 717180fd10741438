// agora's SigV4 signer against botocore's (tests/s3/botocore_sign.py, Debian's python3-botocore):
// every case is signed by both at the same fixed time and must give the same canonical request
// and Authorization header.
#include "storage/s3_signer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>

#include "common/hash.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace json = boost::json;

struct Case {
  std::string endpoint_host;
  S3SignableRequest request;
  S3Credentials credentials;
  std::string region;
  std::time_t time;
};

std::vector<Case> Cases() {
  const S3Credentials s3rver{"S3RVER", "S3RVER", ""};
  const S3Credentials aws{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  const S3Credentials temporary{"ASIAXAMPLE", "se/cr+et=", "FQoGZXIvYXdzE//token+with/slashes=="};
  const std::string sha = Sha256Hex("hello");
  const std::string key = "/agora/blobs/sha256/" + sha;
  auto request = [](std::string method, std::string path, std::vector<std::pair<std::string, std::string>> query,
                    std::vector<std::pair<std::string, std::string>> headers, std::string payload) {
    return S3SignableRequest{std::move(method), std::move(path), std::move(query), std::move(headers), std::move(payload)};
  };
  const std::string host = "127.0.0.1:9000";
  return {
      {host, request("PUT", key, {}, {{"host", host}, {"x-amz-content-sha256", sha}}, sha), s3rver, "us-east-1", 1700000000},
      {host, request("GET", key, {}, {{"host", host}, {"range", "bytes=5-1048575"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}},
                     "UNSIGNED-PAYLOAD"),
       aws, "eu-west-3", 1356998400},
      {host, request("HEAD", key, {}, {{"host", host}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}, "UNSIGNED-PAYLOAD"),
       temporary, "us-west-2", 1893456000},
      // An empty value is "k=", and the query is sorted by encoded name.
      {host, request("POST", key, {{"uploads", ""}}, {{"host", host}, {"x-amz-content-sha256", Sha256Hex("")}}, Sha256Hex("")),
       aws, "us-east-1", 1700000001},
      // Upload ids and continuation tokens carry '/', '+' and '=', which must be percent-encoded.
      {host, request("PUT", key, {{"uploadId", "2~a/b+c=d"}, {"partNumber", "10"}},
                     {{"host", host}, {"x-amz-content-sha256", sha}}, sha),
       aws, "us-east-1", 1700000002},
      {"s3.eu-central-1.amazonaws.com",
       request("GET", "/agora", {{"list-type", "2"}, {"prefix", "tenant a/blobs/"}, {"continuation-token", "1/x+y=="},
                                 {"max-keys", "1000"}},
               {{"host", "s3.eu-central-1.amazonaws.com"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}}, "UNSIGNED-PAYLOAD"),
       aws, "eu-central-1", 1700000003},
      // Keys are encoded segment by segment; header values are trimmed and their spaces folded.
      {host, request("DELETE", "/" + S3UriEncode("agora/odd key+é~", true), {},
                     {{"host", host}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}, {"x-amz-meta-note", "  two   spaces  "}},
                     "UNSIGNED-PAYLOAD"),
       s3rver, "us-east-1", 1700000004},
      {"agora.s3.amazonaws.com", request("GET", "/", {{"list-type", "2"}},
                                         {{"host", "agora.s3.amazonaws.com"}, {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}},
                                         "UNSIGNED-PAYLOAD"),
       aws, "us-east-1", 1700000005},
  };
}

json::array Reference(const std::vector<Case>& cases) {
  json::array input;
  for (const auto& c : cases) {
    json::array query;
    for (const auto& [name, value] : c.request.query) query.push_back(json::array{json::string(name), json::string(value)});
    json::object headers;
    for (const auto& [name, value] : c.request.headers) headers[name] = value;
    input.push_back(json::object{{"method", c.request.method},
                                 {"url", "http://" + c.endpoint_host + c.request.path},
                                 {"query", query},
                                 {"headers", headers},
                                 {"payload", c.request.payload_sha256},
                                 {"region", c.region},
                                 {"access_key", c.credentials.access_key_id},
                                 {"secret", c.credentials.secret_access_key},
                                 {"token", c.credentials.session_token},
                                 {"time", static_cast<int64_t>(c.time)}});
  }
  testing::TempDir dir;
  std::ofstream(dir.Path("cases.json")) << json::serialize(input);
  const std::string command =
      "python3 " AGORA_SOURCE_DIR "/tests/s3/botocore_sign.py < " + dir.Path("cases.json") + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int rc = ::pclose(pipe);
  EXPECT_EQ(rc, 0) << "botocore (python3-botocore, installed by scripts/setup.sh) failed: " << output;
  boost::system::error_code ec;
  json::value parsed = json::parse(output, ec);
  if (ec || !parsed.is_array()) {
    ADD_FAILURE() << "botocore gave no signatures: " << output;
    return {};
  }
  return parsed.as_array();
}

TEST(S3SignerTest, SignsExactlyAsBotocore) {
  const auto cases = Cases();
  const json::array reference = Reference(cases);
  ASSERT_EQ(reference.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const S3Signature ours = SignS3Request(c.request, c.credentials, c.region, c.time);
    EXPECT_EQ(ours.canonical_request, json::value_to<std::string>(reference[i].at("canonical_request"))) << "case " << i;
    EXPECT_EQ(ours.authorization, json::value_to<std::string>(reference[i].at("authorization"))) << "case " << i;
  }
}

TEST(S3SignerTest, EncodesAsRfc3986) {
  EXPECT_EQ(S3UriEncode("a-z_A.Z~09", false), "a-z_A.Z~09");
  EXPECT_EQ(S3UriEncode("a b+c/d=é", false), "a%20b%2Bc%2Fd%3D%C3%A9");
  EXPECT_EQ(S3UriEncode("blobs/sha256/ab", true), "blobs/sha256/ab");
  EXPECT_EQ(S3CanonicalQuery({{"uploadId", "x/y"}, {"partNumber", "2"}, {"uploads", ""}}),
            "partNumber=2&uploadId=x%2Fy&uploads=");
}

TEST(S3SignerTest, TheSignatureDependsOnTheSecretAndTheTime) {
  const Case c = Cases().front();
  const std::string base = SignS3Request(c.request, c.credentials, c.region, c.time).authorization;
  S3Credentials wrong = c.credentials;
  wrong.secret_access_key += "x";
  EXPECT_NE(SignS3Request(c.request, wrong, c.region, c.time).authorization, base);
  EXPECT_NE(SignS3Request(c.request, c.credentials, c.region, c.time + 1).authorization, base);
  EXPECT_EQ(SignS3Request(c.request, c.credentials, c.region, c.time).amz_date, "20231114T221320Z");
}

}  // namespace
}  // namespace agora::storage
