// PipelinedHasher must give exactly MultiHasher's digests whatever the sizes and split points,
// pass every byte on to its sink once and in order, start its workers only past the inline
// threshold, bound its memory and threads, and stop cleanly when destroyed without Finish or when
// its sink fails.
#include "common/pipelined_hasher.h"

#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace agora {
namespace {

// Small sizes keep the tests fast while crossing the same thresholds as the defaults.
constexpr PipelinedHasher::Options kSmall{/*inline_bytes=*/1000, /*chunk_bytes=*/256, /*chunks=*/3};

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

Digests OneShot(const std::string& bytes) {
  MultiHasher hasher;
  hasher.Update(bytes.data(), bytes.size());
  return hasher.Finish();
}

// Feeds `bytes` in pieces of `piece` bytes; the first failure.
Status Feed(PipelinedHasher& hasher, std::string_view bytes, size_t piece) {
  for (size_t at = 0; at < bytes.size(); at += piece)
    AGORA_RETURN_IF_ERROR(hasher.Update(bytes.data() + at, std::min(piece, bytes.size() - at)));
  return Status::Ok();
}

// The digests of a hasher whose sink, if any, did not fail.
Digests FinishOk(PipelinedHasher& hasher) {
  Result<Digests> digests = hasher.Finish();
  EXPECT_TRUE(digests.ok()) << digests.status().ToString();
  return digests.ok() ? *digests : Digests{};
}

void ExpectSameDigests(const Digests& got, const Digests& want, const std::string& context) {
  EXPECT_EQ(got.md5, want.md5) << context;
  EXPECT_EQ(got.sha1, want.sha1) << context;
  EXPECT_EQ(got.sha256, want.sha256) << context;
}

// The threads of this process, from /proc/self/task.
int ThreadCount() {
  int count = 0;
  DIR* dir = opendir("/proc/self/task");
  while (dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  closedir(dir);
  return count;
}

// The thread count once joined threads are gone: a joined thread can stay listed in /proc for a
// moment after pthread_join returns (its exit wakes the joiner before the kernel reaps it).
int SettledThreadCount(int expected) {
  int count = ThreadCount();
  for (int wait = 0; count != expected && wait < 200; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    count = ThreadCount();
  }
  return count;
}

TEST(PipelinedHasherTest, EmptyInputHasTheKnownDigests) {
  PipelinedHasher hasher;
  const Digests d = FinishOk(hasher);
  EXPECT_EQ(d.md5, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(d.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(d.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_FALSE(hasher.pipelined());
}

// Every size around the inline threshold and the chunk boundaries after it, each fed in pieces
// of several sizes (1 byte, odd sizes that straddle boundaries, a chunk, all at once).
TEST(PipelinedHasherTest, DigestsEqualTheOneShotOnesAroundEveryThreshold) {
  std::vector<size_t> sizes = {0, 1, 255, 256, 257};
  for (size_t base : {kSmall.inline_bytes, kSmall.inline_bytes + kSmall.chunk_bytes,
                      kSmall.inline_bytes + kSmall.chunks * kSmall.chunk_bytes,
                      kSmall.inline_bytes + 5 * kSmall.chunks * kSmall.chunk_bytes})
    for (size_t delta : {size_t{0}, size_t{1}, size_t{2}})
      for (size_t size : {base - delta, base + delta}) sizes.push_back(size);
  for (size_t size : sizes) {
    const std::string bytes = RandomBytes(size, static_cast<unsigned>(size));
    const Digests want = OneShot(bytes);
    for (size_t piece : {size_t{1}, size_t{7}, size_t{255}, kSmall.chunk_bytes, size_t{1001}, size + 1}) {
      PipelinedHasher hasher(kSmall);
      ASSERT_TRUE(Feed(hasher, bytes, piece).ok());
      const std::string context = "size " + std::to_string(size) + ", pieces of " + std::to_string(piece);
      ExpectSameDigests(FinishOk(hasher), want, context);
      EXPECT_EQ(hasher.pipelined(), size > kSmall.inline_bytes) << context;
    }
  }
}

TEST(PipelinedHasherTest, DefaultOptionsMatchOnAMultiMegabyteStream) {
  const std::string bytes = RandomBytes((11 << 20) + 12345, 42);  // more than the whole pool
  PipelinedHasher hasher;
  ASSERT_TRUE(Feed(hasher, bytes, 65000).ok());
  ExpectSameDigests(FinishOk(hasher), OneShot(bytes), "11 MiB");
  EXPECT_TRUE(hasher.pipelined());
}

TEST(PipelinedHasherTest, SmallStreamsStartNoThread) {
  const int before = ThreadCount();
  PipelinedHasher hasher;  // the default threshold: 1 MiB
  const std::string bytes = RandomBytes(1 << 20, 3);
  ASSERT_TRUE(hasher.Update(bytes.data(), bytes.size()).ok());
  EXPECT_EQ(ThreadCount(), before);
  EXPECT_FALSE(hasher.pipelined());
  ASSERT_TRUE(hasher.Update("x", 1).ok());
  EXPECT_TRUE(hasher.pipelined()) << "one byte past the threshold starts the workers";
  EXPECT_EQ(ThreadCount(), before + 2);
  ExpectSameDigests(FinishOk(hasher), OneShot(bytes + "x"), "1 MiB + 1");
  EXPECT_EQ(SettledThreadCount(before), before) << "Finish joins the workers";
}

// An upload that fails half-way destroys its writer, and so the hasher, without Finish: the
// workers must stop, with chunks still queued, and leave no thread or slot behind.
TEST(PipelinedHasherTest, DestructionWithoutFinishStopsTheWorkers) {
  const int before = ThreadCount();
  const std::string bytes = RandomBytes(4 << 20, 5);
  for (int round = 0; round < 20; ++round) {
    auto hasher = std::make_unique<PipelinedHasher>(
        PipelinedHasher::Options{/*inline_bytes=*/0, /*chunk_bytes=*/64 << 10, /*chunks=*/4});
    ASSERT_TRUE(hasher->Update(bytes.data(), bytes.size() / (1 + round % 4)).ok());
    EXPECT_TRUE(hasher->pipelined());
    hasher.reset();
    EXPECT_EQ(SettledThreadCount(before), before) << "round " << round;
    EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
  }
}

TEST(PipelinedHasherTest, AtMostKMaxPipelinesUseThreadsAndTheOthersHashInline) {
  const std::string bytes = RandomBytes(5000, 9);
  const Digests want = OneShot(bytes);
  std::vector<std::unique_ptr<PipelinedHasher>> hashers;
  for (int i = 0; i < PipelinedHasher::kMaxPipelines + 2; ++i) {
    hashers.push_back(std::make_unique<PipelinedHasher>(kSmall));
    ASSERT_TRUE(hashers.back()->Update(bytes.data(), bytes.size()).ok());
    EXPECT_EQ(hashers.back()->pipelined(), i < PipelinedHasher::kMaxPipelines) << i;
  }
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), PipelinedHasher::kMaxPipelines);
  for (auto& hasher : hashers) ExpectSameDigests(FinishOk(*hasher), want, "concurrent hasher");
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0) << "Finish gives the slot back";
  PipelinedHasher again(kSmall);
  ASSERT_TRUE(again.Update(bytes.data(), bytes.size()).ok());
  EXPECT_TRUE(again.pipelined()) << "slots are reused";
  ExpectSameDigests(FinishOk(again), want, "after the others finished");
}

// Hashers on several threads at once share only the slot counter.
TEST(PipelinedHasherTest, ConcurrentHashersOnSeveralThreadsAgree) {
  const std::string bytes = RandomBytes(300000, 11);
  const Digests want = OneShot(bytes);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        PipelinedHasher hasher(PipelinedHasher::Options{4096, 4096, 2});
        if (!Feed(hasher, bytes, 10000).ok()) ++wrong;
        const Result<Digests> digests = hasher.Finish();
        const Digests got = digests.ok() ? *digests : Digests{};
        if (got.md5 != want.md5 || got.sha1 != want.sha1 || got.sha256 != want.sha256) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
}

// What a sink was given: the bytes, and the stream offsets and addresses of the pieces.
struct Received {
  std::string bytes;
  std::vector<std::pair<size_t, const char*>> pieces;
};

PipelinedHasher::Sink Recorder(Received& received) {
  return [&received](std::string_view data) {
    received.pieces.emplace_back(received.bytes.size(), data.data());
    received.bytes.append(data);
    return Status::Ok();
  };
}

// The sink gets every byte once, in order, whatever the sizes and split points; past the inline
// bytes, in whole chunks (the last one partial) that start at multiples of chunk_bytes in the
// stream and at block-aligned addresses, so that a file may write them with O_DIRECT.
TEST(PipelinedHasherTest, TheSinkGetsEveryByteInOrderAndAlignedChunksPastTheInlineBytes) {
  constexpr PipelinedHasher::Options kAligned{/*inline_bytes=*/8192, /*chunk_bytes=*/4096, /*chunks=*/3};
  for (size_t size : {size_t{0}, size_t{100}, size_t{8192}, size_t{8193}, size_t{5 * 4096}, size_t{40000}}) {
    const std::string bytes = RandomBytes(size, static_cast<unsigned>(size) + 1);
    for (size_t piece : {size_t{1}, size_t{999}, size_t{4096}, size + 1}) {
      Received received;
      PipelinedHasher hasher(kAligned, Recorder(received));
      ASSERT_TRUE(Feed(hasher, bytes, piece).ok());
      const std::string context = "size " + std::to_string(size) + ", pieces of " + std::to_string(piece);
      ExpectSameDigests(FinishOk(hasher), OneShot(bytes), context);
      EXPECT_TRUE(received.bytes == bytes) << context;
      for (const auto& [offset, address] : received.pieces) {
        if (offset < kAligned.inline_bytes) continue;
        EXPECT_EQ((offset - kAligned.inline_bytes) % kAligned.chunk_bytes, 0u) << context << ", offset " << offset;
        EXPECT_EQ(reinterpret_cast<uintptr_t>(address) % PipelinedHasher::kChunkAlignment, 0u) << context;
      }
    }
  }
}

TEST(PipelinedHasherTest, ASinkTakesAThirdWorker) {
  const int before = ThreadCount();
  Received received;
  PipelinedHasher hasher(kSmall, Recorder(received));
  const std::string bytes = RandomBytes(kSmall.inline_bytes + 1, 4);
  ASSERT_TRUE(hasher.Update(bytes.data(), bytes.size()).ok());
  EXPECT_EQ(ThreadCount(), before + 3);
  FinishOk(hasher);
  EXPECT_EQ(SettledThreadCount(before), before);
  EXPECT_TRUE(received.bytes == bytes);
}

// A sink that fails (a full disk) fails the stream: at once while inline, at a later Update or at
// Finish once pipelined; it is not called again, and the workers stop.
TEST(PipelinedHasherTest, ASinkFailureFailsTheStreamAndStopsTheWorkers) {
  const std::string bytes = RandomBytes(40 * kSmall.chunk_bytes, 6);
  for (size_t fail_at : {size_t{0}, kSmall.inline_bytes, kSmall.inline_bytes + 5 * kSmall.chunk_bytes}) {
    std::atomic<size_t> passed{0}, calls_after_failure{0};
    std::atomic<bool> failed{false};
    PipelinedHasher hasher(kSmall, [&](std::string_view data) {
      if (failed) ++calls_after_failure;
      if (passed + data.size() > fail_at) {
        failed = true;
        return Status::NoSpace("disk full");
      }
      passed += data.size();
      return Status::Ok();
    });
    const Status fed = Feed(hasher, bytes, 100);
    const Status finished = fed.ok() ? hasher.Finish().status() : fed;
    const std::string context = "failing at " + std::to_string(fail_at);
    EXPECT_EQ(finished.kind(), Status::Kind::kNoSpace) << context;
    if (fail_at < kSmall.inline_bytes) EXPECT_EQ(fed.kind(), Status::Kind::kNoSpace) << "inline: at once";
    EXPECT_EQ(calls_after_failure, 0u) << context;
  }
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
  // Failing on the first chunk past the inline bytes, the producer learns it within the pool's
  // depth, not at the stream's end.
  size_t sunk = 0;
  PipelinedHasher hasher(kSmall, [&sunk](std::string_view data) {
    if (sunk >= kSmall.inline_bytes) return Status::IOError("broken");
    sunk += data.size();
    return Status::Ok();
  });
  ASSERT_TRUE(hasher.Update(bytes.data(), kSmall.inline_bytes).ok());
  size_t accepted = 0;
  while (accepted < 40 && hasher.Update(bytes.data(), kSmall.chunk_bytes).ok()) ++accepted;
  EXPECT_LE(accepted, kSmall.chunks + 2) << "chunks accepted after the sink failed";
}

}  // namespace
}  // namespace agora
