// A thin RAII layer over the sqlite3 C API used by the SQLite metadata store: a connection with a
// cache of prepared statements, a statement wrapper that binds and reads columns by position,
// and the translation of SQLite result codes into Status (SQLITE_FULL -> NoSpace, BUSY ->
// Unavailable, constraint violations -> Conflict).
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

namespace agora::storage {

Status SqliteStatus(int code, sqlite3* db, std::string_view context);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
  ~SqliteStatement() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  SqliteStatement& Bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  // Runs one step: true when a row is available, false when done.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  // Calls on_row(*this) for every row; stops at the first non-OK Status.
  template <typename OnRow>
  Status ForEach(OnRow on_row) {
    while (true) {
      AGORA_ASSIGN_OR_RETURN(bool row, Step());
      if (!row) return Status::Ok();
      AGORA_RETURN_IF_ERROR(on_row(*this));
    }
  }

  // One value per row, made by load(*this) (a Result<T>); stops at the first error.
  template <typename T, typename Load>
  Result<std::vector<T>> Collect(Load load) {
    std::vector<T> items;
    AGORA_RETURN_IF_ERROR(ForEach([&](SqliteStatement& row) -> Status {
      AGORA_ASSIGN_OR_RETURN(T item, load(row));
      items.push_back(std::move(item));
      return Status::Ok();
    }));
    return items;
  }

  std::string Text(int column) const;
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_;
  sqlite3* db_;
};

class SqliteConnection {
 public:
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool read_only,
                                                         int busy_timeout_millis);
  ~SqliteConnection();

  // A cached prepared statement; reset when the returned wrapper goes away.
  Result<std::unique_ptr<SqliteStatement>> Prepare(const std::string& sql);
  Status Exec(const std::string& sql);
  sqlite3* db() { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace agora::storage
