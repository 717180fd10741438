// Listings and full-text search in the SQL backends (see metadata_store_sql.h): the filters
// (readable organisations, types, lifecycle states, tags, latest versions only), the orders and
// paging, and relevance ranking in two tiers over the dialect's full-text index.
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using assets::AssetVersion;
using Statement = std::unique_ptr<SqlStatement>;

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

}  // namespace agora::storage
