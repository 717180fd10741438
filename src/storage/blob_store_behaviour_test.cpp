// The behaviour every BlobStore provider must have, run against each: the embedded file store and
// the S3 store on the s3rver of tests/s3 (a bucket per test). Provider-specific behaviour is in
// blob_store_test.cpp (files) and blob_store_s3_test.cpp (S3).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/hash.h"
#include "storage/blob_store.h"
#include "storage/blob_store_s3.h"
#include "storage/s3_testing.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace fs = std::filesystem;
using testing::ReadAll;
using testing::TempDir;
constexpr auto Pattern = testing::PatternBytes;

enum class Provider { kFile, kS3 };


class BlobStoreBehaviourTest : public ::testing::TestWithParam<Provider> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<BlobStore>> store = Status::Internal("no provider");
    if (GetParam() == Provider::kFile) {
      store = OpenFileBlobStore(Env::Default(), dir_.Path("blobs"));
    } else {
      S3BlobStoreOptions options;
      options.s3 = testing::NewTestBucket();
      options.s3.part_size = 5 << 20;  // S3's smallest part: a 12 MiB blob goes up in three
      options.s3.multipart_threshold = 5 << 20;
      options.local_dir = dir_.Path("s3-local");
      store = OpenS3BlobStore(Env::Default(), options);
    }
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Result<BlobInfo> Put(const std::string& bytes, size_t piece = 64 * 1024) {
    AGORA_ASSIGN_OR_RETURN(auto writer, store_->NewWriter());
    for (size_t at = 0; at < bytes.size(); at += piece)
      AGORA_RETURN_IF_ERROR(writer->Append(bytes.data() + at, std::min(piece, bytes.size() - at)));
    return writer->Commit();
  }

  Result<std::string> ReadRange(const std::string& sha256, uint64_t offset, uint64_t length) {
    AGORA_ASSIGN_OR_RETURN(auto file, store_->OpenRange(sha256, offset, length));
    return ReadAll(*file);
  }


  static std::string FileContent(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir dir_;
  std::unique_ptr<BlobStore> store_;
};

TEST_P(BlobStoreBehaviourTest, StoresReadsAndListsABlob) {
  const std::string bytes = Pattern(300 * 1024, 1);
  auto info = Put(bytes);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  const std::string sha256 = testing::ExpectDigestsOf(*info, bytes);
  EXPECT_TRUE(store_->Exists(sha256));
  EXPECT_EQ(*store_->Size(sha256), bytes.size());
  EXPECT_TRUE(*ReadRange(sha256, 0, UINT64_MAX) == bytes);
  auto open = store_->Open(sha256);
  ASSERT_TRUE(open.ok());
  EXPECT_TRUE(*ReadAll(**open) == bytes);
  auto local = store_->Fetch(sha256);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_TRUE(FileContent(local->path()) == bytes);
  EXPECT_EQ(*store_->List(), std::vector<std::string>{sha256});
}

TEST_P(BlobStoreBehaviourTest, EmptyContentIsABlobToo) {
  auto info = Put("");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, Sha256Hex(""));
  EXPECT_EQ(*store_->Size(info->sha256), 0u);
  EXPECT_EQ(*ReadRange(info->sha256, 0, UINT64_MAX), "");
  EXPECT_EQ(FileContent(store_->Fetch(info->sha256)->path()), "");
}

TEST_P(BlobStoreBehaviourTest, ReadsRanges) {
  const std::string bytes = Pattern(200000, 2);
  const std::string sha = Put(bytes)->sha256;
  for (auto [offset, length] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 1}, {0, 199999}, {1, 10}, {65536, 70000}, {199999, 1}, {150000, 1000000}, {0, 200000}}) {
    auto got = ReadRange(sha, offset, length);
    ASSERT_TRUE(got.ok()) << offset << "+" << length << ": " << got.status().ToString();
    EXPECT_TRUE(*got == bytes.substr(offset, length)) << offset << "+" << length << ": " << got->size() << " bytes";
  }
}

// Past the multipart threshold (S3: 5 MiB parts here) the blob goes up in parts; its digests,
// size and every byte, across the part boundaries, are the same.
TEST_P(BlobStoreBehaviourTest, StoresALargeBlobInParts) {
  const std::string bytes = Pattern((12 << 20) + 12345, 3);
  auto info = Put(bytes, 1 << 20);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, Sha256Hex(bytes));
  EXPECT_EQ(*store_->Size(info->sha256), bytes.size());
  const uint64_t part = 5 << 20;
  EXPECT_EQ(*ReadRange(info->sha256, part - 10, 20), bytes.substr(part - 10, 20));
  EXPECT_EQ(*ReadRange(info->sha256, 2 * part - 1, 2), bytes.substr(2 * part - 1, 2));
  auto whole = ReadRange(info->sha256, 0, UINT64_MAX);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_TRUE(*whole == bytes);
}

