// The SQL the metadata domains speak, whichever database runs it (see metadata_store_sql.h). A
// connection hands out prepared statements; parameters are bound by position, written `?` (or
// `?N` to use one N times) in the statement text, and a backend whose driver numbers them
// differently rewrites the text. Columns are read as text or integers by position.
//
// Backends: SqliteConnection (sqlite_connection.h) and PgConnection (pg_connection.h).
//
// Thread safety: a connection and its statements are used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace agora::storage {

class SqlStatement {
 public:
  virtual ~SqlStatement() = default;

  virtual SqlStatement& Bind(int index, std::string_view text) = 0;
  virtual SqlStatement& Bind(int index, int64_t value) = 0;
  // Runs one step: true when a row is available, false when done.
  virtual Result<bool> Step() = 0;
  // Runs to completion, ignoring rows.
  virtual Status Run() = 0;
  // Runs to completion, ignoring rows; a backend may send it along with the statements that
  // follow and report its failure at the next Step, Run or commit instead. For writes whose
  // failure needs no answer of its own (it fails the transaction either way).
  virtual Status RunLater() { return Run(); }
  // Rows changed by the last Run of an INSERT, UPDATE or DELETE.
  virtual int64_t Changes() const = 0;

  virtual std::string Text(int column) const = 0;
  virtual int64_t Int(int column) const = 0;

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
    AGORA_RETURN_IF_ERROR(ForEach([&](SqlStatement& row) -> Status {
      AGORA_ASSIGN_OR_RETURN(T item, load(row));
      items.push_back(std::move(item));
      return Status::Ok();
    }));
    return items;
  }
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // A prepared statement (cached by its text); finished when the returned wrapper goes away.
  virtual Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) = 0;
};

}  // namespace agora::storage
