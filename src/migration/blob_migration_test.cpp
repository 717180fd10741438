// Copying blobs from the embedded file store to S3 (the s3rver of tests/s3): interrupted part-way,
// resumed, and verified; and a damaged copy found by the verification.
#include "migration/blob_migration.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/hash.h"
#include "storage/blob_store_s3.h"
#include "storage/s3_testing.h"
#include "storage/testing.h"

namespace agora::migration {
namespace {

using storage::testing::FaultyProxy;
using storage::testing::TempDir;

class BlobMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = std::move(storage::OpenFileBlobStore(storage::Env::Default(), dir_.Path("blobs"))).value();
    bucket_ = storage::testing::NewTestBucket();
    for (int i = 0; i < 12; ++i) {
      auto writer = std::move(source_->NewWriter()).value();
      const std::string bytes = storage::testing::PatternBytes(50000 + i * 7000, i);
      ASSERT_TRUE(writer->Append(bytes.data(), bytes.size()).ok());
      shas_.push_back(writer->Commit()->sha256);
    }
  }

  std::unique_ptr<storage::BlobStore> Target(const std::string& endpoint) {
    storage::S3BlobStoreOptions options;
    options.s3 = bucket_;
    options.s3.endpoint = endpoint;
    options.local_dir = dir_.Path("s3-local");
    return std::move(storage::OpenS3BlobStore(storage::Env::Default(), options)).value();
  }

  TempDir dir_;
  std::unique_ptr<storage::BlobStore> source_;
  storage::S3ClientOptions bucket_;
  std::vector<std::string> shas_;
};

TEST_F(BlobMigrationTest, AnInterruptedCopyResumesAndVerifies) {
  {
    FaultyProxy proxy(storage::testing::S3TestServer::Endpoint());
    auto target = Target(proxy.endpoint());
    proxy.GoneAfter(300000);  // S3 vanishes after a few blobs
    const Status st = CopyBlobs(*source_, *target, shas_).status();
    EXPECT_EQ(st.kind(), Status::Kind::kUnavailable) << st.ToString();
  }
  auto target = Target(storage::testing::S3TestServer::Endpoint());
  size_t already = 0;
  for (const auto& sha : shas_) already += target->Exists(sha);
  EXPECT_GT(already, 0u) << "the first run copied some blobs";
  EXPECT_LT(already, shas_.size()) << "and was interrupted";

  std::vector<std::string> seen;
  auto report = CopyBlobs(*source_, *target, shas_, [&](const std::string& sha, bool) { seen.push_back(sha); });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->skipped, already);
  EXPECT_EQ(report->copied, shas_.size() - already);
  EXPECT_EQ(seen.size(), shas_.size());
  EXPECT_TRUE(VerifyBlobs(*target, shas_)->empty());

  auto again = CopyBlobs(*source_, *target, shas_);
  EXPECT_EQ(again->copied, 0u) << "a finished copy has nothing left to send";
}

TEST_F(BlobMigrationTest, VerificationFindsMissingAndDamagedCopies) {
  auto target = Target(storage::testing::S3TestServer::Endpoint());
  ASSERT_TRUE(CopyBlobs(*source_, *target, shas_).ok());
  ASSERT_TRUE(target->Remove(shas_[0]).ok());
  // A copy whose bytes were changed after it was stored (the digest it records stays).
  const std::string forged = dir_.Path("forged");
  std::ofstream(forged) << std::string(50000 + 7000, 'x');
  auto direct = std::move(storage::S3Client::Create(bucket_)).value();
  ASSERT_TRUE(direct->PutFile("blobs/sha256/" + shas_[1], forged, 57000, shas_[1]).ok());
  auto bad = VerifyBlobs(*target, shas_);
  ASSERT_TRUE(bad.ok()) << bad.status().ToString();
  EXPECT_EQ(*bad, (std::vector<std::string>{shas_[0], shas_[1]}));
}

}  // namespace
}  // namespace agora::migration
