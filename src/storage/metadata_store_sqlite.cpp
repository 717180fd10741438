// SqliteMetadataStore: the embedded MetadataStore backend (see metadata_store.h), the SQLite
// engine under the SQL backends' shared domains (metadata_store_sql.h). One writer connection
// serialises transactions, and concurrent writes share one commit (group commit, see WriteOn);
// readers take connections from a pool, so reads proceed in parallel with a write (WAL mode).
// Its dialect: an FTS5 table ranked by bm25 is the search index.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <map>
#include <set>
#include <shared_mutex>
#include <vector>

#include "common/ids.h"
#include "storage/metadata_store_sql.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_schema.h"

namespace agora::storage {
namespace {

using Statement = std::unique_ptr<SqlStatement>;

// The writer connection's queue of versions to (re)index for search (see FlushSearchIndex).
// A temporary table, so a rolled-back transaction takes its queue entries with it.
const char* const kPendingSearchTable = "CREATE TEMP TABLE pending_search (id INTEGER PRIMARY KEY)";

// Column weights for bm25: a name match outranks an assetId match, then keywords and tags, then
// category and field values, then the description and the API's own words.
const char* const kRank = "bm25(version_search, 10.0, 6.0, 4.0, 4.0, 1.0, 3.0, 1.0)";

class SqliteDialect : public SqlDialect {
 public:
  // Queues the version for the search index, which FlushSearchIndex fills at the end of the
  // transaction from the stored rows.
  Status IndexVersion(SqlConnection& c, int64_t id) const override {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("INSERT OR IGNORE INTO temp.pending_search VALUES (?)"));
    return s->Bind(1, id).Run();
  }

  Status UnindexVersion(SqlConnection& c, int64_t id) const override {
    AGORA_ASSIGN_OR_RETURN(Statement s, c.Prepare("DELETE FROM version_search WHERE rowid = ?"));
    return s->Bind(1, id).Run();
  }

  // An FTS5 query: every word must match, as a word or a word prefix.
  std::string FullTextQuery(const std::vector<std::string>& words, bool names_only) const override {
    std::vector<std::string> terms;
    for (const auto& word : words) terms.push_back("\"" + word + "\"*");
    const std::string match = Join(terms, " ");
    return names_only ? "{name asset_id} : (" + match + ")" : match;
  }

  std::string ScoredMatches() const override {
    return std::string("(SELECT rowid AS id, ") + kRank + " AS score FROM version_search WHERE version_search MATCH ?)";
  }

  std::string Matches() const override { return "SELECT rowid FROM version_search WHERE version_search MATCH ?"; }

  std::string SkipLocked() const override { return ""; }

  std::string NameOrder() const override { return "v.name COLLATE NOCASE"; }

  // MIN() picks the property's row without sorting the properties.
  std::string FirstApiVersion() const override {
    return "(SELECT value FROM (SELECT p.value, MIN(p.ordinal) FROM version_properties p "
           "WHERE p.version_id = v.id AND p.key = 'apiVersion'))";
  }

  // The FTS5 index and its shadow tables are derived; sqlite_* are SQLite's own.
  std::string DataTables() const override {
    return "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*' "
           "AND name NOT GLOB 'version_search*'";
  }

  std::string TableColumns() const override { return "SELECT name FROM pragma_table_info(?) ORDER BY cid"; }

  // An INTEGER PRIMARY KEY continues after the largest id present.
  Status AfterCopy(SqlConnection&) const override { return Status::Ok(); }
};

const SqliteDialect kDialect;

// The options reach PRAGMAs as text, so only the documented values pass.
Status ValidateOptions(SqliteOptions& options) {
  static const std::set<std::string> kSynchronousModes = {"OFF", "NORMAL", "FULL", "EXTRA"};
  for (char& c : options.synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!kSynchronousModes.contains(options.synchronous))
    return Status::InvalidArgument("INVALID_STORAGE_OPTION",
                                   "synchronous must be OFF, NORMAL, FULL or EXTRA, not '" + options.synchronous + "'");
  if (options.readers < 1 || options.wal_checkpoint_pages < 1 || options.busy_timeout_millis < 0 ||
      options.cache_kib < 0 || options.mmap_bytes < 0)
    return Status::InvalidArgument("INVALID_STORAGE_OPTION",
                                   "readers and wal_checkpoint_pages must be at least 1; busy_timeout_millis, "
                                   "cache_kib and mmap_bytes >= 0");
  return Status::Ok();
}

class SqliteMetadataStore : public SqlMetadataStore {
 public:
  SqliteMetadataStore() : SqlMetadataStore(kDialect) {}

