// A thin RAII layer over the sqlite3 C API used by the SQLite metadata store: the SqlConnection of
// sql_connection.h with a bounded cache of prepared statements, a statement wrapper that binds and reads
// columns by position, and the translation of SQLite result codes into Status (SQLITE_FULL ->
// NoSpace, BUSY -> Unavailable, constraint violations -> Conflict).
//
// Thread safety: a SqliteConnection is used by one thread at a time (the store hands them out).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "storage/sql_connection.h"

namespace agora::storage {

Status SqliteStatus(int code, sqlite3* db, std::string_view context);

class SqliteConnection;

// An entry of a SqliteConnection's statement cache.
struct CachedStatement {
  std::string sql;
  sqlite3_stmt* stmt;
  bool in_use;
};

// A statement handed out by SqliteConnection::Prepare; given back to its connection (reset, its
// bindings cleared) when it goes away.
class SqliteStatement : public SqlStatement {
 public:
  // `cached`: the connection's cache entry, or null for a statement finalized when it goes away.
  SqliteStatement(sqlite3_stmt* stmt, SqliteConnection& connection, CachedStatement* cached);
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int index, std::string_view text) override {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  SqliteStatement& Bind(int index, int64_t value) override {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  Result<bool> Step() override;
  Status Run() override;
  int64_t Changes() const override { return sqlite3_changes(db_); }

  std::string Text(int column) const override;
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
  SqliteConnection& connection_;
  CachedStatement* cached_;
};

class SqliteConnection : public SqlConnection {
 public:
  // Prepared statements kept per connection. The domains' statements are fewer; the rest are
  // searches whose text varies with their filters, which must not grow the cache without end.
  static constexpr size_t kMaxCachedStatements = 256;

  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool read_only,
                                                         int busy_timeout_millis);
  ~SqliteConnection() override;

  // A prepared statement, from the cache when its text was prepared before and is not in use
  // (a statement prepared again while in use, as by a nested query, is a new one, finalized
  // when it goes away). The least recently used statement not in use leaves a full cache.
  // SQLite prepares a cached statement again by itself when the schema changed.
  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override;
  Status Exec(const std::string& sql);
  sqlite3* db() { return db_; }
  size_t CachedStatements() const { return cache_.size(); }

 private:
  friend class SqliteStatement;
  using Lru = std::list<CachedStatement>;  // most recently used first

  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  // Takes back a statement handed out by Prepare.
  void GiveBack(sqlite3_stmt* stmt, CachedStatement* cached);
  void EvictIdle();

  sqlite3* db_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> cache_;  // keys view lru_'s sql
};

}  // namespace agora::storage
