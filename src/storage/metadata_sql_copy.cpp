// Copying and comparing whole SQL metadata stores (see metadata_copy.h): table by table, by the
// source's columns, every value as text (both databases convert it back to the column's type).
#include <algorithm>
#include <set>

#include "common/hash.h"
#include "storage/metadata_copy.h"
#include "storage/metadata_store_sql.h"

namespace agora::storage {

using Statement = std::unique_ptr<SqlStatement>;

namespace {

Result<std::vector<std::string>> Names(SqlConnection& c, const std::string& sql, const std::string& parameter = "") {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  if (!parameter.empty()) s->Bind(1, parameter);
  return s->Collect<std::string>([](SqlStatement& row) -> Result<std::string> { return row.Text(0); });
}

// Fails if the database keeps data in a table that a copy would leave behind.
Status CheckTablesKnown(SqlConnection& c, const SqlDialect& dialect) {
  AGORA_ASSIGN_OR_RETURN(auto tables, Names(c, dialect.DataTables()));
  const std::set<std::string> known(MetadataTables().begin(), MetadataTables().end());
  for (const auto& table : tables)
    if (!known.contains(table))
      return Status::Internal("table " + table + " is not in storage::MetadataTables(): it would not be copied");
  return Status::Ok();
}

std::string Quoted(const std::vector<std::string>& columns) {
  std::vector<std::string> quoted;
  for (const auto& column : columns) quoted.push_back("\"" + column + "\"");
  return Join(quoted, ", ");
}

Result<uint64_t> CountRows(SqlConnection& c, const std::string& table) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT count(*) FROM " + table));
  AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? static_cast<uint64_t>(s->Int(0)) : 0;
}

struct TableDigest {
  uint64_t rows = 0;
  std::string sha256;
};

// The digest of a table's rows whatever their order: each row's SHA-256 (of its values, each
// prefixed by its length), sorted, hashed again.
Result<TableDigest> DigestTable(SqlConnection& c, const std::string& table, const std::vector<std::string>& columns) {
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT " + Quoted(columns) + " FROM " + table));
  std::vector<std::string> row_digests;
  AGORA_RETURN_IF_ERROR(s->ForEach([&](SqlStatement& row) -> Status {
    std::string serialised;
    for (int i = 0; i < static_cast<int>(columns.size()); ++i) {
      const std::string value = row.Text(i);
      serialised += std::to_string(value.size()) + ":" + value;
    }
    row_digests.push_back(Sha256Hex(serialised));
    return Status::Ok();
  }));
  std::sort(row_digests.begin(), row_digests.end());
  Sha256Hasher hasher;
  for (const auto& digest : row_digests) hasher.Update(digest.data(), digest.size());
  return TableDigest{row_digests.size(), hasher.FinishHex()};
}

Status CopyTable(SqlConnection& in, SqlConnection& out, const std::string& table, const std::vector<std::string>& columns) {
  std::vector<std::string> placeholders(columns.size(), "?");
  const std::string insert =
      "INSERT INTO " + table + " (" + Quoted(columns) + ") VALUES (" + Join(placeholders, ", ") + ")";
  AGORA_ASSIGN_OR_RETURN(Statement rows, in.Prepare("SELECT " + Quoted(columns) + " FROM " + table));
  return rows->ForEach([&](SqlStatement& row) -> Status {
    AGORA_ASSIGN_OR_RETURN(Statement s, out.Prepare(insert));
    for (int i = 0; i < static_cast<int>(columns.size()); ++i) s->Bind(i + 1, row.Text(i));
    return s->RunLater();
  });
}

}  // namespace

const std::vector<std::string>& MetadataTables() {
  static const std::vector<std::string> kTables = {
      "organizations", "environments", "users", "clients", "tokens", "settings",
      "groups", "assets", "api_models", "versions", "version_tags", "version_keywords",
      "version_properties", "version_dependencies", "version_files", "version_tag_values", "deleted_versions",
      "tag_definitions", "portals", "portal_pages", "portal_resources", "jobs", "job_blobs", "version_downloads"};
  return kTables;
}

