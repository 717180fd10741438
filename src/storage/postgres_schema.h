// The schema of the PostgreSQL metadata store, as the sequence of migrations that builds it:
// migration i takes a database from agora_schema.version i to i + 1. The tables are the SQLite
// store's (sqlite_schema.h) with PostgreSQL's types, plus what several servers share: the search
// index as weighted tsvectors, the generation sequence behind cache invalidation, and job leases.
// A released migration is never edited; a schema change appends one here and one to SQLite's.
//
// Text columns use the "C" collation (agora_text), so that they compare and sort bytewise as in
// SQLite, whatever the database's default collation.
//
// Thread safety: constant data.
#pragma once

#include <span>

namespace agora::storage {

std::span<const char* const> PostgresMigrations();

}  // namespace agora::storage
