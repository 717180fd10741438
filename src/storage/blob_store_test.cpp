// Tests of FileBlobStore beyond the behaviour every provider shares (blob_store_behaviour_test.cpp):
// the on-disk layout, writers that fail half-way, adoption of scratch files under faults, and
// path confinement.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <thread>
#include <vector>

#include "common/hash.h"
#include "common/pipelined_hasher.h"
#include "storage/blob_store.h"
#include "storage/fault_injection_env.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using Fault = FaultInjectionEnv::Fault;
using Op = FaultInjectionEnv::Operation;

class FileBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenFileBlobStore(&env_, dir_.str());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  Result<BlobInfo> Put(const std::string& bytes) {
    AGORA_ASSIGN_OR_RETURN(auto writer, store_->NewWriter());
    AGORA_RETURN_IF_ERROR(writer->Append(bytes.data(), bytes.size()));
    return writer->Commit();
  }

  std::string NewScratchFile(const std::string& bytes) {
    const std::string path = store_->NewScratchPath(".zip");
    std::ofstream(path) << bytes;
    return path;
  }

  TempDir dir_;
  FaultInjectionEnv env_{Env::Default()};
  std::unique_ptr<BlobStore> store_;
};

TEST_F(FileBlobStoreTest, LaysBlobsOutByTheirSha256) {
  auto info = Put("hello");
  ASSERT_TRUE(info.ok());
  const std::string sha = Sha256Hex("hello");
  EXPECT_EQ(*store_->FilePath(sha), dir_.str() + "/sha256/" + sha.substr(0, 2) + "/" + sha.substr(2));
  EXPECT_EQ(store_->Fetch(sha)->path(), *store_->FilePath(sha));
  EXPECT_TRUE(fs::is_regular_file(*store_->FilePath(sha)));
  EXPECT_EQ(info->md5, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(info->sha1, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
  EXPECT_EQ(*store_->List(), std::vector<std::string>{sha});
}

TEST_F(FileBlobStoreTest, AWriterIsFinishedAfterCommit) {
  auto writer = store_->NewWriter();
  ASSERT_TRUE((*writer)->Append("abc", 3).ok());
  EXPECT_EQ((*writer)->size(), 3u);
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_FALSE((*writer)->Append("d", 1).ok());
  EXPECT_FALSE((*writer)->Commit().ok());
  EXPECT_TRUE(store_->Exists(Sha256Hex("abc")));
}

TEST_F(FileBlobStoreTest, ASmallBlobTheStoreHoldsIsNeitherWrittenNorSynced) {
  ASSERT_TRUE(Put("the same spec").ok());
  const int files = env_.calls(Op::kNewWritableFile), syncs = env_.calls(Op::kSync);
  auto again = Put("the same spec");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->sha256, Sha256Hex("the same spec"));
  EXPECT_EQ(again->md5, DigestHex(DigestAlgorithm::kMd5, "the same spec"));
  EXPECT_EQ(again->size, 13u);
  EXPECT_EQ(env_.calls(Op::kNewWritableFile), files) << "no scratch file created (nor deleted)";
  EXPECT_EQ(env_.calls(Op::kSync), syncs);
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);

  ASSERT_TRUE(Put("a new spec").ok());
  EXPECT_EQ(env_.calls(Op::kNewWritableFile), files + 1) << "new bytes are written";
  EXPECT_GT(env_.calls(Op::kSync), syncs) << "and made durable before they get their address";
}

TEST_F(FileBlobStoreTest, ABlobPastOneMiBIsSpooledToDiskAsItComes) {
  auto writer = store_->NewWriter();
  const std::string chunk(1 << 20, 'm');
  ASSERT_TRUE((*writer)->Append(chunk.data(), chunk.size()).ok());
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u) << "the first MiB is held";
  // Past the hashing pool's 8 MiB, at least one chunk has reached the file.
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*writer)->Append(chunk.data(), chunk.size()).ok());
  EXPECT_EQ(dir_.CountFiles("tmp"), 1u) << "memory stays bounded whatever the blob's size";
  ASSERT_TRUE((*writer)->Append("!", 1).ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok());
  std::string bytes;
  for (int i = 0; i < 11; ++i) bytes += chunk;
  EXPECT_EQ(info->sha256, Sha256Hex(bytes + "!"));
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);
}

