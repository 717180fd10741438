#include "exchange/response_cache.h"

#include <gtest/gtest.h>

namespace agora::exchange {
namespace {

ResponseCache::Entry EntryAt(uint64_t generation, int64_t created, const std::string& body = "{}") {
  return {std::make_shared<const std::string>(body), "org-1", generation, created};
}

TEST(ResponseCacheTest, AnEntryIsCurrentUntilTheStoreChangesOrItAges) {
  ResponseCache cache(/*max_age_millis=*/1000);
  EXPECT_FALSE(cache.Get("k", 7, 0));
  cache.Put("k", EntryAt(7, 100, R"({"a":1})"));
  auto hit = cache.Get("k", 7, 500);
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit->body, R"({"a":1})");
  EXPECT_EQ(hit->organization_id, "org-1");
  EXPECT_FALSE(cache.Get("k", 8, 500)) << "a write since it was built";
  EXPECT_FALSE(cache.Get("k", 7, 1100)) << "older than the maximum age";
  EXPECT_FALSE(cache.Get("other", 7, 500));
}

TEST(ResponseCacheTest, ANewerEntryReplacesTheOld) {
  ResponseCache cache;
  cache.Put("k", EntryAt(1, 0, "old"));
  cache.Put("k", EntryAt(2, 0, "new"));
  EXPECT_FALSE(cache.Get("k", 1, 0));
  EXPECT_EQ(*cache.Get("k", 2, 0)->body, "new");
}

TEST(ResponseCacheTest, ItStaysWithinItsBound) {
  ResponseCache cache(60'000, /*max_entries=*/2);
  cache.Put("a", EntryAt(1, 0));
  cache.Put("b", EntryAt(1, 0));
  cache.Put("b", EntryAt(1, 0));
  EXPECT_TRUE(cache.Get("a", 1, 0)) << "replacing an entry does not count as growth";
  cache.Put("c", EntryAt(1, 0));
  EXPECT_TRUE(cache.Get("c", 1, 0));
  EXPECT_FALSE(cache.Get("a", 1, 0)) << "the third key started the cache over";
}

}  // namespace
}  // namespace agora::exchange
