#include "storage/pg_connection.h"

#include <cctype>
#include <cstdlib>

namespace agora::storage {

// Sent statements whose answers are not read yet are capped, so that neither side's socket
// buffer fills up while the other waits (libpq is in blocking mode).
constexpr size_t kMaxInFlight = 128;

Status PgStatus(std::string_view sqlstate, std::string_view message) {
  std::string text = "PostgreSQL: " + std::string(message);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  const std::string_view cls = sqlstate.substr(0, std::min<size_t>(2, sqlstate.size()));
  if (sqlstate.empty() || cls == "08" || cls == "57" || sqlstate == "25006" || PgRetryable(sqlstate))
    return Status::Unavailable(text);  // no connection, shutting down, read-only replica, or try again
  if (sqlstate == "53100") return Status::NoSpace(text);
  if (cls == "53") return Status::Unavailable(text);
  if (cls == "23") return Status::Conflict("CONFLICT", text);
  if (cls == "XX" && (sqlstate == "XX001" || sqlstate == "XX002")) return Status::Corruption(text);
  if (cls == "42" || cls == "22") return Status::Internal(text);  // agora sent SQL or data PostgreSQL refuses
  return Status::IOError(text);
}

bool PgRetryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

std::string PgPlaceholders(const std::string& sql, int* parameters) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0, highest = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote) {
      out += ch;
      if (ch == quote) quote = 0;  // a doubled quote closes and reopens: the text stays quoted
      continue;
    }
    if (ch == '\'' || ch == '"') quote = ch;
    if (ch != '?') {
      out += ch;
      continue;
    }
    size_t end = i + 1;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) ++end;
    const int n = end > i + 1 ? std::atoi(sql.substr(i + 1, end - i - 1).c_str()) : ++next;
    highest = std::max(highest, n);
    out += "$" + std::to_string(n);
    i = end - 1;
  }
  if (parameters) *parameters = highest;
  return out;
}

struct PgConnection::Reply {
  bool sync = false;  // a sync point rather than a command
  PGresult* result = nullptr;
  Status status;
  bool done = false;
  std::function<void(bool ok)> on_done;

  Reply() = default;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;
  ~Reply() {
    if (result) PQclear(result);
  }
};

namespace {

class PgStatement : public SqlStatement {
 public:
  PgStatement(PgConnection& connection, const PgConnection::Prepared& prepared)
      : connection_(connection), prepared_(prepared),
        values_(static_cast<size_t>(prepared.parameters)), nulls_(static_cast<size_t>(prepared.parameters), true) {}

  PgStatement& Bind(int index, std::string_view text) override {
    if (index >= 1 && index <= prepared_.parameters) {
      values_[index - 1] = std::string(text);
      nulls_[index - 1] = false;
    }
    return *this;
  }
  PgStatement& Bind(int index, int64_t value) override { return Bind(index, std::to_string(value)); }

  Result<bool> Step() override {
    AGORA_RETURN_IF_ERROR(Answer());
    ++row_;
    return row_ < PQntuples(reply_->result);
  }
  Status Run() override { return Answer(); }
  Status RunLater() override {
    if (!reply_) reply_ = connection_.Send(prepared_, values_, nulls_);
    return reply_->done ? reply_->status : Status::Ok();
  }
  int64_t Changes() const override {
    return reply_ && reply_->result ? std::atoll(PQcmdTuples(reply_->result)) : 0;
  }

  std::string Text(int column) const override {
    const PGresult* r = reply_->result;
    return std::string(PQgetvalue(r, row_, column), static_cast<size_t>(PQgetlength(r, row_, column)));
  }
  int64_t Int(int column) const override {
    const char* value = PQgetvalue(reply_->result, row_, column);
    if (value[0] == 't' || value[0] == 'f') return value[0] == 't';  // a boolean
    return std::atoll(value);
  }

 private:
  Status Answer() {
    if (!reply_) reply_ = connection_.Send(prepared_, values_, nulls_);
    return connection_.Await(reply_);
  }