Status SqlMetadataStore::CopyFrom(SqlMetadataStore& source) {
  return source.ReadOn([&](SqlConnection& in) -> Status {
    AGORA_RETURN_IF_ERROR(CheckTablesKnown(in, source.dialect()));
    return WriteOn([&](SqlConnection& out) -> Status {
      AGORA_RETURN_IF_ERROR(CheckTablesKnown(out, dialect()));
      for (const auto& table : MetadataTables()) {
        AGORA_ASSIGN_OR_RETURN(uint64_t present, CountRows(out, table));
        if (present != 0)
          return Status::Conflict("TARGET_NOT_EMPTY", "the target already holds metadata (" + std::to_string(present) +
                                                          " rows in " + table + "): copy only into an empty one");
      }
      for (const auto& table : MetadataTables()) {
        AGORA_ASSIGN_OR_RETURN(auto columns, Names(in, source.dialect().TableColumns(), table));
        AGORA_ASSIGN_OR_RETURN(auto target_columns, Names(out, dialect().TableColumns(), table));
        const std::set<std::string> known(target_columns.begin(), target_columns.end());
        for (const auto& column : columns)
          if (!known.contains(column))
            return Status::Internal("the target's table " + table + " has no column " + column +
                                    ": its schema is older than the source's");
        AGORA_RETURN_IF_ERROR(CopyTable(in, out, table, columns));
      }
      AGORA_ASSIGN_OR_RETURN(Statement ids, out.Prepare("SELECT id FROM versions"));
      AGORA_ASSIGN_OR_RETURN(auto versions, ids->Collect<int64_t>([](SqlStatement& row) -> Result<int64_t> {
        return row.Int(0);
      }));
      ids.reset();
      for (int64_t id : versions) AGORA_RETURN_IF_ERROR(dialect().IndexVersion(out, id));
      return dialect().AfterCopy(out);
    });
  });
}

Result<std::vector<TableComparison>> SqlMetadataStore::CompareWith(SqlMetadataStore& target) {
  std::vector<TableComparison> comparisons;
  std::vector<std::string> source_digests;
  std::vector<std::vector<std::string>> columns;
  AGORA_RETURN_IF_ERROR(ReadOn([&](SqlConnection& c) -> Status {
    AGORA_RETURN_IF_ERROR(CheckTablesKnown(c, dialect()));
    comparisons.clear();  // a read may run again on a new connection
    source_digests.clear();
    columns.clear();
    for (const auto& table : MetadataTables()) {
      AGORA_ASSIGN_OR_RETURN(auto table_columns, Names(c, dialect().TableColumns(), table));
      AGORA_ASSIGN_OR_RETURN(TableDigest digest, DigestTable(c, table, table_columns));
      comparisons.push_back({table, digest.rows, 0, false});
      source_digests.push_back(digest.sha256);
      columns.push_back(std::move(table_columns));
    }
    return Status::Ok();
  }));
  AGORA_RETURN_IF_ERROR(target.ReadOn([&](SqlConnection& c) -> Status {
    AGORA_RETURN_IF_ERROR(CheckTablesKnown(c, target.dialect()));
    for (size_t i = 0; i < comparisons.size(); ++i) {
      TableComparison& comparison = comparisons[i];
      AGORA_ASSIGN_OR_RETURN(auto target_columns, Names(c, target.dialect().TableColumns(), comparison.table));
      const std::set<std::string> known(target_columns.begin(), target_columns.end());
      if (!std::all_of(columns[i].begin(), columns[i].end(), [&](const auto& col) { return known.contains(col); })) {
        AGORA_ASSIGN_OR_RETURN(comparison.target_rows, CountRows(c, comparison.table));
        comparison.same = false;
        continue;
      }
      AGORA_ASSIGN_OR_RETURN(TableDigest digest, DigestTable(c, comparison.table, columns[i]));
      comparison.target_rows = digest.rows;
      comparison.same = digest.rows == comparison.source_rows && digest.sha256 == source_digests[i];
    }
    return Status::Ok();
  }));
  return comparisons;
}

namespace {

Result<SqlMetadataStore*> SqlStore(MetadataStore& store) {
  auto* sql = dynamic_cast<SqlMetadataStore*>(&store);
  if (sql == nullptr) return Status::InvalidArgument("INVALID_STORE", "only SQL metadata stores can be copied");
  return sql;
}

}  // namespace

Result<std::vector<TableComparison>> CompareMetadata(MetadataStore& source, MetadataStore& target) {
  AGORA_ASSIGN_OR_RETURN(SqlMetadataStore * from, SqlStore(source));
  AGORA_ASSIGN_OR_RETURN(SqlMetadataStore * to, SqlStore(target));
  return from->CompareWith(*to);
}

Status CopyMetadata(MetadataStore& source, MetadataStore& target) {
  AGORA_ASSIGN_OR_RETURN(SqlMetadataStore * from, SqlStore(source));
  AGORA_ASSIGN_OR_RETURN(SqlMetadataStore * to, SqlStore(target));
  return to->CopyFrom(*from);
}

}  // namespace agora::storage