TEST_F(FileBlobStoreTest, AFailedWriteAbandonsTheWriter) {
  auto writer = store_->NewWriter();
  // Past what a writer holds in memory: its file is created and written, and that fails (here at
  // Commit, when the hasher passes on its last chunk).
  const std::string big((1 << 20) + 1, 'q');
  env_.FailNth(Op::kAppend, 1, Fault::kNoSpace);
  ASSERT_TRUE((*writer)->Append(big.data(), big.size()).ok());
  const auto committed = (*writer)->Commit();
  EXPECT_EQ(committed.status().kind(), Status::Kind::kNoSpace);
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u) << "the scratch file goes at once";
  // A caller that ignores the error must not get a blob whose bytes differ from its name.
  EXPECT_EQ((*writer)->Append("more", 4).kind(), Status::Kind::kNoSpace);
  EXPECT_EQ((*writer)->Commit().status().kind(), Status::Kind::kNoSpace);
  EXPECT_TRUE(store_->List()->empty());
}

// Past the first MiB the digests are computed on the hasher's worker threads: a large blob must
// still get exactly the one-shot digests, and be stored once under them.
TEST_F(FileBlobStoreTest, ALargeBlobHasTheSameDigestsAsOneShotHashing) {
  std::string bytes((5 << 20) + 777, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 2654435761u >> 13);
  auto writer = store_->NewWriter();
  for (size_t at = 0; at < bytes.size(); at += 300000)
    ASSERT_TRUE((*writer)->Append(bytes.data() + at, std::min<size_t>(300000, bytes.size() - at)).ok());
  auto info = (*writer)->Commit();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  const std::string sha256 = testing::ExpectDigestsOf(*info, bytes);
  EXPECT_EQ(*store_->Size(sha256), bytes.size());
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
}

// A write failing once the hashing workers run (on the worker that writes the chunks) fails a
// later Append within the pool's depth, abandons the writer and stops the workers.
TEST_F(FileBlobStoreTest, AFailedWriteMidStreamStopsTheHashingWorkers) {
  auto writer = store_->NewWriter();
  const std::string piece(512 * 1024, 'w');
  for (int i = 0; i < 6; ++i) ASSERT_TRUE((*writer)->Append(piece.data(), piece.size()).ok());
  env_.FailNth(Op::kAppend, 1, Fault::kIOError);
  Status appended;
  for (int i = 0; i < 64 && appended.ok(); ++i) appended = (*writer)->Append(piece.data(), piece.size());
  EXPECT_EQ(appended.kind(), Status::Kind::kIOError) << "within 32 MiB of the failure";
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0) << "the abandoned writer's hasher has stopped";
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);
  EXPECT_EQ((*writer)->Append("x", 1).kind(), Status::Kind::kIOError);
  EXPECT_EQ((*writer)->Commit().status().kind(), Status::Kind::kIOError);
  EXPECT_TRUE(store_->List()->empty());
}