  PgConnection& connection_;
  const PgConnection::Prepared& prepared_;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
  std::shared_ptr<PgConnection::Reply> reply_;
  int row_ = -1;
};

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo, const std::string& password) {
  // Defaults first: the conninfo, expanded from "dbname", overrides them.
  std::vector<const char*> keys = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                                   "keepalives_count", "client_encoding", "application_name"};
  std::vector<const char*> values = {"10", "1", "10", "5", "3", "UTF8", "agora"};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.insert(keys.end(), {"dbname", nullptr});
  values.insert(values.end(), {conninfo.c_str(), nullptr});
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!conn) return Status::Unavailable("PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status st = PgStatus("", PQerrorMessage(conn));
    PQfinish(conn);
    return st;
  }
  // Notices (an IF NOT EXISTS that found its table, a ROLLBACK after a failed COMMIT) are not
  // errors, and libpq would print them on standard error.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

PgConnection::~PgConnection() {
  in_flight_.clear();
  PQfinish(conn_);
}

bool PgConnection::broken() const { return PQstatus(conn_) != CONNECTION_OK; }

Result<std::unique_ptr<SqlStatement>> PgConnection::Prepare(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    Prepared p;
    p.name = "agora_" + std::to_string(next_statement_++);
    p.text = PgPlaceholders(sql, &p.parameters);
    it = prepared_.emplace(sql, std::move(p)).first;
  }
  return std::unique_ptr<SqlStatement>(std::make_unique<PgStatement>(*this, it->second));
}

void PgConnection::Enqueue(std::shared_ptr<Reply> reply) {
  in_flight_.push_back(std::move(reply));
  flush_requested_ = false;
  if (in_flight_.size() > kMaxInFlight) (void)Await(in_flight_.front());
}

std::shared_ptr<PgConnection::Reply> PgConnection::Send(const Prepared& prepared, const std::vector<std::string>& values,
                                                        const std::vector<bool>& nulls) {
  if (!in_pipeline_) {
    PQenterPipelineMode(conn_);
    in_pipeline_ = true;
  }
  // A statement is parsed once per connection: PQsendPrepare goes in the same pipeline, and a
  // failed or skipped one is sent again next time.
  const Prepared& entry = prepared;
  if (!parsed_.contains(entry.name)) {
    auto parse = std::make_shared<Reply>();
    if (!PQsendPrepare(conn_, entry.name.c_str(), entry.text.c_str(), entry.parameters, nullptr)) {
      Fail(*parse, PgStatus("", PQerrorMessage(conn_)));
    } else {
      parsed_.insert(entry.name);
      parse->on_done = [this, name = entry.name](bool ok) {
        if (!ok) parsed_.erase(name);
      };
      Enqueue(parse);
    }
  }
  std::vector<const char*> params(values.size());
  for (size_t i = 0; i < values.size(); ++i) params[i] = nulls[i] ? nullptr : values[i].c_str();
  auto reply = std::make_shared<Reply>();
  if (!PQsendQueryPrepared(conn_, entry.name.c_str(), static_cast<int>(params.size()), params.data(), nullptr,
                           nullptr, 0)) {
    Fail(*reply, PgStatus("", PQerrorMessage(conn_)));
    return reply;
  }
  Enqueue(reply);
  return reply;
}

void PgConnection::Fail(Reply& reply, Status status) {
  if (pipeline_error_.ok()) pipeline_error_ = status;
  reply.status = std::move(status);
  reply.done = true;
  if (reply.on_done) reply.on_done(false);
}

Status PgConnection::Await(const std::shared_ptr<Reply>& reply) {
  if (reply->done) return reply->status;
  if (!in_transaction_) {
    // A statement outside Begin and Commit is a transaction of its own, ended by a sync point.
    (void)SyncAndDrain();
    return reply->status;
  }
  if (!flush_requested_) {
    PQsendFlushRequest(conn_);
    flush_requested_ = true;
  }
  if (PQflush(conn_) != 0) {
    Status lost = PgStatus("", PQerrorMessage(conn_));
    while (!in_flight_.empty()) {
      Fail(*in_flight_.front(), lost);
      in_flight_.pop_front();
    }
    return reply->status;
  }
  while (!reply->done && !in_flight_.empty()) {
    std::shared_ptr<Reply> next = in_flight_.front();
    in_flight_.pop_front();
    ReadReply(*next);
  }
  return reply->status;
}

