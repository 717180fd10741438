// PostgresMetadataStore: the MetadataStore of a cluster of servers (see metadata_store.h), the
// PostgreSQL engine under the SQL backends' shared domains (metadata_store_sql.h).
//
// - Writes run in SERIALIZABLE transactions, so concurrent servers cannot interleave into a
//   state no order of their writes gives (two publications both taking an asset's latest flag,
//   two organisations both claiming a group); a transaction PostgreSQL aborts for a conflict
//   runs again. Reads run in REPEATABLE READ READ ONLY transactions: one snapshot per call.
// - Connections come from a pool that grows up to PostgresOptions::connections; a lost
//   connection is dropped and a read, or a write that did not reach COMMIT, runs again.
// - Schema migrations run at open inside one transaction under an advisory lock: of several
//   servers starting together, one migrates and the others wait, then find the schema current.
// - Generation() must change within a moment of a write by any server (caches rely on it): each
//   write of the shared domains notifies channel agora_changes and advances the agora_generation
//   sequence after it commits (pins and rate-limit counts, which no cache holds, do not); a listener thread on a connection of its own counts the notifications, and re-reads
//   the sequence every half second and whenever it reconnects, for notifications it missed.
// Its dialect: a weighted tsvector per version, ranked by ts_rank, is the search index.
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "storage/metadata_store_sql.h"
#include "storage/pg_connection.h"
#include "storage/postgres_schema.h"

namespace agora::storage {
namespace {

using Statement = std::unique_ptr<SqlStatement>;

// The versions the write transaction running on this thread queued for the search index: a
// transaction runs on its caller's thread from Begin to Commit (see PostgresMetadataStore::WriteOn).
thread_local std::set<int64_t> queued_for_index;

constexpr int kMaxWriteAttempts = 30;
// The generation sequence's position: last_value alone does not move at the first nextval (it
// reads 1 before and after), is_called does.
const char* const kReadGeneration =
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM agora_generation";

class PostgresDialect : public SqlDialect {
 public:
  Status IndexVersion(SqlConnection&, int64_t id) const override {
    queued_for_index.insert(id);
    return Status::Ok();
  }

  Status UnindexVersion(SqlConnection& c, int64_t id) const override {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM version_search WHERE version_id = ?"));
    return s->Bind(1, id).RunLater();
  }

  // A tsquery: every word, quoted (words hold no quote), as a prefix, restricted to the name and
  // assetId weights for names_only.
  std::string FullTextQuery(const std::vector<std::string>& words, bool names_only) const override {
    std::vector<std::string> terms;
    for (const auto& word : words) terms.push_back("'" + word + "':*" + (names_only ? "AB" : ""));
    return Join(terms, " & ");
  }

  // ts_rank's weights for D, C, B and A; negated, so that a lower score ranks first.
  std::string ScoredMatches() const override {
    return "(SELECT m.version_id AS id, -ts_rank('{0.1, 0.3, 0.6, 1.0}', m.document, q.query) AS score "
           "FROM version_search m, to_tsquery('simple', unaccent(?::text)) AS q(query) WHERE m.document @@ q.query)";
  }

  std::string Matches() const override {
    return "SELECT version_id FROM version_search WHERE document @@ to_tsquery('simple', unaccent(?::text))";
  }

  // The column's "C" collation makes lower() fold ASCII only, as SQLite's NOCASE.
  std::string SkipLocked() const override { return " FOR UPDATE SKIP LOCKED"; }

  std::string NameOrder() const override { return "lower(v.name)"; }

  std::string FirstApiVersion() const override {
    return "(SELECT p.value FROM version_properties p WHERE p.version_id = v.id AND p.key = 'apiVersion' "
           "ORDER BY p.ordinal LIMIT 1)";
  }

  // The search index is derived, agora_schema is the migrations' bookkeeping, and blob pins and
  // request counts are the running servers' passing state (they expire within minutes).
  std::string DataTables() const override {
    return "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() "
           "AND table_type = 'BASE TABLE' AND table_name::text NOT IN ('version_search', 'agora_schema', "
           "'blob_pins', 'request_counts')";
  }

  std::string TableColumns() const override {
    return "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() "
           "AND table_name::text = ?::text ORDER BY ordinal_position";
  }

  // The identity behind versions.id continues after the copied ids.
  Status AfterCopy(SqlConnection& c) const override {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
        "SELECT setval(pg_get_serial_sequence('versions', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM versions), "
        "false)"));
    return s->Run();
  }
};

