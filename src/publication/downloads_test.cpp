#include "publication/downloads.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/ids.h"
#include "storage/testing.h"

namespace agora::publication {
namespace {

class DownloadCounterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenSqliteMetadataStore(dir_.Path("agora.db"));
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    assets::AssetVersion v;
    v.organization_id = "org";
    v.coordinates = {"org", "lib", "1.0.0"};
    v.type = "custom";
    v.name = "Lib";
    v.created_millis = v.updated_millis = NowMillis();
    ASSERT_TRUE(store_->PutVersion(v).ok());
  }

  int64_t Downloads() {
    auto usage = store_->GetUsage("org", "lib", DayOf(NowMillis()));
    EXPECT_TRUE(usage.ok());
    return usage.ok() && !usage->empty() ? (*usage)[0].downloads_since : -1;
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> store_;
};

TEST_F(DownloadCounterTest, CountsReachTheStoreInBatchesAndWhenStopped) {
  {
    DownloadCounter counter(*store_, std::chrono::milliseconds(20));
    for (int i = 0; i < 3; ++i) counter.Count({"org", "lib", "1.0.0"});
    for (int i = 0; i < 200 && Downloads() != 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(Downloads(), 3) << "a batch period later";
    counter.Count({"org", "lib", "1.0.0"});
    counter.Count({"org", "gone", "1.0.0"});  // an unknown version is dropped, not an error
  }
  EXPECT_EQ(Downloads(), 4) << "the last counts are added when the counter stops";
}

TEST_F(DownloadCounterTest, FlushAddsWhatWasCountedOnce) {
  DownloadCounter counter(*store_, std::chrono::hours(1));
  counter.Count({"org", "lib", "1.0.0"});
  ASSERT_TRUE(counter.Flush().ok());
  ASSERT_TRUE(counter.Flush().ok());
  EXPECT_EQ(Downloads(), 1);
}

}  // namespace
}  // namespace agora::publication
