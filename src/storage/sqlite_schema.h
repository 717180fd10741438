// The schema of the SQLite metadata store, as the sequence of migrations that builds it:
// migration i takes a database from PRAGMA user_version i to i + 1. A released migration is never
// edited; a schema change appends one (and the same change to the PostgreSQL schema).
//
// Thread safety: constant data.
#pragma once

#include <span>

namespace agora::storage {

std::span<const char* const> SqliteMigrations();

}  // namespace agora::storage