const PostgresDialect kDialect;

// Indexes the versions queued by this transaction, from their stored rows, in one statement.
Status FlushSearchIndex(SqlConnection& c) {
  if (queued_for_index.empty()) return Status::Ok();
  std::vector<std::string> ids;
  for (int64_t id : queued_for_index) ids.push_back(std::to_string(id));
  queued_for_index.clear();
  AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
      "INSERT INTO version_search (version_id, document) "
      "SELECT v.id, setweight(agora_words(v.name), 'A') || setweight(agora_words(v.asset_id), 'B') || "
      "setweight(agora_words(concat_ws(' ', "
      "(SELECT string_agg(value, ' ') FROM version_keywords WHERE version_id = v.id), "
      "(SELECT string_agg(value, ' ') FROM version_tags WHERE version_id = v.id), "
      "(SELECT string_agg(value, ' ') FROM version_tag_values WHERE version_id = v.id))), 'C') || "
      "setweight(agora_words(concat_ws(' ', v.description, "
      "(SELECT api_terms FROM api_models WHERE id = v.api_model_id))), 'D') "
      "FROM versions v WHERE v.id = ANY(?::bigint[]) "
      "ON CONFLICT (version_id) DO UPDATE SET document = excluded.document"));
  return s->Bind(1, "{" + Join(ids, ",") + "}").RunLater();
}

class PostgresMetadataStore : public SqlMetadataStore {
 public:
  PostgresMetadataStore(std::string conninfo, PostgresOptions options)
      : SqlMetadataStore(kDialect), conninfo_(std::move(conninfo)), options_(options) {}

  ~PostgresMetadataStore() override {
    stopping_ = true;
    if (listener_.joinable()) listener_.join();
  }

