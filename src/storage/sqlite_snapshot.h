// A consistent copy of a live SQLite database, taken with SQLite's online backup API while other
// processes (a running server) keep writing: `agora backup` and `agora restore` use it.
//
// Thread safety: a free function; it opens connections of its own.
#pragma once

#include <string>

#include "common/status.h"

namespace agora::storage {

// Copies the database at `from` into a new file `to` (replaced if it exists), as one snapshot:
// the copy is made inside one read transaction, which in WAL mode never blocks writers. The copy
// is synced before it is renamed into place, so `to` is either absent or whole.
Status SnapshotSqliteDatabase(const std::string& from, const std::string& to);

}  // namespace agora::storage