  Status Open(const std::string& path, SqliteOptions options) {
    AGORA_RETURN_IF_ERROR(ValidateOptions(options));
    // ALTER TABLE DROP COLUMN (schema step 5) and sqlite3_total_changes64 (group commit).
    if (sqlite3_libversion_number() < 3037000)
      return Status::Internal(std::string("agora needs SQLite 3.37 or later, not ") + sqlite3_libversion());
    AGORA_ASSIGN_OR_RETURN(writer_, SqliteConnection::Open(path, /*read_only=*/false, options.busy_timeout_millis));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA journal_mode = WAL"));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA synchronous = " + options.synchronous));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA wal_autocheckpoint = " + std::to_string(options.wal_checkpoint_pages)));
    AGORA_RETURN_IF_ERROR(writer_->Exec("PRAGMA temp_store = MEMORY"));
    AGORA_RETURN_IF_ERROR(writer_->Exec(kPendingSearchTable));
    AGORA_RETURN_IF_ERROR(Migrate());
    AGORA_RETURN_IF_ERROR(Tune(*writer_, options));
    AGORA_ASSIGN_OR_RETURN(watcher_, SqliteConnection::Open(path, /*read_only=*/true, options.busy_timeout_millis));
    for (int i = 0; i < options.readers; ++i) {
      AGORA_ASSIGN_OR_RETURN(auto reader, SqliteConnection::Open(path, /*read_only=*/true, options.busy_timeout_millis));
      AGORA_RETURN_IF_ERROR(Tune(*reader, options));
      readers_.push_back(std::move(reader));
    }
    return Status::Ok();
  }

  static Status Tune(SqliteConnection& c, const SqliteOptions& options) {
    AGORA_RETURN_IF_ERROR(c.Exec("PRAGMA cache_size = -" + std::to_string(options.cache_kib)));
    return c.Exec("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes));
  }

  uint64_t Generation() const override {
    NoticeOtherProcesses(/*now_or_wait=*/false);
    return generation_.load(std::memory_order_acquire);
  }
  Status CatchUp() override {
    NoticeOtherProcesses(/*now_or_wait=*/true);
    return Status::Ok();
  }

  // One server owns a SQLite database: its pins and blob lock need not leave its memory.
  Status PinBlobs(const std::vector<std::string>& sha256s, const std::string& owner, int64_t expires_millis) override {
    std::lock_guard lock(pins_mutex_);
    for (const auto& sha : sha256s) pins_[sha][owner] = expires_millis;
    return Status::Ok();
  }

  Status UnpinBlobs(const std::vector<std::string>& sha256s, const std::string& owner) override {
    std::lock_guard lock(pins_mutex_);
    for (const auto& sha : sha256s) {
      auto it = pins_.find(sha);
      if (it == pins_.end()) continue;
      it->second.erase(owner);
      if (it->second.empty()) pins_.erase(it);
    }
    return Status::Ok();
  }

  Result<bool> IsBlobReferenced(const std::string& sha256) override {
    if (Pinned(sha256)) return true;
    return SqlMetadataStore::IsBlobReferenced(sha256);
  }

  Result<std::vector<std::string>> ReferencedBlobs() override {
    AGORA_ASSIGN_OR_RETURN(std::vector<std::string> referenced, SqlMetadataStore::ReferencedBlobs());
    std::set<std::string> all(referenced.begin(), referenced.end());
    std::lock_guard lock(pins_mutex_);
    const int64_t now = NowMillis();
    for (const auto& [sha, owners] : pins_)
      for (const auto& [owner, expires] : owners)
        if (expires > now) all.insert(sha);
    return std::vector<std::string>(all.begin(), all.end());
  }

  Result<std::unique_ptr<HeldLock>> LockBlobs(bool exclusive) override {
    return std::unique_ptr<HeldLock>(std::make_unique<MemoryBlobLock>(blob_mutex_, exclusive));
  }

  Result<uint64_t> AddRequestCount(const std::string& client, int64_t window_start_millis, uint64_t count) override {
    std::lock_guard lock(pins_mutex_);
    std::erase_if(request_counts_, [&](const auto& entry) { return entry.first.second < window_start_millis - 60'000; });
    return request_counts_[{client, window_start_millis}] += count;
  }

  Status CheckIntegrity() override {
    std::lock_guard lock(writer_mutex_);
    CountOnExit count{generation_};
    AGORA_ASSIGN_OR_RETURN(Statement s, writer_->Prepare("PRAGMA integrity_check"));
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row || s->Text(0) != "ok") return Status::Corruption("integrity_check: " + (row ? s->Text(0) : ""));
    AGORA_ASSIGN_OR_RETURN(Statement fk, writer_->Prepare("PRAGMA foreign_key_check"));
    AGORA_ASSIGN_OR_RETURN(bool violation, fk->Step());
    if (violation) return Status::Corruption("foreign_key_check: violation in table " + fk->Text(0));
    return Status::Ok();
  }

 private:
  Status Migrate() {
    AGORA_ASSIGN_OR_RETURN(Statement s, writer_->Prepare("PRAGMA user_version"));
    AGORA_ASSIGN_OR_RETURN(bool row, s->Step());
    const int64_t version = row ? s->Int(0) : 0;
    s.reset();
    if (version == SqliteSchemaVersion()) return Status::Ok();
    if (version > SqliteSchemaVersion())
      return Status::Corruption("the database schema version " + std::to_string(version) + " is newer than this agora");
    // Each step commits with its version number, so a crash mid-way resumes at the next step.
    for (int64_t step = version; step < SqliteSchemaVersion(); ++step) {
      AGORA_RETURN_IF_ERROR(Write([&](SqlConnection&) -> Status {  // on writer_
        AGORA_RETURN_IF_ERROR(writer_->Exec(SqliteMigrations()[step]));
        return writer_->Exec("PRAGMA user_version = " + std::to_string(step + 1));
      }));
    }
    return Status::Ok();
  }

  // Runs `body` on the writer connection, inside a transaction.
  //
  // Group commit: writers that arrive while a transaction is being written queue up, and the next
  // one to run takes the whole queue into one transaction, so one commit (one WAL fsync with
  // synchronous=FULL) makes them all durable. A body that fails before writing anything leaves
  // the others be; one that fails after writing is undone by rolling back and running the others
  // again, each in a transaction of its own.
  // (Savepoints per body would undo it alone, but FTS5 flushes its pending index at every
  // savepoint, which made each publication's search terms a segment of their own.) A failed
  // commit fails every body of the group. Bodies must therefore be safe to run again.
  Status WriteOn(const Body& body) override {
    PendingWrite write{body};
    std::unique_lock lock(group_mutex_);
    pending_.push_back(&write);
    while (!write.done) {
      if (group_leader_active_) {
        group_done_.wait(lock);
        continue;
      }
      group_leader_active_ = true;
      std::vector<PendingWrite*> group;
      group.swap(pending_);
      lock.unlock();
      CommitGroup(group);
      lock.lock();
      group_leader_active_ = false;
      for (PendingWrite* member : group) member->done = true;
      group_done_.notify_all();
    }
    return write.result;
  }

  // Counted after a write, whatever its outcome: a reader that noted the generation before
  // reading can then never pass off what it read as current.
  struct CountOnExit {
    std::atomic<uint64_t>& generation;
    ~CountOnExit() { generation.fetch_add(1, std::memory_order_release); }
  };

  struct PendingWrite {
    const Body& body;
    Status result = Status::Ok();
    bool done = false;
  };

  static Status RunBody(const PendingWrite& write, SqliteConnection& c) {
    try {
      return write.body(c);
    } catch (const std::exception& e) {  // never let one body strand the others of its group
      return Status::Internal(std::string("metadata write failed: ") + e.what());
    }
  }

  void CommitGroup(const std::vector<PendingWrite*>& group) {
    std::lock_guard lock(writer_mutex_);
    CountOnExit count{generation_};
    std::vector<PendingWrite*> members = group;
    if (RunGroupOnce(members)) return;
    // A member failed after writing and left the group: the others run one transaction each, so
    // that more such members cost one run each rather than a run of the whole group each.
    for (PendingWrite* member : members) {
      std::vector<PendingWrite*> alone{member};
      RunGroupOnce(alone);
    }
  }

  // One attempt at the group's transaction. False when a member failed after writing: the
  // transaction is rolled back, that member keeps its failure and leaves `members`, and the
  // others must run again. A group of one always ends here.
  bool RunGroupOnce(std::vector<PendingWrite*>& members) {
    auto fail_all = [&](const Status& st) {
      for (PendingWrite* member : members)
        if (member->result.ok()) member->result = st;
      return true;
    };
    if (Status st = writer_->Exec("BEGIN IMMEDIATE"); !st.ok()) return fail_all(st);
    for (auto it = members.begin(); it != members.end(); ++it) {
      PendingWrite* member = *it;
      const sqlite3_int64 changes_before = sqlite3_total_changes64(writer_->db());
      member->result = RunBody(*member, *writer_);
      if (sqlite3_get_autocommit(writer_->db())) {
        // SQLite rolled the whole transaction back (a disk error, say): the group's earlier
        // bodies are gone with it.
        return fail_all(member->result.ok() ? Status::IOError("the metadata transaction was rolled back")
                                            : member->result);
      }
      if (member->result.ok() || sqlite3_total_changes64(writer_->db()) == changes_before) continue;
      (void)writer_->Exec("ROLLBACK");
      members.erase(it);
      for (PendingWrite* other : members) other->result = Status::Ok();
      return members.empty();
    }
    const bool any_ok = std::any_of(members.begin(), members.end(), [](const PendingWrite* m) { return m->result.ok(); });
    if (!any_ok) {
      (void)writer_->Exec("ROLLBACK");
      return true;
    }
    if (Status st = FlushSearchIndex(*writer_); !st.ok()) {
      (void)writer_->Exec("ROLLBACK");
      return fail_all(st);
    }
    if (Status st = writer_->Exec("COMMIT"); !st.ok()) {
      (void)writer_->Exec("ROLLBACK");
      fail_all(st);
    }
    return true;
  }

  Status ReadOn(const Body& body) override {
    std::unique_ptr<SqliteConnection> reader;
    {
      std::unique_lock lock(readers_mutex_);
      readers_available_.wait(lock, [this] { return !readers_.empty(); });
      reader = std::move(readers_.back());
      readers_.pop_back();
    }
    Status result = body(*reader);
    {
      std::lock_guard lock(readers_mutex_);
      readers_.push_back(std::move(reader));
    }
    readers_available_.notify_one();
    return result;
  }

  // Indexes the queued versions that still exist, in one statement. FTS5 writes its pending
  // terms out at every savepoint, and SQLite opens one for most statements: indexing each
  // version as it was stored wrote one small index segment per publication, and merging them
  // was most of a publication's page writes.
  static Status FlushSearchIndex(SqlConnection& c) {
    AGORA_ASSIGN_OR_RETURN(Statement pending, c.Prepare("SELECT 1 FROM temp.pending_search LIMIT 1"));
    AGORA_ASSIGN_OR_RETURN(bool any, pending->Step());
    pending.reset();
    if (!any) return Status::Ok();  // also spares schema migrations, older than this statement's columns
    AGORA_ASSIGN_OR_RETURN(Statement index, c.Prepare(
        "INSERT INTO version_search (rowid, name, asset_id, keywords, tags, description, tag_values, api_terms) "
        "SELECT v.id, v.name, v.asset_id, "
        "coalesce((SELECT group_concat(value, ' ') FROM version_keywords WHERE version_id = v.id), ''), "
        "coalesce((SELECT group_concat(value, ' ') FROM version_tags WHERE version_id = v.id), ''), "
        "v.description, "
        "coalesce((SELECT group_concat(value, ' ') FROM version_tag_values WHERE version_id = v.id), ''), "
        "coalesce((SELECT api_terms FROM api_models WHERE id = v.api_model_id), '') "
        "FROM temp.pending_search p JOIN versions v ON v.id = p.id"));
    AGORA_RETURN_IF_ERROR(index->Run());
    index.reset();
    AGORA_ASSIGN_OR_RETURN(Statement clear, c.Prepare("DELETE FROM temp.pending_search"));
    return clear->Run();
  }

  // Counts other processes' commits (an `agora admin` command revoking a token) into Generation:
  // SQLite's data_version changes when another connection commits. Generation asks at most every
  // 20 ms, by whichever caller comes first, so a cache keyed on it is stale for at most that;
  // CatchUp (`now`) always asks, waiting for a poll under way.
  void NoticeOtherProcesses(bool now_or_wait) const {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch()).count();
    if (!now_or_wait && now - last_watch_millis_.load(std::memory_order_relaxed) < kWatchMillis) return;
    std::unique_lock lock(watcher_mutex_, std::defer_lock);
    if (now_or_wait) lock.lock();
    else if (!lock.try_lock()) return;
    last_watch_millis_.store(now, std::memory_order_relaxed);
    auto version = watcher_->Prepare("PRAGMA data_version");
    if (!version.ok()) return;
    auto row = (*version)->Step();
    if (!row.ok() || !*row) return;
    const int64_t data_version = (*version)->Int(0);
    if (data_version != data_version_) {
      if (data_version_ != 0) generation_.fetch_add(1, std::memory_order_release);
      data_version_ = data_version;
    }
  }

  static constexpr int64_t kWatchMillis = 20;
  mutable std::mutex watcher_mutex_;  // guards watcher_ and data_version_
  mutable std::atomic<int64_t> last_watch_millis_{0};
  mutable int64_t data_version_ = 0;
  std::unique_ptr<SqliteConnection> watcher_;

  bool Pinned(const std::string& sha256) {
    std::lock_guard lock(pins_mutex_);
    auto it = pins_.find(sha256);
    if (it == pins_.end()) return false;
    const int64_t now = NowMillis();
    for (const auto& [owner, expires] : it->second)
      if (expires > now) return true;
    return false;
  }

  class MemoryBlobLock : public HeldLock {
   public:
    MemoryBlobLock(std::shared_mutex& mutex, bool exclusive) : mutex_(mutex), exclusive_(exclusive) {
      if (exclusive_) mutex_.lock();
      else mutex_.lock_shared();
    }
    ~MemoryBlobLock() override {
      if (exclusive_) mutex_.unlock();
      else mutex_.unlock_shared();
    }

   private:
    std::shared_mutex& mutex_;
    const bool exclusive_;
  };

  std::mutex pins_mutex_;  // guards pins_ and request_counts_
  std::map<std::string, std::map<std::string, int64_t>> pins_;  // sha256 -> owner -> expiry
  std::shared_mutex blob_mutex_;
  std::map<std::pair<std::string, int64_t>, uint64_t> request_counts_;  // (client, window) -> requests; pins_mutex_
  std::mutex writer_mutex_;
  mutable std::atomic<uint64_t> generation_{0};
  std::mutex group_mutex_;  // guards pending_ and group_leader_active_
  std::condition_variable group_done_;
  std::vector<PendingWrite*> pending_;
  bool group_leader_active_ = false;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::condition_variable readers_available_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
};

}  // namespace

int SqliteSchemaVersion() { return static_cast<int>(SqliteMigrations().size()); }

Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(const std::string& path, const SqliteOptions& options) {
  auto store = std::make_unique<SqliteMetadataStore>();
  AGORA_RETURN_IF_ERROR(store->Open(path, options));
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace agora::storage
