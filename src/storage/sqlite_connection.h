// A thin RAII layer over the sqlite3 C API used by the SQLite metadata store: the SqlConnection of
// sql_connection.h with a cache of prepared statements, a statement wrapper that binds and reads
// columns by position, and the translation of SQLite result codes into Status (SQLITE_FULL ->
// NoSpace, BUSY -> Unavailable, constraint violations -> Conflict).
//
// Thread safety: a SqliteConnection is used by one thread at a time (the store hands them out).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/sql_connection.h"

namespace agora::storage {

Status SqliteStatus(int code, sqlite3* db, std::string_view context);

class SqliteStatement : public SqlStatement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~SqliteStatement() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
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
};

class SqliteConnection : public SqlConnection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool read_only,
                                                         int busy_timeout_millis);
  ~SqliteConnection() override;

  // A cached prepared statement; reset when the returned wrapper goes away.
  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override;
  Status Exec(const std::string& sql);
  sqlite3* db() { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace agora::storage