  Status Open() {
    if (options_.connections < 1)
      return Status::InvalidArgument("INVALID_STORAGE_OPTION", "connections must be at least 1");
    AGORA_ASSIGN_OR_RETURN(auto c, PgConnection::Open(conninfo_, options_.password));
    AGORA_RETURN_IF_ERROR(Migrate(*c));
    AGORA_ASSIGN_OR_RETURN(std::string sequence, c->QueryValue(kReadGeneration));
    {
      std::lock_guard lock(pool_mutex_);
      ++open_;
    }
    Release(std::move(c), /*counted=*/false);
    sequence_ = sequence;
    if (options_.listen) {
      listener_ = std::thread([this] { Listen(); });
    }
    return Status::Ok();
  }

  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }

  // One read of the generation sequence serves every caller that arrived before it started: a
  // caller waits for the read in flight to end, then for the next one, which began after it
  // arrived. Under load that is one query per round trip, not one per cached read.
  Status CatchUp() override {
    std::unique_lock lock(fence_mutex_);
    const uint64_t needed = fence_started_ + 1;
    while (fence_finished_ < needed) {
      if (fence_running_) {
        fence_done_.wait(lock);
        continue;
      }
      fence_running_ = true;
      const uint64_t ticket = ++fence_started_;
      lock.unlock();
      Status read = ReadOn([&](SqlConnection& c) -> Status {
        AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(kReadGeneration));
        AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
        if (row) SawSequence(s->Text(0));
        return Status::Ok();
      });
      lock.lock();
      fence_running_ = false;
      fence_finished_ = ticket;
      fence_status_ = read;
      fence_done_.notify_all();
    }
    return fence_status_;
  }

  Status PinBlobs(const std::vector<std::string>& sha256s, const std::string& owner, int64_t expires_millis) override {
    return WriteQuietly([&](SqlConnection& c) -> Status {
      for (const auto& sha : sha256s) {
        AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
            "INSERT INTO blob_pins VALUES (?, ?, ?) ON CONFLICT (sha256, owner) DO UPDATE SET "
            "expires_millis = excluded.expires_millis"));
        AGORA_RETURN_IF_ERROR(s->Bind(1, sha).Bind(2, owner).Bind(3, expires_millis).RunLater());
      }
      return Status::Ok();
    });
  }

  // Also forgets pins whose servers died.
  Status UnpinBlobs(const std::vector<std::string>& sha256s, const std::string& owner) override {
    const int64_t now = NowMillis();
    return WriteQuietly([&](SqlConnection& c) -> Status {
      for (const auto& sha : sha256s) {
        AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM blob_pins WHERE sha256 = ? AND owner = ?"));
        AGORA_RETURN_IF_ERROR(s->Bind(1, sha).Bind(2, owner).RunLater());
      }
      AGORA_ASSIGN_OR_RETURN(Statement expired, c.Prepare("DELETE FROM blob_pins WHERE expires_millis <= ?"));
      return expired->Bind(1, now).RunLater();
    });
  }

  Result<bool> IsBlobReferenced(const std::string& sha256) override {
    const int64_t now = NowMillis();
    AGORA_ASSIGN_OR_RETURN(bool pinned, Read<bool>([&](SqlConnection& c) -> Result<bool> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT 1 FROM blob_pins WHERE sha256 = ? AND expires_millis > ?"));
      s->Bind(1, sha256).Bind(2, now);
      return s->Step();
    }));
    if (pinned) return true;
    return SqlMetadataStore::IsBlobReferenced(sha256);
  }

  Result<std::vector<std::string>> ReferencedBlobs() override {
    AGORA_ASSIGN_OR_RETURN(std::vector<std::string> referenced, SqlMetadataStore::ReferencedBlobs());
    const int64_t now = NowMillis();
    AGORA_ASSIGN_OR_RETURN(auto pinned, Read<std::vector<std::string>>([&](SqlConnection& c)
                                                                          -> Result<std::vector<std::string>> {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT DISTINCT sha256 FROM blob_pins WHERE expires_millis > ?"));
      s->Bind(1, now);
      return s->Collect<std::string>([](SqlStatement& r) -> Result<std::string> { return r.Text(0); });
    }));
    std::set<std::string> all(referenced.begin(), referenced.end());
    all.insert(pinned.begin(), pinned.end());
    return std::vector<std::string>(all.begin(), all.end());
  }

  Result<uint64_t> AddRequestCount(const std::string& client, int64_t window_start_millis, uint64_t count) override {
    uint64_t total = 0;
    AGORA_RETURN_IF_ERROR(WriteQuietly([&](SqlConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement old, c.Prepare("DELETE FROM request_counts WHERE client = ? AND window_start < ?"));
      AGORA_RETURN_IF_ERROR(old->Bind(1, client).Bind(2, window_start_millis - 60'000).RunLater());
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "INSERT INTO request_counts VALUES (?, ?, ?) ON CONFLICT (client, window_start) "
          "DO UPDATE SET count = request_counts.count + excluded.count RETURNING count"));
      s->Bind(1, client).Bind(2, window_start_millis).Bind(3, static_cast<int64_t>(count));
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Status::Internal("no request count returned");
      total = static_cast<uint64_t>(s->Int(0));
      return s->Run();
    }));
    return total;
  }

  // An advisory lock on a connection of its own, outside the pool: holders of the shared lock
  // waiting behind a sweep must never take the connections the sweep needs for its queries.
  Result<std::unique_ptr<HeldLock>> LockBlobs(bool exclusive) override {
    const std::string mode = exclusive ? "" : "_shared";
    return Advisory("pg_advisory_lock" + mode + "(hashtext('agora:blobs'))",
                    "pg_advisory_unlock" + mode + "(hashtext('agora:blobs'))", nullptr);
  }

  // The in-memory lock first, so that a server's own waiters hold no connection each; then the
  // advisory lock for the other servers. Named locks use the two-key form, whose keys never meet
  // LockBlobs' one-key lock.
  Result<std::unique_ptr<HeldLock>> LockName(const std::string& name) override {
    AGORA_ASSIGN_OR_RETURN(auto in_process, SqlMetadataStore::LockName(name));
    const std::string key = std::to_string(kNamedLocks) + ", " + std::to_string(static_cast<int32_t>(NameHash(name)));
    return Advisory("pg_advisory_lock(" + key + ")", "pg_advisory_unlock(" + key + ")", std::move(in_process));
  }

  Status CheckIntegrity() override {
    return ReadOn([&](SqlConnection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare(
          "SELECT count(*) FROM versions v WHERE NOT EXISTS (SELECT 1 FROM version_search s WHERE s.version_id = v.id)"));
      AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row && s->Int(0) != 0)
        return Status::Corruption(std::to_string(s->Int(0)) + " versions are missing from the search index");
      return Status::Ok();
    });
  }

 protected:
  Status WriteOn(const Body& body) override { return Transact(body, /*visible=*/true); }

  Status ReadOn(const Body& body) override {
    for (int attempt = 1;; ++attempt) {
      AGORA_ASSIGN_OR_RETURN(auto c, Acquire());
      c->Begin("ISOLATION LEVEL REPEATABLE READ READ ONLY");
      Status st = RunBody(body, *c);
      Status end = c->Commit();
      if (st.ok()) st = end;
      const bool lost = c->broken();
      Release(std::move(c), /*counted=*/false);
      if (!lost || attempt == 2) return st;
    }
  }

 private:
  // One write transaction, run again after a serialization failure or a connection lost before
  // COMMIT. A `visible` write (any the shared domains make) tells every server: it notifies
  // agora_changes and advances the generation sequence. Pins and request counts, which no cache
  // holds, do not.
  Status Transact(const Body& body, bool visible) {
    std::minstd_rand jitter(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      AGORA_ASSIGN_OR_RETURN(auto c, Acquire());
      queued_for_index.clear();
      c->Begin("ISOLATION LEVEL SERIALIZABLE");
      Status st = RunBody(body, *c);
      bool committing = false;
      if (st.ok()) st = FlushSearchIndex(*c);
      if (st.ok() && visible) st = Notify(*c);
      if (st.ok()) {
        committing = true;
        st = c->Commit(visible ? "SELECT nextval('agora_generation')" : "");
      } else {
        c->Rollback();
      }
      queued_for_index.clear();
      const bool again = attempt < kMaxWriteAttempts && (c->retryable() || (c->broken() && !committing));
      Release(std::move(c), /*counted=*/visible);
      if (st.ok() || !again) return st;
      // Conflicting writers back off for a while that grows with each attempt, apart at random.
      std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500 * std::min(attempt, 20)) + 100));
    }
  }

  template <typename Fn>
  Status WriteQuietly(Fn body) {
    return Transact(Body(std::ref(body)), /*visible=*/false);
  }

  static Status RunBody(const Body& body, SqlConnection& c) {
    try {
      return body(c);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("metadata transaction failed: ") + e.what());
    }
  }

  static Status Notify(SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT pg_notify('agora_changes', '')"));
    return s->RunLater();
  }

  // Of several servers starting on one database, the first to take the lock migrates; the others
  // wait for it and find the schema current. DDL is transactional: a failed step leaves nothing.
  Status Migrate(PgConnection& c) {
    AGORA_RETURN_IF_ERROR(c.Exec("BEGIN; SELECT pg_advisory_xact_lock(hashtext('agora:migrate')); "
                                 "CREATE TABLE IF NOT EXISTS agora_schema (version integer NOT NULL)"));
    auto version = c.QueryValue("SELECT coalesce(max(version), 0) FROM agora_schema");
    const auto migrations = PostgresMigrations();
    Status st = version.status();
    if (st.ok() && std::stoi(*version) > static_cast<int>(migrations.size()))
      st = Status::Corruption("the database schema version " + *version + " is newer than this agora");
    for (size_t step = st.ok() ? std::stoul(*version) : migrations.size(); st.ok() && step < migrations.size(); ++step)
      st = c.Exec(migrations[step]);
    if (st.ok())
      st = c.Exec("DELETE FROM agora_schema; INSERT INTO agora_schema VALUES (" + std::to_string(migrations.size()) +
                  "); COMMIT");
    if (!st.ok()) (void)c.Exec("ROLLBACK");
    return st;
  }

  Result<std::unique_ptr<PgConnection>> Acquire() {
    {
      std::unique_lock lock(pool_mutex_);
      pool_available_.wait(lock, [this] { return !idle_.empty() || open_ < options_.connections; });
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
      ++open_;
    }
    auto opened = PgConnection::Open(conninfo_, options_.password);
    if (!opened.ok()) {
      std::lock_guard lock(pool_mutex_);
      --open_;
      pool_available_.notify_one();
    }
    return opened;
  }

  // Returns a connection to the pool (a lost one is dropped). A write counts towards Generation,
  // whatever its outcome: a reader that noted the generation before reading can then never pass
  // off what it read as current.
  void Release(std::unique_ptr<PgConnection> c, bool counted) {
    if (counted) generation_.fetch_add(1, std::memory_order_release);
    {
      std::lock_guard lock(pool_mutex_);
      if (c->broken()) --open_;
      else idle_.push_back(std::move(c));
    }
    pool_available_.notify_one();
  }

  // Counts the writes of other servers into Generation (see the top of this file).
  // Counts a generation sequence value read from the database, if it is new.
  void SawSequence(const std::string& sequence) {
    std::lock_guard lock(sequence_mutex_);
    if (sequence == sequence_) return;
    sequence_ = sequence;
    generation_.fetch_add(1, std::memory_order_release);
  }

  void Listen() {
    using Clock = std::chrono::steady_clock;
    while (!stopping_) {
      auto opened = PgConnection::Open(conninfo_, options_.password);
      if (!opened.ok() || !(*opened)->Exec("LISTEN agora_changes").ok()) {
        for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      PgConnection& c = **opened;
      generation_.fetch_add(1, std::memory_order_release);  // whatever happened while we were away
      auto next_poll = Clock::now();
      while (!stopping_ && !c.broken()) {
        if (Clock::now() >= next_poll) {
          auto current = c.QueryValue(kReadGeneration);
          if (current.ok()) SawSequence(*current);
          next_poll = Clock::now() + std::chrono::milliseconds(500);
        }
        pollfd fd{PQsocket(c.raw()), POLLIN, 0};
        if (poll(&fd, 1, 100) < 0) continue;
        if (!PQconsumeInput(c.raw())) break;
        bool notified = false;
        while (PGnotify* n = PQnotifies(c.raw())) {
          notified = true;
          PQfreemem(n);
        }
        if (notified) generation_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  // Takes a session advisory lock with `lock_sql` on an idle lock connection (or a new one).
  Result<std::unique_ptr<HeldLock>> Advisory(const std::string& lock_sql, std::string unlock_sql,
                                             std::unique_ptr<HeldLock> inner) {
    std::unique_ptr<PgConnection> c;
    {
      std::lock_guard lock(pool_mutex_);
      if (!lock_connections_.empty()) {
        c = std::move(lock_connections_.back());
        lock_connections_.pop_back();
      }
    }
    if (!c) {
      AGORA_ASSIGN_OR_RETURN(c, PgConnection::Open(conninfo_, options_.password));
    }
    AGORA_RETURN_IF_ERROR(c->QueryValue("SELECT " + lock_sql).status());
    return std::unique_ptr<HeldLock>(
        std::make_unique<AdvisoryLock>(*this, std::move(c), std::move(unlock_sql), std::move(inner)));
  }

  class AdvisoryLock : public HeldLock {
   public:
    AdvisoryLock(PostgresMetadataStore& store, std::unique_ptr<PgConnection> c, std::string unlock_sql,
                 std::unique_ptr<HeldLock> inner)
        : store_(store), c_(std::move(c)), unlock_sql_(std::move(unlock_sql)), inner_(std::move(inner)) {}
    ~AdvisoryLock() override {
      // A connection that is lost has lost its lock with it.
      if (!c_->QueryValue("SELECT " + unlock_sql_).ok() || c_->broken()) return;
      std::lock_guard lock(store_.pool_mutex_);
      store_.lock_connections_.push_back(std::move(c_));
    }

   private:
    PostgresMetadataStore& store_;
    std::unique_ptr<PgConnection> c_;
    const std::string unlock_sql_;
    std::unique_ptr<HeldLock> inner_;  // released after the advisory lock
  };

  static constexpr int32_t kNamedLocks = 0x61676f72;  // "agor": LockName's first key
  const std::string conninfo_;
  const PostgresOptions options_;
  std::atomic<uint64_t> generation_{0};
  std::mutex sequence_mutex_;
  std::string sequence_;  // the generation sequence's value last read; sequence_mutex_
  std::mutex fence_mutex_;  // guards the CatchUp state below
  std::condition_variable fence_done_;
  uint64_t fence_started_ = 0, fence_finished_ = 0;
  bool fence_running_ = false;
  Status fence_status_;
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // connections handed out or idle
  std::vector<std::unique_ptr<PgConnection>> lock_connections_;  // idle ones of LockBlobs and LockName
  std::atomic<bool> stopping_{false};
  std::thread listener_;
};

}  // namespace

int PostgresSchemaVersion() { return static_cast<int>(PostgresMigrations().size()); }

Result<std::unique_ptr<MetadataStore>> OpenPostgresMetadataStore(const std::string& conninfo,
                                                                 const PostgresOptions& options) {
  auto store = std::make_unique<PostgresMetadataStore>(conninfo, options);
  AGORA_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace agora::storage
