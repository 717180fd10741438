#include "storage/sqlite_connection.h"

namespace agora::storage {

Status SqliteStatus(int code, sqlite3* db, std::string_view context) {
  const std::string message = std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  switch (code & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_FULL:
      return Status::NoSpace(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(message);
    case SQLITE_CONSTRAINT:
      return Status::Conflict("CONFLICT", message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(message);
    default:
      return Status::IOError(message);
  }
}

SqliteStatement::SqliteStatement(sqlite3_stmt* stmt, SqliteConnection& connection, CachedStatement* cached)
    : stmt_(stmt), db_(connection.db()), connection_(connection), cached_(cached) {}

SqliteStatement::~SqliteStatement() { connection_.GiveBack(stmt_, cached_); }

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(rc, db_, "step");
}

Status SqliteStatement::Run() {
  while (true) {
    AGORA_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string SqliteStatement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path, bool read_only,
                                                                 int busy_timeout_millis) {
  // SQLite's memory statistics take a global mutex on every allocation, which the reader threads
  // then contend for; agora never reads them. Only possible before SQLite initialises.
  static const bool kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)kNoMemoryStatistics;
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(rc, db, "open " + path);
    sqlite3_close(db);
    return st;
  }
  sqlite3_busy_timeout(db, busy_timeout_millis);
  auto connection = std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
  AGORA_RETURN_IF_ERROR(connection->Exec("PRAGMA foreign_keys = ON"));
  // Readers share the operating system's page cache through mmap instead of each warming a
  // private cache, and keep a larger one of their own for the search index's interior pages.
  AGORA_RETURN_IF_ERROR(connection->Exec("PRAGMA mmap_size = 1073741824"));
  AGORA_RETURN_IF_ERROR(connection->Exec("PRAGMA cache_size = -32768"));
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& cached : lru_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

Result<std::unique_ptr<SqlStatement>> SqliteConnection::Prepare(const std::string& sql) {
  if (auto it = cache_.find(sql); it != cache_.end() && !it->second->in_use) {
    lru_.splice(lru_.begin(), lru_, it->second);
    it->second->in_use = true;
    return std::unique_ptr<SqlStatement>(std::make_unique<SqliteStatement>(it->second->stmt, *this, &*it->second));
  }
  const bool cache = !cache_.contains(sql);
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(rc, db_, "prepare");
  }
  CachedStatement* cached = nullptr;
  if (cache) {
    lru_.push_front({sql, stmt, /*in_use=*/true});
    cache_.emplace(lru_.front().sql, lru_.begin());
    cached = &lru_.front();
    EvictIdle();
  }
  return std::unique_ptr<SqlStatement>(std::make_unique<SqliteStatement>(stmt, *this, cached));
}

void SqliteConnection::GiveBack(sqlite3_stmt* stmt, CachedStatement* cached) {
  if (!cached) {  // a second copy of a statement that was in use
    sqlite3_finalize(stmt);
    return;
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  cached->in_use = false;
  EvictIdle();  // the cache may have filled while it was in use
}

void SqliteConnection::EvictIdle() {
  for (auto it = lru_.end(); cache_.size() > kMaxCachedStatements && it != lru_.begin();) {
    --it;
    if (it->in_use) continue;
    cache_.erase(it->sql);
    sqlite3_finalize(it->stmt);
    it = lru_.erase(it);
  }
}

Status SqliteConnection::Exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  return SqliteStatus(rc, db_, "exec");
}

}  // namespace agora::storage