// More large writers at once than the hasher has pipelines: the others hash inline and write
// their bytes through the page cache themselves. Every blob's file holds exactly its bytes.
TEST_F(FileBlobStoreTest, WritersBeyondThePipelinesStoreExactBytesToo) {
  std::vector<std::unique_ptr<BlobWriter>> writers;
  std::vector<std::string> contents;
  for (int i = 0; i < PipelinedHasher::kMaxPipelines + 2; ++i) {
    auto writer = store_->NewWriter();
    ASSERT_TRUE(writer.ok());
    writers.push_back(std::move(*writer));
    std::string bytes((3 << 20) + 4099 * i, '\0');
    for (size_t at = 0; at < bytes.size(); ++at) bytes[at] = static_cast<char>((at * 2654435761u + i) >> 11);
    contents.push_back(std::move(bytes));
  }
  constexpr size_t kPiece = 700000;
  for (size_t at = 0; at < contents.back().size(); at += kPiece)  // interleaved, as concurrent uploads
    for (size_t i = 0; i < writers.size(); ++i)
      if (at < contents[i].size())
        ASSERT_TRUE(writers[i]->Append(contents[i].data() + at, std::min(kPiece, contents[i].size() - at)).ok());
  for (size_t i = 0; i < writers.size(); ++i) {
    auto info = writers[i]->Commit();
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    const std::string sha256 = testing::ExpectDigestsOf(*info, contents[i]);
    std::ifstream file(*store_->FilePath(sha256), std::ios::binary);
    const std::string stored((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(stored == contents[i]) << "writer " << i << "'s file differs from its bytes";
  }
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
}

// Destroying a writer that never commits (the request failed elsewhere) stops its workers too.
TEST_F(FileBlobStoreTest, DestroyingALargeUncommittedWriterStopsItsWorkers) {
  {
    auto writer = store_->NewWriter();
    const std::string piece(3 << 20, 'd');
    ASSERT_TRUE((*writer)->Append(piece.data(), piece.size()).ok());
    EXPECT_EQ(PipelinedHasher::ActivePipelines(), 1);
  }
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);
}

TEST_F(FileBlobStoreTest, AdoptingDuplicateContentKeepsOneBlob) {
  ASSERT_TRUE(Put("same").ok());
  const std::string scratch = NewScratchFile("same");
  auto info = store_->AdoptFile(scratch);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->sha256, Sha256Hex("same"));
  EXPECT_EQ(info->size, 4u);
  EXPECT_FALSE(fs::exists(scratch));
  EXPECT_EQ(store_->List()->size(), 1u);
}

TEST_F(FileBlobStoreTest, AdoptsOnlyItsOwnScratchFiles) {
  TempDir elsewhere;
  const std::string outside = elsewhere.Path("precious");
  std::ofstream(outside) << "do not move me";
  for (const std::string& path : {outside, dir_.str() + "/tmp/../escape", dir_.str() + "/tmp/", dir_.str() + "/tmp/..",
                                  dir_.str() + "/sha256/ab/cd", std::string("relative/tmp/x"), std::string()}) {
    EXPECT_EQ(store_->AdoptFile(path).status().code(), "INVALID_SCRATCH_PATH") << path;
  }
  EXPECT_TRUE(fs::exists(outside)) << "a rejected path is left alone";
  EXPECT_TRUE(store_->List()->empty());
}

TEST_F(FileBlobStoreTest, ScratchPathsStayInTheScratchDirectory) {
  const std::string path = store_->NewScratchPath("/../../escape");
  EXPECT_EQ(fs::path(path).parent_path().string(), dir_.str() + "/tmp");
  EXPECT_NE(store_->NewScratchPath(".zip"), store_->NewScratchPath(".zip"));
  std::ofstream(path) << "x";
  EXPECT_TRUE(store_->AdoptFile(path).ok());
}

TEST_F(FileBlobStoreTest, AdoptingAMissingScratchFileFails) {
  const Status st = store_->AdoptFile(store_->NewScratchPath(".zip")).status();
  EXPECT_EQ(st.kind(), Status::Kind::kNotFound);
}

class AdoptFaultTest : public FileBlobStoreTest, public ::testing::WithParamInterface<std::pair<Op, Fault>> {};

TEST_P(AdoptFaultTest, FailedAdoptionLeavesNoBlobAndNoScratch) {
  const std::string scratch = NewScratchFile(std::string(700 * 1024, 'z'));  // several reads
  const auto [op, fault] = GetParam();
  env_.FailNth(op, op == Op::kRead ? 2 : 1, fault);
  const Status st = store_->AdoptFile(scratch).status();
  EXPECT_EQ(st.kind(), fault == Fault::kNoSpace ? Status::Kind::kNoSpace : Status::Kind::kIOError) << st.ToString();
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);
  EXPECT_TRUE(store_->List()->empty());
}

