#include "portal/search_page.h"

#include <gtest/gtest.h>

#include "server/fake_request.h"

namespace agora::portal {
namespace {

SearchState Parse(std::vector<std::pair<std::string, std::string>> query) {
  server::FakeRequest request("GET", "/exchange/");
  request.query_ = std::move(query);
  return SearchState::FromRequest(request);
}

std::string Render(const SearchState& state, const SearchView& view, const Directory& directory) {
  Html html;
  RenderSearchResults(html, state, view, directory);
  return html.Take();
}

bool Contains(const std::string& html, const std::string& part) { return html.find(part) != std::string::npos; }

TEST(SearchStateTest, RoundTripsThroughTheUrl) {
  const SearchState state = Parse({{"q", "orders api"}, {"type", "rest-api"}, {"type", "soap-api"}, {"org", "o1"},
                                   {"status", "published"}, {"tag", "a b"}, {"category", "domain:Sales"},
                                   {"field", "owner:Team: T"}, {"sort", "name"}, {"page", "3"}});
  EXPECT_EQ(state.Url(), "/exchange/?q=orders%20api&type=rest-api&type=soap-api&org=o1&status=published&tag=a%20b"
                         "&category=domain%3ASales&field=owner%3ATeam%3A%20T&sort=name&page=3");
  ASSERT_EQ(state.tag_values.size(), 2u);
  EXPECT_EQ(state.tag_values[1].key, "owner");
  EXPECT_EQ(state.tag_values[1].value, "Team: T");
  const auto query = state.Query({"o1", "o2"});
  EXPECT_EQ(query.organization_ids, (std::vector<std::string>{"o1"}));
  EXPECT_EQ(query.offset, 40u);
  EXPECT_EQ(query.limit, kResultsPerPage);
  EXPECT_EQ(query.sort, "name");
  EXPECT_TRUE(query.ascending);
}

TEST(SearchStateTest, IgnoresWhatMakesNoSenseAndBoundsTheRest) {
  const SearchState state = Parse({{"page", "-1"}, {"page", "x"}, {"sort", "'; DROP"}, {"status", "bogus"},
                                   {"category", "no-colon"}, {"field", ":no-key"}, {"q", std::string(5000, 'a')}});
  EXPECT_EQ(state.page, 1u);
  EXPECT_TRUE(state.sort.empty());
  EXPECT_TRUE(state.statuses.empty());
  EXPECT_TRUE(state.tag_values.empty());
  EXPECT_EQ(state.q.size(), 256u);
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 100; ++i) many.emplace_back("tag", "t" + std::to_string(i));
  many.emplace_back("page", "999999999999");
  const SearchState bounded = Parse(many);
  EXPECT_EQ(bounded.tags.size(), 20u);
  EXPECT_EQ(bounded.page, 500u);
}

TEST(SearchStateTest, DefaultSortIsRelevanceWithWordsElseLastUpdate) {
  EXPECT_EQ(Parse({}).EffectiveSort(), "updated");
  EXPECT_EQ(Parse({{"q", "x"}}).EffectiveSort(), "relevance");
  EXPECT_EQ(Parse({{"q", "***"}, {"sort", "relevance"}}).EffectiveSort(), "updated");
  const auto query = Parse({}).Query({"o"});
  EXPECT_EQ(query.sort, "updatedDate");
  EXPECT_FALSE(query.ascending) << "newest first";
}

TEST(SearchStateTest, OnlyReadableOrganisationsAreEverSearched) {
  EXPECT_EQ(Parse({}).Query({"o1", "o2"}).organization_ids, (std::vector<std::string>{"o1", "o2"}));
  EXPECT_EQ(Parse({{"org", "other"}}).Query({"o1"}).organization_ids, (std::vector<std::string>{""}))
      << "an unreadable selection selects nothing, never everything";
}

TEST(SearchStateTest, TogglingAFacetValueAddsOrRemovesItFromPageOne) {
  const SearchState state = Parse({{"q", "x"}, {"type", "rest-api"}, {"page", "4"}});
  EXPECT_EQ(state.Toggled("type", "rest-api").Url(), "/exchange/?q=x");
  EXPECT_EQ(state.Toggled("tag", "t").Url(), "/exchange/?q=x&type=rest-api&tag=t");
  EXPECT_EQ(state.Toggled("category", "k:v").Url(), "/exchange/?q=x&type=rest-api&category=k%3Av");
  EXPECT_TRUE(state.Toggled("category", "k:v").Selected("category", "k:v"));
}

TEST(HighlightTest, MarksWordsThatASearchWordStarts) {
  Html html;
  Highlight(html, "Customer <Orders> API, reorder", QueryWords("ORD cust"));
  EXPECT_EQ(html.str(), "<mark>Cust</mark>omer &lt;<mark>Ord</mark>ers&gt; API, reorder");
  EXPECT_EQ(QueryWords("  Flights-API café "), (std::vector<std::string>{"flights", "api", "caf\xC3\xA9"}));
}

TEST(HighlightTest, ExcerptsShowTheFirstMatch) {
  const std::string text = std::string(300, 'a') + " needle " + std::string(300, 'b');
  const std::string excerpt = Excerpt(text, {"needle"}, 100);
  EXPECT_NE(excerpt.find("needle"), std::string::npos);
  EXPECT_EQ(excerpt.rfind("… ", 0), 0u);
  EXPECT_LE(excerpt.size(), 100u + 10u);
  EXPECT_EQ(Excerpt("short", {"x"}, 100), "short");
  const std::string accents(200, 'x');
  EXPECT_EQ(Excerpt(accents + "\xC3\xA9\xC3\xA9", {}, 201), accents + " …") << "cut on a character boundary";
}

TEST(SearchResultsTest, RendersFacetsResultsAndPagesWithEveryValueEscaped) {
  SearchView view;
  assets::AssetVersion v;
  v.organization_id = "o1";
  v.coordinates = {"g", "a", "1.0.0"};
  v.type = "rest-api";
  v.name = "Orders <script>";
  v.description = "Lists orders";
  v.tags = {"<b>tag</b>"};
  view.versions = {v};
  view.total = 45;
  view.facets.types = {{"rest-api", 45}};
  view.facets.organizations = {{"o1", 45}};
  view.facets.tags = {{"<b>tag</b>", 1}};
  view.facets.tag_values = {{"category", "domain", {{"Sales", 3}}}};
  Directory directory;
  directory.organization_names["o1"] = "Acme & Co";
  directory.tag_names[{"category", "domain"}] = "Business domain";
  const std::string html = Render(Parse({{"q", "ord"}, {"type", "rest-api"}, {"page", "2"}}), view, directory);
  EXPECT_TRUE(Contains(html, "<mark>Ord</mark>ers &lt;script&gt;")) << html;
  EXPECT_FALSE(Contains(html, "<script>"));
  EXPECT_FALSE(Contains(html, "<b>tag"));
  EXPECT_TRUE(Contains(html, "Acme &amp; Co"));
  EXPECT_TRUE(Contains(html, "<h2>Business domain</h2>")) << html;
  EXPECT_TRUE(Contains(html, "href=\"/exchange/?q=ord&amp;type=rest-api&amp;category=domain%3ASales\"")) << html;
  EXPECT_TRUE(Contains(html, "class=\"selected\" aria-current=\"true\"")) << "the selected type is marked";
  EXPECT_TRUE(Contains(html, "href=\"/exchange/?q=ord\" data-nav=\"\" class=\"selected\"")) << "and links to its removal";
  EXPECT_TRUE(Contains(html, "<span aria-current=\"page\">2</span>")) << "page 2 of 3";
  EXPECT_TRUE(Contains(html, "aria-label=\"Page 3\"")) << html;
  EXPECT_TRUE(Contains(html, "href=\"/exchange/g/a/\"")) << "results link to the asset's latest version";
  EXPECT_TRUE(Contains(html, "Clear all filters"));
}

}  // namespace
}  // namespace agora::portal
