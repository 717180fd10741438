// Listings and full-text search in the SQL backends (see metadata_store_sql.h): the filters
// (readable organisations, types, lifecycle states, tags, latest versions only), the orders and
// paging, and relevance ranking in two tiers over the dialect's full-text index.
#include <map>
#include <unordered_map>

#include "common/search_words.h"
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using assets::AssetVersion;
using assets::Coordinates;
using Statement = std::unique_ptr<SqlStatement>;

namespace {

// The category and field filters grouped by (kind, key), in a stable order.
std::map<std::pair<std::string, std::string>, std::vector<std::string>> TagValueFiltersByKey(
    const std::vector<TagValueFilter>& filters) {
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> grouped;
  for (const auto& f : filters) grouped[{f.kind, f.key}].push_back(f.value);
  return grouped;
}

}  // namespace

// Relevance search ranks in two tiers: versions whose name or assetId match come first, so
// only when they do not fill the page are all matches ranked (which costs more for common words).
Result<std::vector<AssetVersion>> SqlMetadataStore::FindVersions(const AssetQuery& q) {
  const std::vector<std::string> words = SearchWords(q.search);
  const std::string match = words.empty() ? "" : dialect().FullTextQuery(words, /*names_only=*/false);
  const bool by_relevance = !match.empty() && q.sort.empty();
  return Read<std::vector<AssetVersion>>([&](SqlConnection& c) -> Result<std::vector<AssetVersion>> {
    std::vector<int64_t> ids;
    if (by_relevance) {
      const std::string name_match = dialect().FullTextQuery(words, /*names_only=*/true);
      AGORA_ASSIGN_OR_RETURN(ids, FindIds(c, q, name_match, "", q.offset + q.limit, 0));
      if (ids.size() == q.offset + q.limit) {
        ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(q.offset));
      } else {
        const size_t names = ids.size();
        AGORA_ASSIGN_OR_RETURN(auto rest, FindIds(c, q, match, name_match, q.offset + q.limit - names, 0));
        ids.insert(ids.end(), rest.begin(), rest.end());
        ids.erase(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(q.offset, ids.size())));
      }
    } else {
      AGORA_ASSIGN_OR_RETURN(ids, FindIds(c, q, match, "", q.limit, q.offset));
    }
    std::vector<AssetVersion> versions;
    for (int64_t id : ids) {
      AGORA_ASSIGN_OR_RETURN(AssetVersion v, LoadVersionById(c, id));
      versions.push_back(std::move(v));
    }
    return versions;
  });
}

// Ids of the versions matching the query's filters and the full-text query `match` (any when
// empty) but not `exclude_match` (when given), in the query's order.
Result<std::vector<int64_t>> SqlMetadataStore::FindIds(SqlConnection& c, const AssetQuery& q, const std::string& match,
                                                       const std::string& exclude_match, size_t limit, size_t offset) {
  std::vector<std::string> conditions, values;
  // Full-text matches are ranked inside the index first; the filters then apply to them.
  std::string sql = "SELECT v.id FROM ";
  if (!match.empty()) {
    sql += dialect().ScoredMatches() + " s JOIN versions v ON v.id = s.id ";
    values.push_back(match);
  } else {
    sql += "versions v ";
  }
  if (!q.types.empty()) sql += "JOIN assets a ON a.group_id = v.group_id AND a.asset_id = v.asset_id";
  auto in = [&](const std::string& column, const std::vector<std::string>& options) {
    if (options.empty()) return;
    conditions.push_back(column + " IN (" + Join(std::vector<std::string>(options.size(), "?"), ", ") + ")");
    values.insert(values.end(), options.begin(), options.end());
  };
  in("v.organization_id", q.organization_ids);
  in("a.type", q.types);
  in("v.status", q.statuses);
  if (!q.tags.empty()) {
    in("EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = v.id AND t.value", q.tags);
    conditions.back() += ")";
  }
  for (const auto& [kind_key, wanted] : TagValueFiltersByKey(q.tag_values)) {
    conditions.push_back("EXISTS (SELECT 1 FROM version_tag_values f WHERE f.version_id = v.id AND f.kind = ? AND "
                         "f.tag_key = ? AND f.value IN (" +
                         Join(std::vector<std::string>(wanted.size(), "?"), ", ") + "))");
    values.push_back(kind_key.first);
    values.push_back(kind_key.second);
    values.insert(values.end(), wanted.begin(), wanted.end());
  }
  if (q.latest_only && q.statuses.empty()) {
    conditions.push_back("v.is_latest = 1");
  } else if (q.latest_only) {  // the latest among the versions in the requested states
    conditions.push_back("v.version_key = (SELECT MAX(l.version_key) FROM versions l WHERE l.group_id = v.group_id "
                         "AND l.asset_id = v.asset_id AND l.status IN (" +
                         Join(std::vector<std::string>(q.statuses.size(), "?"), ", ") + "))");
    values.insert(values.end(), q.statuses.begin(), q.statuses.end());
  }
  if (!exclude_match.empty()) {
    conditions.push_back("v.id NOT IN (" + dialect().Matches() + ")");
    values.push_back(exclude_match);
  }
  if (!conditions.empty()) sql += " WHERE " + Join(conditions, " AND ");
  const std::string direction = q.ascending ? " ASC" : " DESC";
  if (q.sort == "createdDate") sql += " ORDER BY v.created_millis" + direction + ", v.id";
  else if (q.sort == "updatedDate") sql += " ORDER BY v.updated_millis" + direction + ", v.id";
  else if (q.sort == "name" || match.empty()) sql += " ORDER BY " + dialect().NameOrder() + direction + ", v.id";
  else sql += " ORDER BY s.score, " + dialect().NameOrder();
  sql += " LIMIT ? OFFSET ?";
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  int index = 1;
  for (const auto& value : values) s->Bind(index++, value);
  s->Bind(index, static_cast<int64_t>(limit));
  s->Bind(index + 1, static_cast<int64_t>(offset));
  return s->Collect<int64_t>([](SqlStatement& r) -> Result<int64_t> { return r.Int(0); });
}

