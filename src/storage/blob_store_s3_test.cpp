// The S3 BlobStore and client beyond the shared behaviour (blob_store_behaviour_test.cpp): refused
// credentials, missing buckets and unreachable servers, retries, the server vanishing in the
// middle of an upload, downloads that break off, content that does not match its address, the
// cache, instance directories, and the blob store URL.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <fstream>

#include "common/hash.h"
#include "storage/blob_store_s3.h"
#include "storage/s3_testing.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace fs = std::filesystem;
using testing::FaultyProxy;
using testing::ReadAll;
using testing::TempDir;
constexpr auto Pattern = testing::PatternBytes;


class S3BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { bucket_ = testing::NewTestBucket(); }

  S3BlobStoreOptions Options(const std::string& endpoint) {
    S3BlobStoreOptions options;
    options.s3 = bucket_;
    options.s3.endpoint = endpoint;
    options.s3.part_size = options.s3.multipart_threshold = 5 << 20;
    options.local_dir = dir_.Path("local");
    return options;
  }

  std::unique_ptr<BlobStore> Open(const std::string& endpoint, uint64_t cache_bytes = 512 << 20) {
    S3BlobStoreOptions options = Options(endpoint);
    options.cache_bytes = cache_bytes;
    auto store = OpenS3BlobStore(Env::Default(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A client straight to the server, to see what is really stored.
  std::unique_ptr<S3Client> Direct() { return std::move(S3Client::Create(bucket_)).value(); }

  static Result<BlobInfo> Put(BlobStore& store, const std::string& bytes) {
    AGORA_ASSIGN_OR_RETURN(auto writer, store.NewWriter());
    for (size_t at = 0; at < bytes.size(); at += 1 << 20)
      AGORA_RETURN_IF_ERROR(writer->Append(bytes.data() + at, std::min<size_t>(1 << 20, bytes.size() - at)));
    return writer->Commit();
  }


  const std::string& server() { return testing::S3TestServer::Endpoint(); }

  TempDir dir_;
  S3ClientOptions bucket_;
};

TEST_F(S3BlobStoreTest, LaysBlobsOutByTheirSha256) {
  auto store = Open(server());
  const std::string sha = Put(*store, "hello")->sha256;
  auto object = Direct()->Head("blobs/sha256/" + sha);
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(object->size, 5u);
  EXPECT_FALSE(store->FilePath(sha)) << "S3 blobs are streamed, not sent from a file";

  S3BlobStoreOptions prefixed = Options(server());
  prefixed.prefix = "tenant-a/";
  auto other = OpenS3BlobStore(Env::Default(), prefixed);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(Put(**other, "hello").ok());
  EXPECT_TRUE(Direct()->Head("tenant-a/blobs/sha256/" + sha).ok());
  EXPECT_EQ(*(*other)->List(), std::vector<std::string>{sha}) << "a prefix lists its own blobs only";
}

TEST_F(S3BlobStoreTest, AWrongSecretIsAClearError) {
  S3BlobStoreOptions options = Options(server());
  options.s3.credentials.secret_access_key = "not the secret";
  const Status st = OpenS3BlobStore(Env::Default(), options).status();
  EXPECT_EQ(st.kind(), Status::Kind::kUnavailable) << st.ToString();
  EXPECT_NE(st.message().find("403 SignatureDoesNotMatch"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << st.message();

  options.s3.credentials = S3Credentials{"NOBODY", "S3RVER", ""};
  const Status unknown = OpenS3BlobStore(Env::Default(), options).status();
  EXPECT_NE(unknown.message().find("403 InvalidAccessKeyId"), std::string::npos) << unknown.message();
}

TEST_F(S3BlobStoreTest, AMissingBucketOrServerIsAClearError) {
  S3BlobStoreOptions options = Options(server());
  options.s3.bucket = "no-such-bucket-here";
  Status st = OpenS3BlobStore(Env::Default(), options).status();
  EXPECT_EQ(st.kind(), Status::Kind::kUnavailable);
  EXPECT_NE(st.message().find("bucket no-such-bucket-here does not exist"), std::string::npos) << st.message();

  FaultyProxy gone(server());
  gone.GoneAfter(0);
  gone.ResetConnections(1000);
  options = Options(gone.endpoint());
  st = OpenS3BlobStore(Env::Default(), options).status();
  EXPECT_EQ(st.kind(), Status::Kind::kUnavailable);
  EXPECT_NE(st.message().find("cannot reach S3"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("3 attempts"), std::string::npos) << st.message();
}

TEST_F(S3BlobStoreTest, RetriesSlowDownsAndDroppedConnections) {
  FaultyProxy proxy(server());
  auto store = Open(proxy.endpoint());
  const std::string bytes = Pattern(100000, 1);
  proxy.Answer503(2);
  auto info = Put(*store, bytes);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  proxy.ResetConnections(2);
  EXPECT_EQ(*store->Size(info->sha256), bytes.size());
  proxy.Answer503(1);
  auto read = store->Open(info->sha256);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*ReadAll(**read), bytes);

  proxy.Answer503(10);
  const Status st = store->Size(info->sha256).status();
  EXPECT_EQ(st.kind(), Status::Kind::kUnavailable);
  EXPECT_NE(st.message().find("(503) after 3 attempts"), std::string::npos) << st.message();  // HEAD: no error body
}

// The server vanishes part-way through an upload: the write fails with a clear error, nothing of
// it is visible as a blob nor left in the scratch directory, and the same content goes up whole
// once the server is back. (s3rver, unlike S3, keeps the bytes of an interrupted PUT under its
// key, but without the metadata recording its digest, which the store therefore ignores.)
TEST_F(S3BlobStoreTest, AServerGoneMidUploadLeavesNothingVisible) {
  for (const size_t size : {size_t{3} << 20, (size_t{12} << 20) + 5}) {  // one PUT; a multipart upload
    const std::string bytes = Pattern(size, 2);
    const std::string sha = Sha256Hex(bytes);
    {
      FaultyProxy proxy(server());
      auto store = Open(proxy.endpoint());
      proxy.GoneAfter(size == (3u << 20) ? 1 << 20 : 7 << 20);
      const Status st = Put(*store, bytes).status();
      EXPECT_EQ(st.kind(), Status::Kind::kUnavailable) << st.ToString();
      EXPECT_NE(st.message().find("cannot reach S3"), std::string::npos) << st.message();
      EXPECT_TRUE(fs::is_empty(fs::path(store->NewScratchPath("")).parent_path()));
    }
    auto store = Open(server());
    EXPECT_FALSE(store->Exists(sha)) << size;
    EXPECT_EQ(store->Open(sha).status().kind(), Status::Kind::kNotFound) << size;
    auto leftover = Direct()->Head("blobs/sha256/" + sha);
    EXPECT_TRUE(!leftover.ok() || leftover->sha256.empty()) << "no object records the digest of a failed upload";
    auto again = Put(*store, bytes);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    auto read = store->Open(sha);
    ASSERT_TRUE(read.ok());
    EXPECT_TRUE(*ReadAll(**read) == bytes) << size;
  }
}

TEST_F(S3BlobStoreTest, ADownloadThatBreaksOffResumesWhereItStopped) {
  FaultyProxy proxy(server());
  auto store = Open(proxy.endpoint());
  const std::string bytes = Pattern(3 << 20, 3);
  const std::string sha = Put(*store, bytes)->sha256;
  proxy.CutDownloadAfter(1 << 20);
  auto read = store->OpenRange(sha, 0, bytes.size());
  ASSERT_TRUE(read.ok());
  auto got = ReadAll(**read);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == bytes);
}

// Content whose SHA-256 differs from its key (a damaged or tampered object) is refused before
// its last bytes are handed out; ranges cannot be checked and are served as stored.
TEST_F(S3BlobStoreTest, ContentThatDoesNotMatchItsAddressIsCorruption) {
  auto store = Open(server());
  const std::string claimed = Sha256Hex("the real content");
  const std::string path = dir_.Path("forged");
  std::ofstream(path) << "forged content!!";
  // Recorded under another digest: refused at once.
  ASSERT_TRUE(Direct()->PutFile("blobs/sha256/" + claimed, path, 16, Sha256Hex("forged content!!")).ok());
  EXPECT_EQ(store->Open(claimed).status().kind(), Status::Kind::kCorruption);
  // Recorded under the claimed digest (s3rver checks no payload hash): refused at the last read.
  ASSERT_TRUE(Direct()->PutFile("blobs/sha256/" + claimed, path, 16, claimed).ok());
  auto read = store->Open(claimed);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(ReadAll(**read).status().kind(), Status::Kind::kCorruption);
  EXPECT_EQ(store->Fetch(claimed).status().kind(), Status::Kind::kCorruption);
  auto part = store->OpenRange(claimed, 0, 6);
  EXPECT_EQ(*ReadAll(**part), "forged");
}

TEST_F(S3BlobStoreTest, TheCacheKeepsWhatIsHeldAndEvictsTheRest) {
  auto store = Open(server(), /*cache_bytes=*/1 << 20);
  std::vector<std::string> shas;
  for (int i = 0; i < 4; ++i) shas.push_back(Put(*store, Pattern(200 * 1024, 10 + i))->sha256);
  auto held = store->Fetch(shas[0]);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(store->Fetch(shas[0])->path(), held->path()) << "a cached blob is not fetched again";
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(store->Fetch(Put(*store, Pattern(200 * 1024, 20 + i))->sha256).ok());
  EXPECT_TRUE(fs::exists(held->path())) << "a held blob survives eviction";
  size_t cached = 0;
  for (const auto& e : fs::directory_iterator(fs::path(held->path()).parent_path())) cached += fs::file_size(e.path());
  EXPECT_LE(cached, (1u << 20) + 200 * 1024) << "the cache keeps to its budget (and the held blob)";
  const std::string path = held->path();
  held = Status::NotFound("released");
  ASSERT_TRUE(store->Fetch(Put(*store, Pattern(200 * 1024, 99))->sha256).ok());
  EXPECT_FALSE(fs::exists(path)) << "once released, the least recently used blob goes";
}

TEST_F(S3BlobStoreTest, ServersSharingALocalDirectoryKeepTheirScratchApart) {
  auto first = Open(server());
  auto second = Open(server());
  const std::string in_flight = first->NewScratchPath(".zip");
  std::ofstream(in_flight) << "an upload in flight";
  const std::string dead = dir_.Path("local/instances/gone-process");
  fs::create_directories(dead + "/tmp");
  std::ofstream(dead + "/lock") << "";
  std::ofstream(dead + "/tmp/x.part") << "left by a crash";
  ASSERT_TRUE(second->CleanScratch().ok());
  EXPECT_TRUE(fs::exists(in_flight)) << "another live server's scratch file stays";
  EXPECT_FALSE(fs::exists(dead)) << "a dead server's directory goes";
  const std::string own = fs::path(first->NewScratchPath("")).parent_path().parent_path().string();
  first.reset();
  EXPECT_FALSE(fs::exists(own)) << "a store removes its directory when it closes";
}

// Listings come in pages of 1,000 keys; the reaper and the migration need all of them.
TEST_F(S3BlobStoreTest, ListsPastOnePage) {
  auto direct = Direct();
  const std::string path = dir_.Path("tiny");
  std::ofstream(path) << "x";
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < 1003; i += 4)
        if (!direct->PutFile("many/" + std::to_string(10000 + i), path, 1, Sha256Hex("x")).ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures, 0);
  auto listed = direct->List("many/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1003u);
  EXPECT_EQ(listed->front().key, "many/10000");
  EXPECT_EQ(listed->back().key, "many/11002");
}

class S3UrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                             "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "HOME"}) {
      if (const char* value = std::getenv(name)) saved_.emplace_back(name, value);
      ::unsetenv(name);
    }
    ::setenv("HOME", dir_.str().c_str(), 1);
  }
  void TearDown() override {
    for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                             "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "HOME"})
      ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
  }
  TempDir dir_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(S3UrlTest, ReadsTheUrlAndTheCredentialsFromTheEnvironment) {
  ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1);
  auto options = ParseS3BlobStoreUrl("s3://agora-blobs/prod/eu?endpoint=http%3A%2F%2F127.0.0.1:9000&region=eu-west-3&cache_mb=64");
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->s3.bucket, "agora-blobs");
  EXPECT_EQ(options->prefix, "prod/eu/");
  EXPECT_EQ(options->s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(options->s3.region, "eu-west-3");
  EXPECT_TRUE(options->s3.path_style) << "a named endpoint is addressed by path";
  EXPECT_EQ(options->cache_bytes, 64u << 20);
  EXPECT_EQ(options->s3.credentials.access_key_id, "AKID");
  EXPECT_EQ(options->s3.credentials.secret_access_key, "SECRET");

  auto aws = ParseS3BlobStoreUrl("s3://agora-blobs");
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->s3.endpoint, "");
  EXPECT_FALSE(aws->s3.path_style) << "AWS itself is addressed by virtual host";
  EXPECT_EQ(aws->s3.region, "us-east-1");
  EXPECT_TRUE(ParseS3BlobStoreUrl("s3://b-1?endpoint=http://minio:9000&style=virtual")->s3.path_style == false);
}

