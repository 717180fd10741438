// Copying an installation's whole metadata from one MetadataStore to another, of either backend
// (SQLite to PostgreSQL for `agora migrate`, or back), and comparing two stores row by row.
//
// The copy moves every row of every table that holds data of its own, with the same ids, in one
// transaction of the target: the target holds all of it or none of it, so a copy interrupted by
// a crash or a kill is simply run again. The target's search index is built from the copied rows
// as it commits. Tables are copied by the columns the source has; a column the source has and
// the target lacks fails the copy (its data would be lost), and a column only the target has
// takes its default.
//
// Thread safety: the stores are thread-safe; these functions may run while other threads use
// them, but the copy is only a consistent snapshot of the source if nobody writes to it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/metadata_store.h"

namespace agora::storage {

// Every table a SQL metadata store keeps data in, parents before children (the order of a copy).
// A schema step that adds a table adds it here (metadata_copy_test checks that none is missing).
const std::vector<std::string>& MetadataTables();

// One table of two stores.
struct TableComparison {
  std::string table;
  uint64_t source_rows = 0;
  uint64_t target_rows = 0;
  // The two hold the same rows: equal counts, and equal SHA-256 digests of the multiset of rows
  // (every column the source has, as text).
  bool same = false;
};

// Compares every table of MetadataTables() in `source` and `target`. InvalidArgument if either
// is not a SQL store.
Result<std::vector<TableComparison>> CompareMetadata(MetadataStore& source, MetadataStore& target);

// Copies every row of `source` into `target`, which must hold no rows at all (Conflict
// TARGET_NOT_EMPTY otherwise), in one transaction of the target; reads the source in one
// snapshot. Internal if either store has a data table MetadataTables() does not name.
Status CopyMetadata(MetadataStore& source, MetadataStore& target);

}  // namespace agora::storage
