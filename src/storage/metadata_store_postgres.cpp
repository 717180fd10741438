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
//   write notifies channel agora_changes and advances the agora_generation sequence after it
//   commits; a listener thread on a connection of its own counts the notifications, and re-reads
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
  std::string NameOrder() const override { return "lower(v.name)"; }

  std::string VersionSummaries() const override {
    return "SELECT v.version, a.type, v.status, (SELECT p.value FROM version_properties p WHERE p.version_id = v.id "
           "AND p.key = 'apiVersion' ORDER BY p.ordinal LIMIT 1) FROM versions v LEFT JOIN assets a "
           "ON a.group_id = v.group_id AND a.asset_id = v.asset_id WHERE v.group_id = ? AND v.asset_id = ? "
           "ORDER BY v.created_millis, v.version";
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
    AGORA_ASSIGN_OR_RETURN(auto c, PgConnection::Open(conninfo_));
    AGORA_RETURN_IF_ERROR(Migrate(*c));
    AGORA_ASSIGN_OR_RETURN(std::string sequence, c->QueryValue("SELECT last_value FROM agora_generation"));
    {
      std::lock_guard lock(pool_mutex_);
      ++open_;
    }
    Release(std::move(c), /*counted=*/false);
    if (options_.listen) {
      listener_ = std::thread([this, sequence] { Listen(sequence); });
    }
    return Status::Ok();
  }

  uint64_t Generation() const override { return generation_.load(std::memory_order_acquire); }

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
  Status WriteOn(const Body& body) override {
    std::minstd_rand jitter(std::random_device{}());
    for (int attempt = 1;; ++attempt) {
      AGORA_ASSIGN_OR_RETURN(auto c, Acquire());
      queued_for_index.clear();
      c->Begin("ISOLATION LEVEL SERIALIZABLE");
      Status st = RunBody(body, *c);
      bool committing = false;
      if (st.ok()) st = FlushSearchIndex(*c);
      if (st.ok()) st = Notify(*c);
      if (st.ok()) {
        committing = true;
        st = c->Commit("SELECT nextval('agora_generation')");
      } else {
        c->Rollback();
      }
      queued_for_index.clear();
      const bool again = attempt < kMaxWriteAttempts && (c->retryable() || (c->broken() && !committing));
      Release(std::move(c), /*counted=*/true);
      if (st.ok() || !again) return st;
      // Conflicting writers back off for a while that grows with each attempt, apart at random.
      std::this_thread::sleep_for(std::chrono::microseconds(jitter() % (500 * std::min(attempt, 20)) + 100));
    }
  }

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
    auto opened = PgConnection::Open(conninfo_);
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
  void Listen(std::string sequence) {
    using Clock = std::chrono::steady_clock;
    while (!stopping_) {
      auto opened = PgConnection::Open(conninfo_);
      if (!opened.ok() || !(*opened)->Exec("LISTEN agora_changes").ok()) {
        for (int i = 0; i < 10 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      PgConnection& c = **opened;
      generation_.fetch_add(1, std::memory_order_release);  // whatever happened while we were away
      auto next_poll = Clock::now();
      while (!stopping_ && !c.broken()) {
        if (Clock::now() >= next_poll) {
          auto current = c.QueryValue("SELECT last_value FROM agora_generation");
          if (current.ok() && *current != sequence) {
            sequence = *current;
            generation_.fetch_add(1, std::memory_order_release);
          }
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

  const std::string conninfo_;
  const PostgresOptions options_;
  std::atomic<uint64_t> generation_{0};
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;  // connections handed out or idle
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
