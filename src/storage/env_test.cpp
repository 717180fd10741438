// Tests of the POSIX Env and of FaultInjectionEnv.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/env.h"
#include "storage/fault_injection_env.h"
#include "storage/testing.h"

namespace agora::storage {
namespace {

using testing::TempDir;
using Fault = FaultInjectionEnv::Fault;
using Op = FaultInjectionEnv::Operation;

Status WriteFile(Env& env, const std::string& path, const std::string& bytes) {
  AGORA_ASSIGN_OR_RETURN(auto file, env.NewWritableFile(path));
  AGORA_RETURN_IF_ERROR(file->Append(bytes));
  AGORA_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

Result<std::string> ReadFile(Env& env, const std::string& path) {
  AGORA_ASSIGN_OR_RETURN(auto file, env.NewSequentialFile(path));
  std::string out;
  char buffer[4096];
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, file->Read(buffer, sizeof buffer));
    if (n == 0) return out;
    out.append(buffer, n);
  }
}

TEST(PosixEnvTest, WritesSmallAndLargeAppendsInOrder) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string path = dir.Path("file");
  auto file = env.NewWritableFile(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  // Tiny appends fill the buffer; one larger than the buffer goes straight through, after them.
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string piece = std::to_string(i) + ",";
    ASSERT_TRUE((*file)->Append(piece).ok());
    expected += piece;
  }
  const std::string big(600 * 1024, 'z');
  ASSERT_TRUE((*file)->Append(big).ok());
  expected += big;
  ASSERT_TRUE((*file)->Append("tail").ok());
  expected += "tail";
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Close().ok());
  EXPECT_EQ(*ReadFile(env, path), expected);
  EXPECT_EQ(*env.GetFileSize(path), expected.size());
  EXPECT_TRUE(env.FileExists(path));
  EXPECT_TRUE(env.SyncFile(path).ok());
}

// cachestat(2) (Linux 6.5): how many of a file's cached pages are dirty, i.e. not yet on their
// way to the disk.
struct CacheStatRange {
  uint64_t off;
  uint64_t len;
};
struct CacheStat {
  uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};
constexpr long kCacheStatSyscall = 451;  // the same number on every architecture

// A large file's write-back starts while it is written: appending 64 MiB without Sync leaves at
// most the last, unfinished 8 MiB block dirty. Without it the kernel would keep all 64 MiB
// dirty for up to 30 s and the final fdatasync would write them all.
TEST(PosixEnvTest, LargeFilesStartTheirWriteBackWhileTheyGrow) {
  TempDir dir;
  const std::string path = dir.Path("large");
  auto file = Env::Default()->NewWritableFile(path);
  ASSERT_TRUE(file.ok());
  const std::string piece(1 << 20, 'w');
  for (int i = 0; i < 64; ++i) ASSERT_TRUE((*file)->Append(piece).ok());
  ASSERT_TRUE((*file)->Append(std::string(3 << 20, 't')).ok());  // a partial block stays dirty
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  CacheStatRange range{0, 0};  // the whole file
  CacheStat stat{};
  const long rc = ::syscall(kCacheStatSyscall, fd, &range, &stat, 0);
  const int error = errno;
  ::close(fd);
  if (rc != 0 && (error == ENOSYS || error == EOPNOTSUPP)) GTEST_SKIP() << "no cachestat(2) on this kernel";
  ASSERT_EQ(rc, 0) << std::strerror(error);
  if (stat.nr_cache == 0) GTEST_SKIP() << "the file system keeps no page cache for this file";
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  EXPECT_LE(stat.nr_dirty * page, uint64_t{8} << 20) << stat.nr_dirty << " dirty pages of " << stat.nr_cache;
  ASSERT_TRUE((*file)->Sync().ok());
}

// Bytes that differ at every offset, so that a block written at the wrong place shows.
std::string Pattern(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    seed = seed * 1664525u + 1013904223u;
    bytes[i] = static_cast<char>(seed >> 24);
  }
  return bytes;
}

