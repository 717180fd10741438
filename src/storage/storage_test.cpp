#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/hash.h"
#include "common/ids.h"
#include "storage/blob_store.h"
#include "storage/fault_injection_env.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace fs = std::filesystem;
using Fault = FaultInjectionEnv::Fault;
using Op = FaultInjectionEnv::Operation;

using testing::TempDir;

Result<BlobInfo> Store(BlobStore& store, const std::string& bytes) {
  AGORA_ASSIGN_OR_RETURN(auto writer, store.NewWriter());
  AGORA_RETURN_IF_ERROR(writer->Append(bytes.data(), bytes.size()));
  return writer->Commit();
}

std::string ReadAll(BlobStore& store, const std::string& sha) {
  auto file = store.Open(sha);
  std::string out;
  char buf[7];  // small on purpose: several reads
  while (true) {
    auto n = (*file)->Read(buf, sizeof buf);
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(BlobStoreTest, CommitsHashesAndDeduplicates) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  ASSERT_TRUE(store.ok());
  const std::string bytes(300000, 'x');
  auto a = Store(**store, bytes);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->sha256, Sha256Hex(bytes));
  EXPECT_EQ(a->md5.size(), 32u);
  EXPECT_EQ(a->sha1.size(), 40u);
  EXPECT_EQ(a->size, bytes.size());
  EXPECT_EQ(ReadAll(**store, a->sha256), bytes);
  auto b = Store(**store, bytes);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->sha256, a->sha256);
  EXPECT_EQ((*store)->List()->size(), 1u);
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
  EXPECT_EQ(*(*store)->Size(a->sha256), bytes.size());
  ASSERT_TRUE((*store)->Remove(a->sha256).ok());
  EXPECT_FALSE((*store)->Exists(a->sha256));
}

TEST(BlobStoreTest, AbandonedWriterLeavesNothing) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  {
    auto writer = (*store)->NewWriter();
    ASSERT_TRUE((*writer)->Append("partial", 7).ok());
  }
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
  EXPECT_TRUE((*store)->List()->empty());
}

TEST(BlobStoreTest, AdoptsScratchFilesAndCleansScratch) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  const std::string scratch = (*store)->NewScratchPath(".zip");
  { std::ofstream(scratch) << "zip bytes"; }
  auto info = (*store)->AdoptFile(scratch);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256, Sha256Hex("zip bytes"));
  EXPECT_FALSE(fs::exists(scratch));
  { std::ofstream((*store)->NewScratchPath(".left")) << "crash leftovers"; }
  ASSERT_TRUE((*store)->CleanScratch().ok());
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
}

TEST(BlobStoreTest, RejectsIdsThatAreNotSha256) {
  TempDir dir;
  auto store = OpenFileBlobStore(Env::Default(), dir.str());
  for (const std::string& bad : std::vector<std::string>{"../../etc/passwd", "", std::string(64, 'G'), std::string(63, 'a')}) {
    EXPECT_FALSE((*store)->Fetch(bad).ok()) << bad;
    EXPECT_FALSE((*store)->FilePath(bad));
    EXPECT_FALSE((*store)->Open(bad).ok());
    EXPECT_FALSE((*store)->Remove(bad).ok());
    EXPECT_FALSE((*store)->Exists(bad));
  }
}

class BlobFaultTest : public ::testing::TestWithParam<std::pair<Op, Fault>> {};

TEST_P(BlobFaultTest, FailedWritesLeaveNoBlobAndNoScratch) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto store = OpenFileBlobStore(&env, dir.str());
  ASSERT_TRUE(store.ok());
  const auto [op, fault] = GetParam();
  env.FailNth(op, 1, fault, /*sticky=*/true);
  auto info = Store(**store, std::string(1 << 20, 'y'));
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().http_status(), fault == Fault::kNoSpace ? 507 : 500);
  env.Heal();
  EXPECT_TRUE((*store)->List()->empty());
  EXPECT_EQ(dir.CountFiles("tmp"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Faults, BlobFaultTest,
                         ::testing::Values(std::pair{Op::kAppend, Fault::kNoSpace}, std::pair{Op::kSync, Fault::kIOError},
                                           std::pair{Op::kRename, Fault::kIOError},
                                           std::pair{Op::kNewWritableFile, Fault::kNoSpace}));

}  // namespace
}  // namespace agora::storage
