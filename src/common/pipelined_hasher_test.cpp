// PipelinedHasher must give exactly MultiHasher's digests whatever the sizes and split points,
// start its workers only past the inline threshold, bound its memory and threads, and stop
// cleanly when destroyed without Finish.
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
  const Digests d = hasher.Finish();
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
      for (size_t at = 0; at < size; at += piece) hasher.Update(bytes.data() + at, std::min(piece, size - at));
      const std::string context = "size " + std::to_string(size) + ", pieces of " + std::to_string(piece);
      ExpectSameDigests(hasher.Finish(), want, context);
      EXPECT_EQ(hasher.pipelined(), size > kSmall.inline_bytes) << context;
    }
  }
}

TEST(PipelinedHasherTest, DefaultOptionsMatchOnAMultiMegabyteStream) {
  const std::string bytes = RandomBytes((11 << 20) + 12345, 42);  // more than the whole pool
  PipelinedHasher hasher;
  for (size_t at = 0; at < bytes.size(); at += 65000)
    hasher.Update(bytes.data() + at, std::min<size_t>(65000, bytes.size() - at));
  ExpectSameDigests(hasher.Finish(), OneShot(bytes), "11 MiB");
  EXPECT_TRUE(hasher.pipelined());
}

TEST(PipelinedHasherTest, SmallStreamsStartNoThread) {
  const int before = ThreadCount();
  PipelinedHasher hasher;  // the default threshold: 1 MiB
  const std::string bytes = RandomBytes(1 << 20, 3);
  hasher.Update(bytes.data(), bytes.size());
  EXPECT_EQ(ThreadCount(), before);
  EXPECT_FALSE(hasher.pipelined());
  hasher.Update("x", 1);
  EXPECT_TRUE(hasher.pipelined()) << "one byte past the threshold starts the workers";
  EXPECT_EQ(ThreadCount(), before + 2);
  ExpectSameDigests(hasher.Finish(), OneShot(bytes + "x"), "1 MiB + 1");
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
    hasher->Update(bytes.data(), bytes.size() / (1 + round % 4));
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
    hashers.back()->Update(bytes.data(), bytes.size());
    EXPECT_EQ(hashers.back()->pipelined(), i < PipelinedHasher::kMaxPipelines) << i;
  }
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), PipelinedHasher::kMaxPipelines);
  for (auto& hasher : hashers) ExpectSameDigests(hasher->Finish(), want, "concurrent hasher");
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0) << "Finish gives the slot back";
  PipelinedHasher again(kSmall);
  again.Update(bytes.data(), bytes.size());
  EXPECT_TRUE(again.pipelined()) << "slots are reused";
  ExpectSameDigests(again.Finish(), want, "after the others finished");
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
        for (size_t at = 0; at < bytes.size(); at += 10000)
          hasher.Update(bytes.data() + at, std::min<size_t>(10000, bytes.size() - at));
        const Digests got = hasher.Finish();
        if (got.md5 != want.md5 || got.sha1 != want.sha1 || got.sha256 != want.sha256) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(PipelinedHasher::ActivePipelines(), 0);
}

}  // namespace
}  // namespace agora