// Appends `bytes` in pieces of the given sizes, in turn, as an upload's body arrives.
Status AppendInPieces(WritableFile& file, std::string_view bytes, const std::vector<size_t>& sizes) {
  for (size_t i = 0; !bytes.empty(); ++i) {
    const size_t n = std::min(bytes.size(), sizes[i % sizes.size()]);
    AGORA_RETURN_IF_ERROR(file.Append(bytes.substr(0, n)));
    bytes.remove_prefix(n);
  }
  return Status::Ok();
}

// Block-aligned memory, as PipelinedHasher's chunks are.
struct FreeAligned {
  void operator()(char* p) const { std::free(p); }
};
std::unique_ptr<char, FreeAligned> AlignedCopy(std::string_view bytes) {
  std::unique_ptr<char, FreeAligned> copy(static_cast<char*>(std::aligned_alloc(4096, (bytes.size() + 4095) / 4096 * 4096)));
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  return copy;
}

// The file's pages in the page cache, or nullopt where cachestat(2) cannot tell or the file
// system has no other place for them (tmpfs).
std::optional<uint64_t> CachedPages(const std::string& path) {
  struct statfs fs{};
  if (::statfs(path.c_str(), &fs) != 0 || fs.f_type == TMPFS_MAGIC) return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  CacheStatRange range{0, 0};  // the whole file
  CacheStat stat{};
  const long rc = ::syscall(kCacheStatSyscall, fd, &range, &stat, 0);
  ::close(fd);
  if (rc != 0) return std::nullopt;
  return stat.nr_cache;
}

