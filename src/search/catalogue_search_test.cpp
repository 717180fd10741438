// CatalogueSearch over the real SQLite store: facets counted without their own selection, the
// status facet, the orders read off the index, ranking left to the engine, and an index that
// follows writes.
#include "search/catalogue_search.h"

#include <gtest/gtest.h>

#include "common/ids.h"
#include "storage/testing.h"

namespace agora::search {
namespace {

using assets::Lifecycle;

class CatalogueSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::OpenSqliteMetadataStore(dir_.str() + "/meta.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    search_ = std::make_unique<CatalogueSearch>(*store_);
  }

  void Put(const std::string& asset, const std::string& version, const std::string& type, const std::string& org,
           Lifecycle status, std::vector<std::string> tags = {}, std::vector<assets::TagValue> categories = {},
           std::vector<assets::TagValue> fields = {}, int64_t updated = 0) {
    assets::AssetVersion v;
    v.organization_id = org;
    v.coordinates = {org, asset, version};
    v.type = type;
    v.name = asset + " orders";
    v.status = status;
    v.tags = std::move(tags);
    v.categories = std::move(categories);
    v.fields = std::move(fields);
    v.created_millis = v.updated_millis = updated ? updated : NowMillis();
    ASSERT_TRUE(store_->PutVersion(v).ok());
  }

  SearchResult Search(const storage::AssetQuery& q, const std::vector<std::string>& readable) {
    auto result = search_->Search(q, readable);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::move(result).value() : SearchResult{};
  }

  static std::vector<std::string> Names(const SearchResult& r) {
    std::vector<std::string> names;
    for (const auto& v : r.versions) names.push_back(v.coordinates.asset_id + "@" + v.coordinates.version);
    return names;
  }

