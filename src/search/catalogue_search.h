// CatalogueSearch answers a search of the catalogue as a person makes it: a page of assets, how
// many there are, and facets with counts (type, organisation, lifecycle status, tag, and each
// category and custom field). Full text is the store's (FTS5 in SQLite: words as words or
// prefixes, ranked); filters, counts and the orders that need no ranking come from an in-memory
// index of every version's facets, because counting a dozen facets by SQL over every matching
// version costs tens of milliseconds per search where the index costs well under one.
//
// Semantics are FindVersions's: one row per asset, its latest version, or with lifecycle states
// asked for, its latest version in one of them; values of one facet are alternatives, facets
// must all hold. A facet counts what the search finds with that facet's own selection left out,
// so it lists the alternatives to what is selected (the organisation facet counts over every
// organisation the caller may read). A status counts what the search finds with that status
// alone asked for.
//
// The index is rebuilt from MetadataStore::ListVersionFacets when the store's generation moved
// (and at least every `max_age_millis`, for writes by other servers). One search rebuilds it
// while others go on with the previous one, so under a stream of writes counts may lag the
// store by one rebuild; the page of results is read from the store.
//
// Thread safety: Search may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::search {

struct FacetCount {
  std::string value;
  uint64_t count = 0;
  friend bool operator==(const FacetCount&, const FacetCount&) = default;
};

// The counts of one category or custom field.
struct TagValueFacet {
  std::string kind;  // category | field
  std::string key;
  std::vector<FacetCount> values;
  friend bool operator==(const TagValueFacet&, const TagValueFacet&) = default;
};

// Each list by count, highest first, then by value.
struct Facets {
  std::vector<FacetCount> types, organizations, statuses, tags;
  std::vector<TagValueFacet> tag_values;  // by kind, then key
};

struct SearchResult {
  std::vector<assets::AssetVersion> versions;  // the page
  uint64_t total = 0;                          // what the whole search finds
  Facets facets;
};

class CatalogueSearch {
 public:
  explicit CatalogueSearch(storage::MetadataStore& metadata, int64_t max_age_millis = 30'000);
  ~CatalogueSearch();

  // `query.organization_ids` are the organisations searched (the caller's choice among those it
  // may read: never empty); `readable` all it may read, for the organisation facet. Sorts:
  // "" (relevance with words, else name), name, createdDate, updatedDate.
  Result<SearchResult> Search(const storage::AssetQuery& query, const std::vector<std::string>& readable);

  struct Index;  // defined in catalogue_search.cpp

 private:
  Result<std::shared_ptr<const Index>> Current();

  storage::MetadataStore& metadata_;
  const int64_t max_age_millis_;
  std::mutex mutex_;
  std::shared_ptr<const Index> index_;  // guarded by mutex_
  bool building_ = false;               // guarded by mutex_
};

}  // namespace agora::search