// Large block-aligned appends at block-aligned places go to the disk without the page cache
// (O_DIRECT); the others, before, between and after them, through it. The file reads back exactly
// as appended, a partial last block included.
TEST(PosixEnvTest, AlignedLargeAppendsBypassThePageCacheAndReadBackExactly) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string path = dir.Path("large");
  const std::string head = Pattern(1 << 20, 1), body = Pattern(16 << 20, 2), tail = Pattern((1 << 20) + 4097, 3);
  const auto aligned_body = AlignedCopy(body), aligned_tail = AlignedCopy(tail);
  {
    auto file = env.NewWritableFile(path);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(AppendInPieces(**file, head, {7777, 65536}).ok());  // through the page cache
    for (size_t at = 0; at < body.size(); at += 1 << 20)
      ASSERT_TRUE((*file)->Append(std::string_view(aligned_body.get() + at, 1 << 20)).ok());
    // Whole blocks directly, the last 1 byte through the page cache.
    ASSERT_TRUE((*file)->Append(std::string_view(aligned_tail.get(), tail.size())).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    // Unaligned in memory: through the page cache.
    ASSERT_TRUE((*file)->Append(std::string_view(aligned_body.get() + 1, 1 << 20)).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  const std::optional<uint64_t> cached = CachedPages(path);  // before reading fills the cache
  EXPECT_TRUE(*ReadFile(env, path) == head + body + tail + body.substr(1, 1 << 20)) << "the bytes differ";
  if (!cached) GTEST_SKIP() << "no cachestat(2) on this kernel, or a tmpfs";
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  // Buffered: the head, the tail's last page and the last MiB; the 17 MiB between went directly.
  EXPECT_LE(*cached * page, uint64_t{3} << 20) << *cached << " pages cached";
}

// A direct write that fails (here: past the file size limit, EFBIG) fails the Append that made it,
// with the file named, rather than leaving a short file behind a success.
TEST(PosixEnvTest, AFailedDirectWriteFailsTheAppend) {
  TempDir dir;
  struct rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = 10 << 20;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  const auto chunk = AlignedCopy(Pattern(4 << 20, 9));
  Status appended;
  {
    auto file = Env::Default()->NewWritableFile(dir.Path("f"));
    ASSERT_TRUE(file.ok());
    for (int i = 0; i < 4 && appended.ok(); ++i) appended = (*file)->Append(std::string_view(chunk.get(), 4 << 20));
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(appended.kind(), Status::Kind::kIOError) << appended.ToString();
  EXPECT_NE(appended.message().find(dir.Path("f")), std::string::npos) << appended.message();
}

TEST(PosixEnvTest, NewWritableFileTruncates) {
  TempDir dir;
  Env& env = *Env::Default();
  ASSERT_TRUE(WriteFile(env, dir.Path("f"), "a long first content").ok());
  ASSERT_TRUE(WriteFile(env, dir.Path("f"), "short").ok());
  EXPECT_EQ(*ReadFile(env, dir.Path("f")), "short");
}

TEST(PosixEnvTest, DestroyingAnUnclosedFileDropsBufferedBytes) {
  TempDir dir;
  Env& env = *Env::Default();
  {
    auto file = env.NewWritableFile(dir.Path("f"));
    ASSERT_TRUE((*file)->Append("buffered").ok());
  }
  EXPECT_EQ(*env.GetFileSize(dir.Path("f")), 0u);
}

TEST(PosixEnvTest, CreatesDirectoriesRenamesListsAndRemoves) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string nested = dir.Path("a/b/c");
  ASSERT_TRUE(env.CreateDirs(nested).ok());
  ASSERT_TRUE(env.CreateDirs(nested).ok()) << "creating an existing directory is not an error";
  ASSERT_TRUE(WriteFile(env, nested + "/one", "1").ok());
  ASSERT_TRUE(WriteFile(env, nested + "/two", "2").ok());
  ASSERT_TRUE(env.RenameFile(nested + "/one", nested + "/two").ok()) << "rename replaces the target";
  EXPECT_EQ(*ReadFile(env, nested + "/two"), "1");
  EXPECT_FALSE(env.FileExists(nested + "/one"));
  ASSERT_TRUE(env.CreateDirs(nested + "/sub").ok());
  auto names = env.ListDir(nested);
  ASSERT_TRUE(names.ok());
  std::sort(names->begin(), names->end());
  EXPECT_EQ(*names, (std::vector<std::string>{"sub", "two"})) << "no . or .. entries";
  EXPECT_TRUE(env.SyncDir(nested).ok());
  ASSERT_TRUE(env.RemoveFile(nested + "/two").ok());
  EXPECT_FALSE(env.FileExists(nested + "/two"));
}

TEST(PosixEnvTest, ErrorsNameThePathAndTheCause) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string missing = dir.Path("missing");
  const Status open = env.NewSequentialFile(missing).status();
  EXPECT_EQ(open.kind(), Status::Kind::kNotFound);
  EXPECT_NE(open.message().find(missing), std::string::npos) << open.message();
  EXPECT_NE(open.message().find("No such file"), std::string::npos) << open.message();
  EXPECT_EQ(env.GetFileSize(missing).status().kind(), Status::Kind::kNotFound);
  EXPECT_EQ(env.RemoveFile(missing).kind(), Status::Kind::kNotFound);
  EXPECT_FALSE(env.RenameFile(missing, dir.Path("x")).ok());
  EXPECT_FALSE(env.ListDir(missing).ok());
  EXPECT_FALSE(env.SyncDir(missing).ok());

  ASSERT_TRUE(WriteFile(env, dir.Path("plain"), "x").ok());
  const Status mkdir = env.CreateDirs(dir.Path("plain/sub"));  // a file where a directory should be
  EXPECT_EQ(mkdir.kind(), Status::Kind::kIOError);
  EXPECT_NE(mkdir.message().find(dir.Path("plain/sub")), std::string::npos) << mkdir.message();
  EXPECT_NE(mkdir.message().find("Not a directory"), std::string::npos) << mkdir.message();
  const Status listing = env.ListDir(dir.Path("plain")).status();
  EXPECT_EQ(listing.kind(), Status::Kind::kIOError);
  EXPECT_EQ(listing.http_status(), 500);
}

TEST(PosixEnvTest, DiskFullIsNoSpace) {
  if (!Env::Default()->FileExists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
  auto file = Env::Default()->NewWritableFile("/dev/full");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  // The buffer absorbs a small append; the error surfaces when the buffer is written out.
  ASSERT_TRUE((*file)->Append("x").ok());
  const Status synced = (*file)->Sync();
  EXPECT_EQ(synced.kind(), Status::Kind::kNoSpace) << synced.ToString();
  EXPECT_EQ(synced.http_status(), 507);
  EXPECT_NE(synced.message().find("/dev/full"), std::string::npos);
  const Status direct = (*file)->Append(std::string(1 << 20, 'x'));  // larger than the buffer
  EXPECT_EQ(direct.kind(), Status::Kind::kNoSpace) << direct.ToString();
}

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  Status Append() {
    AGORA_ASSIGN_OR_RETURN(auto file, env_.NewWritableFile(dir_.Path("f")));
    return file->Append("x");
  }

  TempDir dir_;
  FaultInjectionEnv env_{Env::Default()};
};

TEST_F(FaultInjectionEnvTest, FailsOnlyTheNthCallUnlessSticky) {
  env_.FailNth(Op::kAppend, 3, Fault::kNoSpace);
  EXPECT_TRUE(Append().ok());
  EXPECT_TRUE(Append().ok());
  const Status third = Append();
  EXPECT_EQ(third.kind(), Status::Kind::kNoSpace);
  EXPECT_TRUE(Append().ok()) << "a one-shot fault is spent";
  EXPECT_EQ(env_.calls(Op::kAppend), 4);
  EXPECT_EQ(env_.calls(Op::kNewWritableFile), 4);

  env_.FailNth(Op::kAppend, 1, Fault::kIOError, /*sticky=*/true);
  EXPECT_EQ(Append().kind(), Status::Kind::kIOError);
  EXPECT_EQ(Append().kind(), Status::Kind::kIOError);
  env_.Heal();
  EXPECT_TRUE(Append().ok());
}

TEST_F(FaultInjectionEnvTest, InjectsIntoEveryWrappedOperation) {
  ASSERT_TRUE(WriteFile(env_, dir_.Path("f"), "content").ok());

  env_.FailNth(Op::kNewWritableFile, 1, Fault::kNoSpace);
  EXPECT_EQ(env_.NewWritableFile(dir_.Path("g")).status().kind(), Status::Kind::kNoSpace);
  EXPECT_FALSE(env_.FileExists(dir_.Path("g"))) << "a failed open creates nothing";

  env_.FailNth(Op::kSync, 1, Fault::kIOError);
  EXPECT_EQ(env_.SyncFile(dir_.Path("f")).kind(), Status::Kind::kIOError);
  env_.FailNth(Op::kSync, 1, Fault::kNoSpace);
  EXPECT_EQ(WriteFile(env_, dir_.Path("h"), "x").kind(), Status::Kind::kNoSpace);

  env_.FailNth(Op::kRename, 1, Fault::kIOError);
  EXPECT_EQ(env_.RenameFile(dir_.Path("f"), dir_.Path("r")).kind(), Status::Kind::kIOError);
  EXPECT_TRUE(env_.FileExists(dir_.Path("f"))) << "a failed rename moves nothing";

  env_.FailNth(Op::kRead, 2, Fault::kIOError);
  auto file = env_.NewSequentialFile(dir_.Path("f"));
  ASSERT_TRUE(file.ok());
  char c;
  EXPECT_TRUE((*file)->Read(&c, 1).ok());
  EXPECT_EQ((*file)->Read(&c, 1).status().kind(), Status::Kind::kIOError);
  EXPECT_EQ(env_.calls(Op::kRead), 2);
  EXPECT_EQ(env_.calls(Op::kRename), 1);
}

TEST_F(FaultInjectionEnvTest, PassesThroughWhenNothingIsArmed) {
  ASSERT_TRUE(WriteFile(env_, dir_.Path("f"), "content").ok());
  EXPECT_EQ(*ReadFile(env_, dir_.Path("f")), "content");
  ASSERT_TRUE(env_.RenameFile(dir_.Path("f"), dir_.Path("g")).ok());
  EXPECT_EQ(*env_.GetFileSize(dir_.Path("g")), 7u);
  EXPECT_EQ(env_.ListDir(dir_.str())->size(), 1u);
  EXPECT_TRUE(env_.RemoveFile(dir_.Path("g")).ok());
}

}  // namespace
}  // namespace agora::storage