TEST_P(BlobStoreBehaviourTest, MissingBlobsAreNotFound) {
  const std::string absent = Sha256Hex("never stored");
  EXPECT_FALSE(store_->Exists(absent));
  EXPECT_EQ(store_->Size(absent).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->Open(absent).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->OpenRange(absent, 5, 10).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->Fetch(absent).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(store_->Remove(absent).kind(), Status::Kind::kNotFound);
  EXPECT_TRUE(store_->List()->empty());
}

TEST_P(BlobStoreBehaviourTest, RefusesIdsThatAreNotSha256) {
  for (const std::string& bad : {std::string("../../etc/passwd"), std::string(), std::string(64, 'G'),
                                 "ABCDEF" + std::string(58, '0'), std::string(63, 'a'), "../" + std::string(61, '0')}) {
    EXPECT_EQ(store_->Open(bad).status().code(), "INVALID_BLOB_ID") << bad;
    EXPECT_EQ(store_->Size(bad).status().code(), "INVALID_BLOB_ID") << bad;
    EXPECT_EQ(store_->Fetch(bad).status().code(), "INVALID_BLOB_ID") << bad;
    EXPECT_EQ(store_->Remove(bad).code(), "INVALID_BLOB_ID") << bad;
    EXPECT_FALSE(store_->Exists(bad));
    EXPECT_FALSE(store_->FilePath(bad));
  }
}

TEST_P(BlobStoreBehaviourTest, RemovesABlob) {
  const std::string sha = Put("to be reaped")->sha256;
  const std::string kept = Put("kept")->sha256;
  ASSERT_TRUE(store_->Remove(sha).ok());
  EXPECT_FALSE(store_->Exists(sha));
  EXPECT_EQ(store_->Open(sha).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(*store_->List(), std::vector<std::string>{kept});
}

TEST_P(BlobStoreBehaviourTest, ConcurrentPutsOfTheSameContentStoreItOnce) {
  const std::string bytes = Pattern(700 * 1024, 4);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      auto info = Put(bytes);
      if (!info.ok() || info->sha256 != Sha256Hex(bytes)) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(*store_->List(), std::vector<std::string>{Sha256Hex(bytes)});
  EXPECT_TRUE(*ReadRange(Sha256Hex(bytes), 0, UINT64_MAX) == bytes);
}

TEST_P(BlobStoreBehaviourTest, AdoptsItsOwnScratchFilesOnly) {
  const std::string path = store_->NewScratchPath(".zip");
  std::ofstream(path) << "adopted content";
  auto info = store_->AdoptFile(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->sha256, Sha256Hex("adopted content"));
  EXPECT_FALSE(fs::exists(path)) << "adoption consumes the scratch file";
  EXPECT_EQ(*ReadRange(info->sha256, 0, UINT64_MAX), "adopted content");

  const std::string outside = dir_.Path("precious");
  std::ofstream(outside) << "do not move me";
  EXPECT_EQ(store_->AdoptFile(outside).status().code(), "INVALID_SCRATCH_PATH");
  EXPECT_EQ(store_->AdoptFile(fs::path(store_->NewScratchPath("")).parent_path().string() + "/../x").status().code(),
            "INVALID_SCRATCH_PATH");
  EXPECT_TRUE(fs::exists(outside));
}

TEST_P(BlobStoreBehaviourTest, AnAbandonedWriterLeavesNothing) {
  {
    auto writer = store_->NewWriter();
    const std::string bytes = Pattern(2 << 20, 5);
    ASSERT_TRUE((*writer)->Append(bytes.data(), bytes.size()).ok());
  }
  EXPECT_TRUE(store_->List()->empty());
  const std::string scratch_dir = fs::path(store_->NewScratchPath("")).parent_path().string();
  EXPECT_TRUE(fs::is_empty(scratch_dir));
}

TEST_P(BlobStoreBehaviourTest, CleanScratchRemovesLeftoversAndKeepsBlobs) {
  const std::string sha = Put("blob")->sha256;
  std::ofstream(store_->NewScratchPath(".left")) << "crash leftovers";
  ASSERT_TRUE(store_->CleanScratch().ok());
  EXPECT_TRUE(fs::is_empty(fs::path(store_->NewScratchPath("")).parent_path()));
  EXPECT_TRUE(store_->Exists(sha));
}

INSTANTIATE_TEST_SUITE_P(Providers, BlobStoreBehaviourTest, ::testing::Values(Provider::kFile, Provider::kS3),
                         [](const auto& info) { return info.param == Provider::kFile ? "File" : "S3"; });

}  // namespace
}  // namespace agora::storage
