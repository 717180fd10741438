// Tests of the POSIX Env and of FaultInjectionEnv.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "storage/direct_io_writer.h"
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

// Past 8 MiB a file is written with O_DIRECT by a writer thread of its own: the bytes read back
// are exactly those appended, in odd-sized pieces, with an unaligned end; a file that goes on
// after a Sync picks up where it was.
TEST(PosixEnvTest, LargeFilesAreWrittenDirectlyAndReadBackExactly) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string path = dir.Path("large");
  const std::string first = Pattern((20 << 20) + 12345, 7), second = Pattern((9 << 20) + 3, 8);
  {
    auto file = env.NewWritableFile(path);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(AppendInPieces(**file, std::string_view(first).substr(0, 6 << 20), {7777, 65536, 300001}).ok());
    EXPECT_EQ(DirectIoWriter::Active(), 0);  // small so far: through the page cache
    ASSERT_TRUE(AppendInPieces(**file, std::string_view(first).substr(6 << 20), {7777, 65536, 300001}).ok());
    EXPECT_EQ(DirectIoWriter::Active(), 1);
    ASSERT_TRUE((*file)->Sync().ok());
    EXPECT_EQ(DirectIoWriter::Active(), 0);
    ASSERT_TRUE(AppendInPieces(**file, second, {1 << 20, 4095}).ok());
    ASSERT_TRUE((*file)->Close().ok());
  }
  EXPECT_EQ(DirectIoWriter::Active(), 0);
  EXPECT_EQ(*env.GetFileSize(path), first.size() + second.size());
  EXPECT_TRUE(*ReadFile(env, path) == first + second) << "the file's bytes differ from those appended";
}

// At most kMaxWriters files are written directly at once; the others go through the page cache,
// and every one of them is right.
TEST(PosixEnvTest, DirectWritersAreBoundedAndTheOthersStayBuffered) {
  TempDir dir;
  Env& env = *Env::Default();
  const std::string bytes = Pattern((9 << 20) + 1, 3);
  std::vector<std::unique_ptr<WritableFile>> files;
  for (int i = 0; i <= DirectIoWriter::kMaxWriters; ++i) {
    auto file = env.NewWritableFile(dir.Path("f" + std::to_string(i)));
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(AppendInPieces(**file, bytes, {1 << 20}).ok());
    files.push_back(std::move(*file));
  }
  EXPECT_EQ(DirectIoWriter::Active(), DirectIoWriter::kMaxWriters);
  for (auto& file : files) ASSERT_TRUE(file->Close().ok());
  EXPECT_EQ(DirectIoWriter::Active(), 0);
  for (int i = 0; i <= DirectIoWriter::kMaxWriters; ++i)
    EXPECT_TRUE(*ReadFile(env, dir.Path("f" + std::to_string(i))) == bytes) << "file " << i;
}

// An abandoned large file stops its writer; nothing is left running or written afterwards.
TEST(PosixEnvTest, DestroyingAnUnclosedLargeFileStopsItsWriter) {
  TempDir dir;
  {
    auto file = Env::Default()->NewWritableFile(dir.Path("f"));
    ASSERT_TRUE(AppendInPieces(**file, Pattern(12 << 20, 5), {1 << 20}).ok());
    EXPECT_EQ(DirectIoWriter::Active(), 1);
  }
  EXPECT_EQ(DirectIoWriter::Active(), 0);
}

// A write the writer thread fails (here: past the file size limit, EFBIG) fails the file: Sync
// reports it rather than leaving a short file behind a success.
TEST(PosixEnvTest, AFailedDirectWriteFailsTheFile) {
  TempDir dir;
  struct rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limited = saved;
  limited.rlim_cur = 10 << 20;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  Status appended, synced;
  {
    auto file = Env::Default()->NewWritableFile(dir.Path("f"));
    ASSERT_TRUE(file.ok());
    appended = AppendInPieces(**file, Pattern(16 << 20, 9), {1 << 20});
    synced = (*file)->Sync();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(appended.ok() && synced.ok());
  const Status failure = appended.ok() ? synced : appended;
  EXPECT_EQ(failure.kind(), Status::Kind::kIOError) << failure.ToString();
  EXPECT_NE(failure.message().find(dir.Path("f")), std::string::npos) << failure.message();
  EXPECT_EQ(DirectIoWriter::Active(), 0);
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