Result<std::vector<VersionFacets>> SqlMetadataStore::ListVersionFacets() {
  return Read<std::vector<VersionFacets>>([&](SqlConnection& c) -> Result<std::vector<VersionFacets>> {
    std::vector<VersionFacets> all;
    std::unordered_map<int64_t, size_t> by_id;
    AGORA_ASSIGN_OR_RETURN(Statement versions, c.Prepare(
        "SELECT v.id, v.organization_id, v.group_id, v.asset_id, v.version, a.type, v.status, v.name, "
        "v.updated_millis FROM versions v JOIN assets a ON a.group_id = v.group_id AND a.asset_id = v.asset_id"));
    AGORA_RETURN_IF_ERROR(versions->ForEach([&](SqlStatement& r) {
      by_id[r.Int(0)] = all.size();
      VersionFacets& v = all.emplace_back();
      v.version_key = r.Int(0);
      v.organization_id = r.Text(1);
      v.coordinates = {r.Text(2), r.Text(3), r.Text(4)};
      v.type = r.Text(5);
      v.status = assets::ParseLifecycle(r.Text(6)).value_or(assets::Lifecycle::kPublished);
      v.name = r.Text(7);
      v.updated_millis = r.Int(8);
      return Status::Ok();
    }));
    AGORA_ASSIGN_OR_RETURN(Statement tags,
                           c.Prepare("SELECT version_id, value FROM version_tags ORDER BY version_id, ordinal"));
    AGORA_RETURN_IF_ERROR(tags->ForEach([&](SqlStatement& r) {
      if (auto it = by_id.find(r.Int(0)); it != by_id.end()) all[it->second].tags.push_back(r.Text(1));
      return Status::Ok();
    }));
    AGORA_ASSIGN_OR_RETURN(Statement values, c.Prepare(
        "SELECT version_id, kind, tag_key, value FROM version_tag_values ORDER BY version_id, kind, tag_key, ordinal"));
    AGORA_RETURN_IF_ERROR(values->ForEach([&](SqlStatement& r) {
      const auto it = by_id.find(r.Int(0));
      if (it == by_id.end()) return Status::Ok();
      auto& list = r.Text(1) == "category" ? all[it->second].categories : all[it->second].fields;
      if (list.empty() || list.back().key != r.Text(2)) list.push_back({r.Text(2), {}});
      list.back().values.push_back(r.Text(3));
      return Status::Ok();
    }));
    return all;
  });
}

Result<std::vector<int64_t>> SqlMetadataStore::MatchVersions(const std::string& search) {
  const std::vector<std::string> words = SearchWords(search);
  if (words.empty()) return std::vector<int64_t>{};
  const std::string match = dialect().FullTextQuery(words, /*names_only=*/false);
  return Read<std::vector<int64_t>>([&](SqlConnection& c) -> Result<std::vector<int64_t>> {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT v.id FROM versions v WHERE v.id IN (" + dialect().Matches() + ")"));
    s->Bind(1, match);
    return s->Collect<int64_t>([](SqlStatement& r) -> Result<int64_t> { return r.Int(0); });
  });
}

}  // namespace agora::storage
