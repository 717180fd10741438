// A thin layer over libpq for the PostgreSQL metadata store: the SqlConnection of
// sql_connection.h, with each statement prepared once per connection, transactions sent in
// pipeline mode, and SQLSTATEs translated into Status (unique and foreign-key violations ->
// Conflict, serialization failures and deadlocks -> Unavailable and retryable, a lost
// connection -> Unavailable, disk full -> NoSpace).
//
// Why our own wrapper rather than libpqxx: Debian 12's libpqxx is 6.4, which blocks on every
// statement and has no pipeline mode, and the store needs pipeline mode (a version's dozens of
// child rows, sent with RunLater, cost one round trip instead of one each) and the bare
// connection for LISTEN. What libpq leaves to us is small: placeholders (`?` becomes `$N`),
// the order in which pipelined answers come back, and error translation.
//
// Pipelines: Begin sends BEGIN without waiting; a statement's Step or Run sends it (after any
// sent with RunLater) and waits for its own answer; Commit sends COMMIT with a sync point and
// waits for everything. After a failure PostgreSQL skips the rest of the pipeline: every later
// answer is that first failure.
//
// Thread safety: a PgConnection and its statements are used by one thread at a time (the store's
// pool hands connections out).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "storage/sql_connection.h"

namespace agora::storage {

// The Status for a failed command: `sqlstate` is the five-character SQLSTATE, or empty when the
// connection itself failed.
Status PgStatus(std::string_view sqlstate, std::string_view message);
// Whether a failure with this SQLSTATE goes away when the transaction runs again.
bool PgRetryable(std::string_view sqlstate);
// SQL with `?` and `?N` placeholders, as the shared domains write it, in PostgreSQL's `$N`
// notation; text in quotes is left alone. Also gives the number of parameters.
std::string PgPlaceholders(const std::string& sql, int* parameters);

class PgConnection : public SqlConnection {
 public:
  // `conninfo`: a libpq connection string or postgresql:// URL; `password`, when not empty, is
  // used unless the conninfo has one. Connects within 10 seconds and keeps the connection checked
  // by TCP keepalives unless the conninfo says otherwise.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo, const std::string& password = "");
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override;

  // Runs SQL text, possibly several statements, outside any pipeline (schema, LISTEN, SET).
  Status Exec(const std::string& sql);
  // The first row's first column of a query run outside any pipeline.
  Result<std::string> QueryValue(const std::string& sql);

  // A pipelined transaction; `mode` follows BEGIN ("ISOLATION LEVEL SERIALIZABLE").
  void Begin(const std::string& mode);
  // Sends COMMIT, then `after_commit` (run only if the commit succeeds), and waits for every
  // answer; the first failure is the result, and the transaction is then rolled back.
  Status Commit(const std::string& after_commit = "");
  // Abandons the transaction.
  void Rollback();
  // Whether a failure since Begin was a serialization failure or deadlock, which a new attempt
  // of the same transaction may not meet.
  bool retryable() const { return retryable_; }
  // Whether the connection is lost (the pool then drops it).
  bool broken() const;

  // The bare connection, for LISTEN and its notifications (outside any pipeline).
  PGconn* raw() { return conn_; }

  // What PgStatement needs.
  struct Reply;
  struct Prepared {
    std::string name;
    std::string text;  // in $N notation
    int parameters = 0;
  };
  std::shared_ptr<Reply> Send(const Prepared& prepared, const std::vector<std::string>& values,
                              const std::vector<bool>& nulls);
  Status Await(const std::shared_ptr<Reply>& reply);

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  void Enqueue(std::shared_ptr<Reply> reply);
  void ReadReply(Reply& reply);
  void Fail(Reply& reply, Status status);
  Status SyncAndDrain();

  PGconn* conn_;
  std::unordered_map<std::string, Prepared> prepared_;  // by the statement's original text
  std::unordered_set<std::string> parsed_;  // names of the statements PostgreSQL has (or is sent)
  int next_statement_ = 0;
  std::deque<std::shared_ptr<Reply>> in_flight_;  // sent, answer not read yet, oldest first
  bool flush_requested_ = true;  // nothing sent since the last flush request
  bool in_pipeline_ = false;
  bool in_transaction_ = false;  // between Begin and Commit or Rollback
  Status pipeline_error_;  // the first failure since the last sync point
  bool retryable_ = false;
};

}  // namespace agora::storage
