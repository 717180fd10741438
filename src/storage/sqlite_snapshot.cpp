#include "storage/sqlite_snapshot.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "storage/sqlite_connection.h"

namespace agora::storage {
namespace {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

Result<SqliteHandle> OpenDatabase(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  SqliteHandle handle(db);
  if (rc != SQLITE_OK) return SqliteStatus(rc, db, "open " + path);
  sqlite3_busy_timeout(db, 10'000);
  return handle;
}

Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open " + path + " to sync it");
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : Status::IOError("cannot sync " + path);
}

}  // namespace

Status SnapshotSqliteDatabase(const std::string& from, const std::string& to) {
  const std::string partial = to + ".partial";
  std::remove(partial.c_str());
  {
    AGORA_ASSIGN_OR_RETURN(SqliteHandle source, OpenDatabase(from, SQLITE_OPEN_READONLY));
    AGORA_ASSIGN_OR_RETURN(SqliteHandle target, OpenDatabase(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
    if (!backup) return SqliteStatus(sqlite3_errcode(target.get()), target.get(), "backup of " + from);
    // Every page in one step: one read transaction, hence one snapshot, however busy the writers.
    int rc = sqlite3_backup_step(backup, -1);
    while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(50);
      rc = sqlite3_backup_step(backup, -1);
    }
    const int finished = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) return SqliteStatus(rc, target.get(), "backup of " + from);
    if (finished != SQLITE_OK) return SqliteStatus(finished, target.get(), "backup of " + from);
    // A self-contained file: no -wal beside it.
    char* error = nullptr;
    if (sqlite3_exec(target.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error ? error : "journal mode";
      sqlite3_free(error);
      return Status::IOError("backup of " + from + ": " + message);
    }
  }
  AGORA_RETURN_IF_ERROR(SyncFile(partial));
  if (std::rename(partial.c_str(), to.c_str()) != 0) return Status::IOError("cannot rename " + partial + " to " + to);
  return Status::Ok();
}

}  // namespace agora::storage
