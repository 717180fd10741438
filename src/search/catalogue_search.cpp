#include "search/catalogue_search.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "assets/semver.h"
#include "common/ids.h"

namespace agora::search {
namespace {

std::string Key(const assets::Coordinates& c) { return c.group_id + '\n' + c.asset_id + '\n' + c.version; }

bool LessIgnoringCase(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

constexpr const char* kStatuses[] = {"development", "published", "deprecated"};

uint8_t StatusIndex(assets::Lifecycle status) {
  switch (status) {
    case assets::Lifecycle::kDevelopment: return 0;
    case assets::Lifecycle::kPublished: return 1;
    default: return 2;
  }
}

// The distinct strings of one facet, numbered as first seen, so that filtering and counting
// compare and index integers.
class Dictionary {
 public:
  uint32_t Intern(const std::string& name) {
    const auto [it, added] = ids_.emplace(name, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }
  std::optional<uint32_t> Find(const std::string& name) const {
    const auto it = ids_.find(name);
    return it == ids_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
  }
  const std::string& Name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }
  // Which ids the given names select (names never seen select nothing).
  std::vector<bool> Select(const std::vector<std::string>& names) const {
    std::vector<bool> selected(size(), false);
    for (const auto& name : names)
      if (auto id = Find(name)) selected[*id] = true;
    return selected;
  }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

std::vector<FacetCount> Sorted(const std::vector<uint64_t>& counts, const Dictionary& names) {
  std::vector<FacetCount> out;
  for (uint32_t id = 0; id < counts.size(); ++id)
    if (counts[id] > 0) out.push_back({names.Name(id), counts[id]});
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  return out;
}

}  // namespace

// Every version's facets as integers, grouped by asset with the versions in SemVer precedence,
// highest first.
struct CatalogueSearch::Index {
  struct Entry {
    uint32_t organization = 0, type = 0;
    uint8_t status = 0;
    std::vector<uint32_t> tags;                            // distinct
    std::vector<std::pair<uint32_t, uint32_t>> tag_values;  // distinct (key, value)
  };
  struct Asset {
    std::vector<uint32_t> versions;  // highest precedence first
    int32_t latest_in[3] = {-1, -1, -1};  // by StatusIndex: the position in `versions`, or -1
  };

  std::vector<storage::VersionFacets> versions;
  std::vector<Entry> entries;  // parallel to versions
  std::vector<Asset> assets;
  std::unordered_map<int64_t, uint32_t> by_version_key;
  Dictionary organizations, types, tags, tag_keys, tag_values;  // tag_keys: "kind\nkey"
  uint64_t generation = 0;
  int64_t built_millis = 0;

  static Index Build(std::vector<storage::VersionFacets> versions, uint64_t generation) {
    Index index;
    index.versions = std::move(versions);
    index.generation = generation;
    index.built_millis = NowMillis();
    std::unordered_map<std::string, uint32_t> asset_of;
    for (uint32_t i = 0; i < index.versions.size(); ++i) {
      const auto& v = index.versions[i];
      index.by_version_key.emplace(v.version_key, i);
      auto [it, added] = asset_of.emplace(v.coordinates.group_id + '\n' + v.coordinates.asset_id,
                                          static_cast<uint32_t>(index.assets.size()));
      if (added) index.assets.emplace_back();
      index.assets[it->second].versions.push_back(i);
      Entry entry{index.organizations.Intern(v.organization_id), index.types.Intern(v.type), StatusIndex(v.status), {}, {}};
      for (const auto& tag : v.tags) entry.tags.push_back(index.tags.Intern(tag));
      for (const auto& [kind, list] : {std::pair{"category", &v.categories}, std::pair{"field", &v.fields}})
        for (const auto& tv : *list)
          for (const auto& value : tv.values)
            entry.tag_values.emplace_back(index.tag_keys.Intern(std::string(kind) + '\n' + tv.key),
                                          index.tag_values.Intern(value));
      std::sort(entry.tags.begin(), entry.tags.end());
      entry.tags.erase(std::unique(entry.tags.begin(), entry.tags.end()), entry.tags.end());
      std::sort(entry.tag_values.begin(), entry.tag_values.end());
      entry.tag_values.erase(std::unique(entry.tag_values.begin(), entry.tag_values.end()), entry.tag_values.end());
      index.entries.push_back(std::move(entry));
    }
    for (auto& asset : index.assets) {
      std::sort(asset.versions.begin(), asset.versions.end(), [&](uint32_t a, uint32_t b) {
        const auto va = assets::ParseSemVer(index.versions[a].coordinates.version);
        const auto vb = assets::ParseSemVer(index.versions[b].coordinates.version);
        if (va && vb) return assets::CompareSemVer(*va, *vb) > 0;
        return index.versions[a].coordinates.version > index.versions[b].coordinates.version;
      });
      for (int32_t position = static_cast<int32_t>(asset.versions.size()) - 1; position >= 0; --position)
        asset.latest_in[index.entries[asset.versions[position]].status] = position;
    }
    return index;
  }
};

namespace {

using Index = CatalogueSearch::Index;

// One search's selections over an index; each facet may be left out when counting that facet.
class Filter {
 public:
  enum Facet { kNone, kType, kOrganization, kTag, kTagKey };

  Filter(const Index& index, const storage::AssetQuery& q, const std::vector<std::string>& readable,
         const std::vector<bool>* matched)
      : matched_(matched),
        readable_(index.organizations.Select(readable)),
        organizations_(index.organizations.Select(q.organization_ids)),
        types_(index.types.Select(q.types)),
        tags_(index.tags.Select(q.tags)),
        any_type_(q.types.empty()),
        any_tag_(q.tags.empty()) {
    for (size_t i = 0; i < organizations_.size(); ++i) organizations_[i] = organizations_[i] && readable_[i];
    std::map<std::string, std::vector<std::string>> wanted;
    for (const auto& f : q.tag_values) wanted[f.kind + '\n' + f.key].push_back(f.value);
    for (const auto& [key, values] : wanted) {
      // A key nobody has selects nothing; UINT32_MAX matches no entry.
      keys_.push_back({index.tag_keys.Find(key).value_or(UINT32_MAX), index.tag_values.Select(values)});
    }
  }

  // Whether entry `i` passes every selection but `skip` (for kTagKey: but the key `skip_key`).
  bool Passes(const Index::Entry& e, uint32_t i, Facet skip = kNone, uint32_t skip_key = UINT32_MAX) const {
    if (matched_ && !(*matched_)[i]) return false;
    if (!readable_[e.organization]) return false;
    if (skip != kOrganization && !organizations_[e.organization]) return false;
    if (skip != kType && !any_type_ && !types_[e.type]) return false;
    if (skip != kTag && !any_tag_ && std::none_of(e.tags.begin(), e.tags.end(), [&](uint32_t t) { return tags_[t]; }))
      return false;
    for (const auto& wanted : keys_) {
      const uint32_t key = wanted.first;
      const std::vector<bool>& values = wanted.second;
      if (skip == kTagKey && key == skip_key) continue;
      if (std::none_of(e.tag_values.begin(), e.tag_values.end(),
                       [&](const auto& kv) { return kv.first == key && values[kv.second]; }))
        return false;
    }
    return true;
  }

 private:
  const std::vector<bool>* matched_;
  std::vector<bool> readable_, organizations_, types_, tags_;
  bool any_type_, any_tag_;
  std::vector<std::pair<uint32_t, std::vector<bool>>> keys_;
};

// The version an asset is shown as: its latest, or its latest in one of `statuses` (by index).
std::optional<uint32_t> Representative(const Index::Asset& asset, const std::vector<uint8_t>& statuses) {
  if (statuses.empty()) return asset.versions.front();
  int32_t best = -1;
  for (uint8_t s : statuses)
    if (asset.latest_in[s] >= 0 && (best < 0 || asset.latest_in[s] < best)) best = asset.latest_in[s];
  return best < 0 ? std::nullopt : std::optional<uint32_t>(asset.versions[best]);
}

}  // namespace

CatalogueSearch::CatalogueSearch(storage::MetadataStore& metadata, int64_t max_age_millis)
    : metadata_(metadata), max_age_millis_(max_age_millis) {}

CatalogueSearch::~CatalogueSearch() = default;

Result<std::shared_ptr<const CatalogueSearch::Index>> CatalogueSearch::Current() {
  const uint64_t generation = metadata_.Generation();  // before reading: a write during the read leaves it stale
  {
    std::lock_guard lock(mutex_);
    const bool fresh = index_ && index_->generation == generation && NowMillis() - index_->built_millis < max_age_millis_;
    if (fresh || (index_ && building_)) return index_;  // while one search rebuilds, others use the last index
    building_ = true;
  }
  auto versions = metadata_.ListVersionFacets();
  std::lock_guard lock(mutex_);
  building_ = false;
  if (!versions.ok()) return versions.status();
  index_ = std::make_shared<const Index>(Index::Build(std::move(versions).value(), generation));
  return index_;
}

Result<SearchResult> CatalogueSearch::Search(const storage::AssetQuery& query, const std::vector<std::string>& readable) {
  AGORA_ASSIGN_OR_RETURN(std::shared_ptr<const Index> index, Current());
  const auto& versions = index->versions;
  // The full-text matches, when the search has words (runs of letters and digits, as the engine's).
  std::optional<std::vector<bool>> matched;
  const bool has_words = std::any_of(query.search.begin(), query.search.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  });
  if (has_words) {
    AGORA_ASSIGN_OR_RETURN(auto matches, metadata_.MatchVersions(query.search));
    matched.emplace(versions.size(), false);
    for (const int64_t key : matches)
      if (auto it = index->by_version_key.find(key); it != index->by_version_key.end()) (*matched)[it->second] = true;
  }
  const Filter filter(*index, query, readable, matched ? &*matched : nullptr);
  std::vector<uint8_t> statuses;
  for (uint8_t s = 0; s < 3; ++s)
    if (std::find(query.statuses.begin(), query.statuses.end(), kStatuses[s]) != query.statuses.end()) statuses.push_back(s);
  if (!query.statuses.empty() && statuses.empty()) statuses.push_back(UINT8_MAX);  // unknown states: nothing

  std::vector<uint64_t> types(index->types.size()), organizations(index->organizations.size()), tags(index->tags.size());
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> tag_values;
  uint64_t status_counts[3] = {0, 0, 0};
  std::vector<uint32_t> found;
  for (const auto& asset : index->assets) {
    const auto shown = statuses.size() == 1 && statuses[0] == UINT8_MAX ? std::nullopt : Representative(asset, statuses);
    if (shown) {
      const auto& e = index->entries[*shown];
      if (filter.Passes(e, *shown)) found.push_back(*shown);
      if (filter.Passes(e, *shown, Filter::kType)) ++types[e.type];
      if (filter.Passes(e, *shown, Filter::kOrganization)) ++organizations[e.organization];
      if (filter.Passes(e, *shown, Filter::kTag))
        for (uint32_t tag : e.tags) ++tags[tag];
      uint32_t last_key = UINT32_MAX;
      bool key_passes = false;
      for (const auto& [key, value] : e.tag_values) {  // sorted by key
        if (key != last_key) key_passes = filter.Passes(e, *shown, Filter::kTagKey, last_key = key);
        if (key_passes) ++tag_values[{key, value}];
      }
    }
    for (uint8_t s = 0; s < 3; ++s) {
      if (asset.latest_in[s] < 0) continue;
      const uint32_t i = asset.versions[asset.latest_in[s]];
      if (filter.Passes(index->entries[i], i)) ++status_counts[s];
    }
  }
  SearchResult result;
  result.total = found.size();
  result.facets.types = Sorted(types, index->types);
  result.facets.organizations = Sorted(organizations, index->organizations);
  result.facets.tags = Sorted(tags, index->tags);
  for (uint8_t s = 0; s < 3; ++s)
    if (status_counts[s] > 0) result.facets.statuses.push_back({kStatuses[s], status_counts[s]});
  std::sort(result.facets.statuses.begin(), result.facets.statuses.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  for (const auto& [key_value, count] : tag_values) {
    const std::string& key = index->tag_keys.Name(key_value.first);
    const auto newline = key.find('\n');
    if (result.facets.tag_values.empty() || result.facets.tag_values.back().kind != key.substr(0, newline) ||
        result.facets.tag_values.back().key != key.substr(newline + 1))
      result.facets.tag_values.push_back({key.substr(0, newline), key.substr(newline + 1), {}});
    result.facets.tag_values.back().values.push_back({index->tag_values.Name(key_value.second), count});
  }
  std::sort(result.facets.tag_values.begin(), result.facets.tag_values.end(),
            [](const auto& a, const auto& b) { return std::tie(a.kind, a.key) < std::tie(b.kind, b.key); });
  for (auto& facet : result.facets.tag_values)
    std::sort(facet.values.begin(), facet.values.end(), [](const auto& a, const auto& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });

  // Ranking is the full-text engine's; the other orders are read off the index.
  const bool by_relevance = has_words && query.sort.empty();
  if (by_relevance || query.sort == "createdDate") {
    AGORA_ASSIGN_OR_RETURN(result.versions, metadata_.FindVersions(query));
    return result;
  }
  const bool by_update = query.sort == "updatedDate";
  auto before = [&](uint32_t a, uint32_t b) {
    const auto& va = versions[a];
    const auto& vb = versions[b];
    if (by_update && va.updated_millis != vb.updated_millis)
      return query.ascending ? va.updated_millis < vb.updated_millis : va.updated_millis > vb.updated_millis;
    if (!by_update && LessIgnoringCase(va.name, vb.name) != LessIgnoringCase(vb.name, va.name))
      return query.ascending ? LessIgnoringCase(va.name, vb.name) : LessIgnoringCase(vb.name, va.name);
    return Key(va.coordinates) < Key(vb.coordinates);
  };
  // Only the page needs ordering: a partial sort of what comes up to its end.
  const size_t end = std::min(found.size(), query.offset + query.limit);
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(end), found.end(), before);
  for (size_t i = query.offset; i < end; ++i) {
    auto version = metadata_.GetVersion(versions[found[i]].coordinates);
    if (version.ok()) result.versions.push_back(std::move(version).value());
    else if (version.status().kind() != Status::Kind::kNotFound) return version.status();  // deleted since: skipped
  }
  return result;
}

}  // namespace agora::search