INSTANTIATE_TEST_SUITE_P(Faults, AdoptFaultTest,
                         ::testing::Values(std::pair{Op::kRead, Fault::kIOError}, std::pair{Op::kSync, Fault::kNoSpace},
                                           std::pair{Op::kRename, Fault::kIOError}));

TEST_F(FileBlobStoreTest, ListAndCleanScratchCopeWithStrayFiles) {
  ASSERT_TRUE(Put("blob").ok());
  std::ofstream(dir_.Path("sha256/README")) << "not a blob";
  std::ofstream(dir_.Path("sha256/" + Sha256Hex("blob").substr(0, 2) + "/short")) << "not a blob either";
  auto listed = store_->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, std::vector<std::string>{Sha256Hex("blob")});
  NewScratchFile("one");
  NewScratchFile("two");
  ASSERT_TRUE(store_->CleanScratch().ok());
  EXPECT_EQ(dir_.CountFiles("tmp"), 0u);
  EXPECT_TRUE(store_->Exists(Sha256Hex("blob"))) << "cleaning scratch leaves blobs alone";
}

TEST(BlobStoreOpenTest, FailsCleanlyWhenTheDirectoryCannotBeCreated) {
  TempDir dir;
  std::ofstream(dir.Path("file")) << "x";
  const auto store = OpenFileBlobStore(Env::Default(), dir.Path("file/blobs"));
  EXPECT_EQ(store.status().kind(), Status::Kind::kIOError);
}

// An Env whose first directory sync after Hold() waits for Release(): the window in which one
// publication has renamed a blob into place and not yet made the rename durable.
class HeldDirSyncEnv : public FaultInjectionEnv {
 public:
  HeldDirSyncEnv() : FaultInjectionEnv(Env::Default()) {}
  void Hold() { held_ = true; }
  void WaitUntilHeld() { holding_.get_future().wait(); }
  void Release() { release_.set_value(); }
  int dir_syncs() const { return dir_syncs_; }

  Status SyncDir(const std::string& path) override {
    ++dir_syncs_;
    if (held_.exchange(false)) {
      holding_.set_value();
      release_.get_future().wait();
    }
    return FaultInjectionEnv::SyncDir(path);
  }

 private:
  std::atomic<bool> held_{false};
  std::atomic<int> dir_syncs_{0};
  std::promise<void> holding_, release_;
};

TEST(BlobStoreDurabilityTest, ABlobFoundWhileAnotherWriterSyncsItIsSyncedByTheFinder) {
  TempDir dir;
  HeldDirSyncEnv env;
  auto store = OpenFileBlobStore(&env, dir.str());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE(fs::is_directory(dir.str() + "/sha256"));
  const std::string bytes(1000, 'x');
  const std::string sha = Sha256Hex(bytes);
  auto put = [&] {
    auto writer = (*store)->NewWriter();
    if (!writer.ok()) return writer.status();
    if (Status st = (*writer)->Append(bytes.data(), bytes.size()); !st.ok()) return st;
    return (*writer)->Commit().status();
  };
  // The fan-out directory first, so that the held sync is the one after the blob's rename.
  ASSERT_TRUE(env.CreateDirs(dir.str() + "/sha256/" + sha.substr(0, 2)).ok());
  env.Hold();
  auto first = std::async(std::launch::async, put);
  env.WaitUntilHeld();
  const int syncs = env.dir_syncs();
  EXPECT_TRUE((*store)->Exists(sha));
  EXPECT_EQ(env.dir_syncs(), syncs + 1) << "finding the blob, it synced the rename another writer had not yet synced";
  EXPECT_TRUE(put().ok());
  EXPECT_EQ(env.dir_syncs(), syncs + 2) << "so did a second writer of the same content";
  env.Release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE((*store)->Exists(sha));
  EXPECT_EQ(env.dir_syncs(), syncs + 2) << "once synced, finding it costs no sync";
}

}  // namespace
}  // namespace agora::storage