  // a: 1.0.0 deprecated, 2.0.0 published; b: development custom; c: another organisation's; d: unreadable.
  void Catalogue() {
    Put("a", "1.0.0", "rest-api", "org-1", Lifecycle::kPublished, {"x"});
    ASSERT_TRUE(store_->SetVersionStatus({"org-1", "a", "1.0.0"}, Lifecycle::kDeprecated, NowMillis()).ok());
    Put("a", "2.0.0", "rest-api", "org-1", Lifecycle::kPublished, {"x", "y"}, {{"domain", {"Sales"}}});
    Put("b", "1.0.0", "custom", "org-1", Lifecycle::kDevelopment, {"x"}, {}, {{"owner", {"Team T"}}});
    Put("c", "1.0.0", "rest-api", "org-2", Lifecycle::kPublished, {"y"}, {{"domain", {"Finance"}}});
    Put("d", "1.0.0", "rest-api", "org-3", Lifecycle::kPublished, {"z"});
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::MetadataStore> store_;
  std::unique_ptr<CatalogueSearch> search_;
};

TEST_F(CatalogueSearchTest, EachFacetCountsWithoutItsOwnSelection) {
  Catalogue();
  storage::AssetQuery q;
  q.organization_ids = {"org-1", "org-2"};
  q.types = {"rest-api"};
  const auto r = Search(q, {"org-1", "org-2"});
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(Names(r), (std::vector<std::string>{"a@2.0.0", "c@1.0.0"})) << "by name, without words";
  EXPECT_EQ(r.facets.types, (std::vector<FacetCount>{{"rest-api", 2}, {"custom", 1}})) << "types without the type filter";
  EXPECT_EQ(r.facets.organizations, (std::vector<FacetCount>{{"org-1", 1}, {"org-2", 1}}));
  EXPECT_EQ(r.facets.statuses, (std::vector<FacetCount>{{"published", 2}, {"deprecated", 1}}))
      << "a status counts what the search finds with that status asked for: a@1.0.0 is deprecated";
  EXPECT_EQ(r.facets.tags, (std::vector<FacetCount>{{"y", 2}, {"x", 1}}));
  ASSERT_EQ(r.facets.tag_values.size(), 1u);
  EXPECT_EQ(r.facets.tag_values[0].key, "domain");
  EXPECT_EQ(r.facets.tag_values[0].values, (std::vector<FacetCount>{{"Finance", 1}, {"Sales", 1}}));
}

TEST_F(CatalogueSearchTest, SelectionsNarrowOtherFacetsAndTheOrganisationFacetCountsAllReadable) {
  Catalogue();
  storage::AssetQuery q;
  q.organization_ids = {"org-1"};
  q.types = {"rest-api"};
  q.tag_values = {{"category", "domain", "Sales"}};
  const auto r = Search(q, {"org-1", "org-2"});
  EXPECT_EQ(r.total, 1u);
  EXPECT_EQ(Names(r), (std::vector<std::string>{"a@2.0.0"}));
  EXPECT_EQ(r.facets.organizations, (std::vector<FacetCount>{{"org-1", 1}})) << "org-2's REST API is Finance";
  EXPECT_EQ(r.facets.tag_values[0].values, (std::vector<FacetCount>{{"Sales", 1}})) << "org-1 has no Finance API";
  q.statuses = {"deprecated"};
  q.tag_values.clear();
  const auto deprecated = Search(q, {"org-1", "org-2"});
  EXPECT_EQ(Names(deprecated), (std::vector<std::string>{"a@1.0.0"})) << "the latest deprecated version stands in";
  EXPECT_EQ(deprecated.facets.statuses, (std::vector<FacetCount>{{"deprecated", 1}, {"published", 1}}));
}

TEST_F(CatalogueSearchTest, OnlyReadableOrganisationsAreCounted) {
  Catalogue();
  storage::AssetQuery q;
  q.organization_ids = {"org-1", "org-3"};  // a caller's mistake must not reveal org-3
  const auto r = Search(q, {"org-1"});
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(r.facets.organizations, (std::vector<FacetCount>{{"org-1", 2}}));
  for (const auto& tag : r.facets.tags) EXPECT_NE(tag.value, "z");
}

TEST_F(CatalogueSearchTest, WordsNarrowTheCountsAndRankingIsTheEngines) {
  Catalogue();
  storage::AssetQuery q;
  q.organization_ids = {"org-1", "org-2", "org-3"};
  q.search = "b ord";
  auto r = Search(q, q.organization_ids);
  EXPECT_EQ(r.total, 1u);
  EXPECT_EQ(Names(r), (std::vector<std::string>{"b@1.0.0"}));
  EXPECT_EQ(r.facets.types, (std::vector<FacetCount>{{"custom", 1}}));
  q.search = "nothing-like-this";
  r = Search(q, q.organization_ids);
  EXPECT_EQ(r.total, 0u);
  EXPECT_TRUE(r.facets.types.empty());
  q.search = "***";
  EXPECT_EQ(Search(q, q.organization_ids).total, 4u) << "no words: everything";
}

TEST_F(CatalogueSearchTest, OrdersAndPagesFromTheIndex) {
  Put("zeta", "1.0.0", "custom", "org-1", Lifecycle::kPublished, {}, {}, {}, 3000);
  Put("Alpha", "1.0.0", "custom", "org-1", Lifecycle::kPublished, {}, {}, {}, 1000);
  Put("beta", "1.0.0", "custom", "org-1", Lifecycle::kPublished, {}, {}, {}, 2000);
  storage::AssetQuery q;
  q.organization_ids = {"org-1"};
  EXPECT_EQ(Names(Search(q, {"org-1"})), (std::vector<std::string>{"Alpha@1.0.0", "beta@1.0.0", "zeta@1.0.0"}))
      << "by name, ignoring case";
  q.sort = "updatedDate";
  q.ascending = false;
  EXPECT_EQ(Names(Search(q, {"org-1"})), (std::vector<std::string>{"zeta@1.0.0", "beta@1.0.0", "Alpha@1.0.0"}));
  q.offset = 1;
  q.limit = 1;
  const auto page = Search(q, {"org-1"});
  EXPECT_EQ(Names(page), (std::vector<std::string>{"beta@1.0.0"}));
  EXPECT_EQ(page.total, 3u);
}

TEST_F(CatalogueSearchTest, TheIndexFollowsWrites) {
  Catalogue();
  storage::AssetQuery q;
  q.organization_ids = {"org-1"};
  EXPECT_EQ(Search(q, {"org-1"}).total, 2u);
  Put("e", "1.0.0", "custom", "org-1", Lifecycle::kPublished);
  EXPECT_EQ(Search(q, {"org-1"}).total, 3u);
  ASSERT_TRUE(store_->SetVersionTags({"org-1", "e", "1.0.0"}, {"fresh"}).ok());
  q.tags = {"fresh"};
  EXPECT_EQ(Names(Search(q, {"org-1"})), (std::vector<std::string>{"e@1.0.0"}));
  ASSERT_TRUE(store_->DeleteVersion({"org-1", "e", "1.0.0"}, /*soft=*/false, NowMillis()).ok());
  EXPECT_EQ(Search(q, {"org-1"}).total, 0u);
}

}  // namespace
}  // namespace agora::search
