// Home and search: the state of a search as it lives in the URL (text, facet selections, sort,
// page), so links can be shared and the back button works, and the page that shows it: facets
// with counts, matches highlighted, sort links and pagination, all plain links and a GET form,
// so it works without JavaScript (portal.js only swaps in the results region as one types).
//
// URL parameters: q, type, org, status, tag (each repeatable), category and field
// (repeatable "key:value"), sort (relevance | name | updated) and page (from 1).
//
// Thread safety: reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "assets/asset.h"
#include "portal/html.h"
#include "search/catalogue_search.h"
#include "server/http.h"
#include "storage/metadata_store.h"

namespace agora::portal {

constexpr size_t kResultsPerPage = 20;

struct SearchState {
  std::string q;
  std::vector<std::string> types, organizations, statuses, tags;
  std::vector<storage::TagValueFilter> tag_values;
  std::string sort;  // "" means the default: relevance with search words, else last update
  size_t page = 1;

  // Lenient: a value that makes no sense is dropped (a page that is not a number is page 1);
  // lengths and counts are bounded, so a hostile URL costs no more than a normal one.
  static SearchState FromRequest(const server::Request& request);
  std::string EffectiveSort() const;
  // The parameters in a canonical order (page and the default sort left out).
  std::vector<std::pair<std::string, std::string>> Params() const;
  std::string Url() const;  // "/exchange/?..."
  // The same search with one facet value added or removed, from page 1.
  SearchState Toggled(const std::string& param, const std::string& value) const;
  bool Selected(const std::string& param, const std::string& value) const;
  bool Filtered() const;
  // The store query for a principal who may read `readable` organisations.
  storage::AssetQuery Query(const std::vector<std::string>& readable) const;
};

// Names the page shows for ids: organisations and category/field keys.
struct Directory {
  std::vector<std::string> organization_ids;  // what the principal may read, its home first
  std::map<std::string, std::string> organization_names;
  std::map<std::pair<std::string, std::string>, std::string> tag_names;  // (kind, key) -> display name

  std::string OrganizationName(const std::string& id) const;
};

using SearchView = search::SearchResult;

// The region portal.js replaces: heading, facets, results, pagination.
void RenderSearchResults(Html& html, const SearchState& state, const SearchView& view, const Directory& directory);

// Writes `text` with every word that a search word is a prefix of (case-insensitively) in <mark>.
void Highlight(Html& html, std::string_view text, const std::vector<std::string>& words);
// The search words of a query, as the search engine splits them (runs of letters and digits).
std::vector<std::string> QueryWords(std::string_view q);
// At most `limit` bytes of `text` (on a UTF-8 boundary), around the first word matched.
std::string Excerpt(std::string_view text, const std::vector<std::string>& words, size_t limit);

}  // namespace agora::portal
