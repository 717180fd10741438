// `agora migrate`: copying a whole installation (its metadata and every blob the metadata
// references) into another one of any backend, embedded (SQLite and files) or shared
// (PostgreSQL and S3), and verifying the copy.
//
// A run copies the blobs first (content-addressed, so a resumed run skips those already there),
// then the metadata in one transaction of the target (all or nothing): a run interrupted at any
// point, by a kill or a lost connection, is resumed by running it again. A target that holds
// other metadata than the source's is refused, never merged into.
//
// Verify compares every metadata table of the two, row by row (counts and digests), reads back
// every blob the target's metadata references and checks its SHA-256, and runs the target's
// integrity check.
//
// Thread safety: one migration at a time per target; the stores themselves are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "migration/blob_migration.h"
#include "storage/blob_store.h"
#include "storage/metadata_copy.h"
#include "storage/metadata_store.h"

namespace agora::migration {

// The stores of one installation.
struct Installation {
  storage::MetadataStore& metadata;
  storage::BlobStore& blobs;
};

struct MigrationReport {
  uint64_t blobs = 0;        // blobs the source's metadata references
  BlobCopyReport blob_copy;  // of this run
  bool metadata_copied = false;  // false: an earlier run had copied it
};

struct Verification {
  std::vector<storage::TableComparison> tables;
  uint64_t blobs_checked = 0;
  std::vector<std::string> bad_blobs;  // missing from the target, or not matching their SHA-256
  Status integrity;                    // the target's own consistency check

  bool ok() const;
  // One line per problem; empty when ok().
  std::vector<std::string> Problems() const;
};

// Copies `from` into `to`. Conflict TARGET_NOT_EMPTY if the target holds other metadata.
// `progress` is called after each blob.
Result<MigrationReport> Migrate(Installation from, Installation to, const BlobProgress& progress = {});

Result<Verification> Verify(Installation from, Installation to);

}  // namespace agora::migration