void PgConnection::ReadReply(Reply& reply) {
  if (reply.sync) {
    for (int nulls = 0; nulls < 2;) {
      PGresult* result = PQgetResult(conn_);
      if (!result) {
        if (PQstatus(conn_) != CONNECTION_OK) break;
        ++nulls;
        continue;
      }
      const ExecStatusType type = PQresultStatus(result);
      PQclear(result);
      if (type == PGRES_PIPELINE_SYNC) {
        reply.done = true;
        return;
      }
    }
    return Fail(reply, PgStatus("", PQerrorMessage(conn_)));
  }
  PGresult* result = PQgetResult(conn_);
  if (!result) return Fail(reply, PgStatus("", PQerrorMessage(conn_)));
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // a command's answer ends with a null
  switch (PQresultStatus(result)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
      reply.result = result;
      reply.done = true;
      if (reply.on_done) reply.on_done(true);
      return;
    case PGRES_PIPELINE_ABORTED:
      PQclear(result);
      return Fail(reply, pipeline_error_.ok() ? Status::Unavailable("PostgreSQL: the pipeline was aborted")
                                              : pipeline_error_);
    default: {
      const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      const std::string state = sqlstate ? sqlstate : "";
      Status st = PgStatus(state, PQresultErrorMessage(result));
      PQclear(result);
      if (PgRetryable(state)) retryable_ = true;
      return Fail(reply, std::move(st));
    }
  }
}

Status PgConnection::SyncAndDrain() {
  auto sync = std::make_shared<Reply>();
  sync->sync = true;
  if (!PQpipelineSync(conn_)) {
    Fail(*sync, PgStatus("", PQerrorMessage(conn_)));
  } else {
    in_flight_.push_back(sync);
    flush_requested_ = true;  // a sync point flushes
    if (PQflush(conn_) != 0) Fail(*sync, PgStatus("", PQerrorMessage(conn_)));
  }
  while (!in_flight_.empty()) {
    std::shared_ptr<Reply> next = in_flight_.front();
    in_flight_.pop_front();
    if (sync->done && !next->done) {
      Fail(*next, sync->status);  // the connection is gone: nothing more will come
      continue;
    }
    if (!next->done) ReadReply(*next);
  }
  Status first = pipeline_error_;
  pipeline_error_ = Status::Ok();
  return first;
}

void PgConnection::Begin(const std::string& mode) {
  if (!in_pipeline_) {
    PQenterPipelineMode(conn_);
    in_pipeline_ = true;
  }
  in_transaction_ = true;
  retryable_ = false;
  pipeline_error_ = Status::Ok();
  auto reply = std::make_shared<Reply>();
  const std::string sql = "BEGIN " + mode;
  if (!PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) {
    Fail(*reply, PgStatus("", PQerrorMessage(conn_)));
    return;
  }
  Enqueue(reply);
}

Status PgConnection::Commit(const std::string& after_commit) {
  for (const std::string& sql : {std::string("COMMIT"), after_commit}) {
    if (sql.empty()) continue;
    auto reply = std::make_shared<Reply>();
    if (!PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) {
      Fail(*reply, PgStatus("", PQerrorMessage(conn_)));
      break;
    }
    Enqueue(reply);
  }
  Status st = SyncAndDrain();
  in_transaction_ = false;
  if (!st.ok()) Rollback();
  return st;
}

void PgConnection::Rollback() {
  (void)SyncAndDrain();
  auto reply = std::make_shared<Reply>();
  if (PQsendQueryParams(conn_, "ROLLBACK", 0, nullptr, nullptr, nullptr, nullptr, 0)) Enqueue(reply);
  (void)SyncAndDrain();
  in_transaction_ = false;
}

Status PgConnection::Exec(const std::string& sql) {
  if (in_pipeline_) {
    (void)SyncAndDrain();
    PQexitPipelineMode(conn_);
    in_pipeline_ = false;
  }
  Status st;
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType type = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (type != PGRES_COMMAND_OK && type != PGRES_TUPLES_OK) {
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    st = PgStatus(sqlstate ? sqlstate : "", result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  }
  if (result) PQclear(result);
  return st;
}

Result<std::string> PgConnection::QueryValue(const std::string& sql) {
  if (in_pipeline_) {
    (void)SyncAndDrain();
    PQexitPipelineMode(conn_);
    in_pipeline_ = false;
  }
  PGresult* result = PQexec(conn_, sql.c_str());
  if (!result || PQresultStatus(result) != PGRES_TUPLES_OK) {
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    Status st = PgStatus(sqlstate ? sqlstate : "", result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    if (result) PQclear(result);
    return st;
  }
  std::string value = PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
  PQclear(result);
  return value;
}

}  // namespace agora::storage