TEST_F(S3UrlTest, ReadsTheSharedCredentialsFile) {
  fs::create_directories(dir_.Path(".aws"));
  std::ofstream(dir_.Path(".aws/credentials")) << "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = DEFSECRET\n"
                                                  "\n[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=CISECRET\n"
                                                  "aws_session_token = CITOKEN\n";
  auto options = ParseS3BlobStoreUrl("s3://bucket");
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->s3.credentials.access_key_id, "DEFKEY");
  EXPECT_EQ(options->s3.credentials.secret_access_key, "DEFSECRET");
  ::setenv("AWS_PROFILE", "ci", 1);
  options = ParseS3BlobStoreUrl("s3://bucket");
  EXPECT_EQ(options->s3.credentials.access_key_id, "CIKEY");
  EXPECT_EQ(options->s3.credentials.session_token, "CITOKEN");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", dir_.Path("elsewhere").c_str(), 1);
  EXPECT_EQ(ParseS3BlobStoreUrl("s3://bucket").status().code(), "MISSING_S3_CREDENTIALS");
}

TEST_F(S3UrlTest, RefusesBadUrlsAndMissingCredentialsClearly) {
  const Status missing = ParseS3BlobStoreUrl("s3://bucket").status();
  EXPECT_EQ(missing.code(), "MISSING_S3_CREDENTIALS");
  EXPECT_NE(missing.message().find("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), std::string::npos);
  ::setenv("AWS_ACCESS_KEY_ID", "AKID", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1);
  const Status in_url = ParseS3BlobStoreUrl("s3://key:secret@bucket").status();
  EXPECT_EQ(in_url.code(), "INVALID_BLOBS_URL");
  EXPECT_NE(in_url.message().find("credentials do not go in the blob store URL"), std::string::npos);
  for (const char* bad : {"http://bucket", "s3://bucket?endpont=x", "s3://bucket/a+b", "s3://bucket?style=sideways",
                                 "s3://bucket?cache_mb=-1"})
    EXPECT_EQ(ParseS3BlobStoreUrl(bad).status().code(), "INVALID_BLOBS_URL") << bad;
  S3BlobStoreOptions options = *ParseS3BlobStoreUrl("s3://Bad_Bucket");
  options.local_dir = dir_.Path("local");
  EXPECT_EQ(OpenS3BlobStore(Env::Default(), options).status().code(), "INVALID_S3_BUCKET");
  options = *ParseS3BlobStoreUrl("s3://bucket?endpoint=ftp://host");
  options.local_dir = dir_.Path("local");
  EXPECT_EQ(OpenS3BlobStore(Env::Default(), options).status().code(), "INVALID_S3_ENDPOINT");
}

}  // namespace
}  // namespace agora::storage
