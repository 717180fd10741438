// Helpers for tests that need PostgreSQL: a database of the test's own in the test cluster,
// created from a template that already holds agora's schema (or empty), and dropped when the
// helper goes. Header-only, so it is never compiled into the agora_storage library.
//
// The cluster is the one scripts/test_postgres.sh started for ctest's `postgres` fixture, whose
// state directory ctest passes in AGORA_TEST_POSTGRES; a test binary run by hand, without that
// variable, starts a cluster of its own with the same script and stops it at exit. Without
// PostgreSQL the test fails, saying why: it is never skipped.
//
// Thread safety: a PostgresDatabase is owned by one test; TestCluster() may be called from any
// thread.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include "common/ids.h"
#include "storage/metadata_store.h"
#include "storage/testing.h"

namespace agora::storage::testing {

// Runs SQL on the cluster's maintenance database; the error text, or "" on success.
inline std::string PostgresAdmin(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* result = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) error = PQresultErrorMessage(result);
    PQclear(result);
  }
  PQfinish(conn);
  return error;
}

// The URL of the test cluster's maintenance database, or "" after a test failure saying why.
inline std::string TestCluster() {
  static std::mutex mutex;
  static std::string url;
  static std::string error;
  std::lock_guard lock(mutex);
  if (url.empty() && error.empty()) {
    std::string state;
    if (const char* given = std::getenv("AGORA_TEST_POSTGRES")) {
      state = given;
    } else {
      // Run by hand: a cluster of this process's own, stopped at exit.
      static TempDir own;
      state = own.str();
      const std::string script = std::string(AGORA_SOURCE_DIR) + "/scripts/test_postgres.sh";
      if (std::system(("bash " + script + " start " + state).c_str()) != 0) {
        error = "could not start PostgreSQL with " + script;
      } else {
        static const std::string stop = "bash " + script + " stop " + state;
        std::atexit([] { (void)std::system(stop.c_str()); });
      }
    }
    std::ifstream in(state + "/url");
    if (error.empty() && !std::getline(in, url))
      error = "no PostgreSQL test cluster in " + state + " (ctest starts one with the postgres fixture; "
              "scripts/test_postgres.sh start " + state + " by hand)";
    // The template every test database copies: agora's schema, made once per cluster.
    if (error.empty()) {
      const std::string lock_sql = "SELECT pg_advisory_lock(7316)";
      PGconn* conn = PQconnectdb(url.c_str());
      PQclear(PQexec(conn, lock_sql.c_str()));
      PGresult* exists = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = 'agora_template'");
      const bool made = PQntuples(exists) == 1;
      PQclear(exists);
      if (!made) {
        const std::string base = url.substr(0, url.rfind('/') + 1);
        error = PostgresAdmin(url, "DROP DATABASE IF EXISTS agora_template_building");
        if (error.empty()) error = PostgresAdmin(url, "CREATE DATABASE agora_template_building TEMPLATE template0");
        if (error.empty()) {
          auto store = OpenPostgresMetadataStore(base + "agora_template_building", {.connections = 1, .listen = false});
          if (!store.ok()) error = store.status().ToString();
        }
        if (error.empty()) error = PostgresAdmin(url, "ALTER DATABASE agora_template_building RENAME TO agora_template");
      }
      PQclear(PQexec(conn, "SELECT pg_advisory_unlock(7316)"));
      PQfinish(conn);
    }
  }
  if (!error.empty()) ADD_FAILURE() << "PostgreSQL: " << error;
  return error.empty() ? url : "";
}

class PostgresDatabase {
 public:
  // `with_schema`: a copy of the template holding agora's schema; otherwise an empty database.
  explicit PostgresDatabase(bool with_schema = true) : cluster_(TestCluster()) {
    if (cluster_.empty()) return;
    name_ = "agora_test_" + NewUuid().substr(0, 8) + NewUuid().substr(0, 8);
    const std::string error = PostgresAdmin(
        cluster_, "CREATE DATABASE " + name_ + " TEMPLATE " + (with_schema ? "agora_template" : "template0"));
    if (!error.empty()) {
      ADD_FAILURE() << "PostgreSQL: " << error;
      name_.clear();
    }
  }
  ~PostgresDatabase() {
    if (!name_.empty()) (void)PostgresAdmin(cluster_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  bool ok() const { return !name_.empty(); }
  // postgresql://agora@127.0.0.1:PORT/NAME
  std::string url() const { return cluster_.substr(0, cluster_.rfind('/') + 1) + name_; }
  // Runs SQL in this database as another client would; the error text, or "".
  std::string Exec(const std::string& sql) const { return PostgresAdmin(url(), sql); }

 private:
  std::string cluster_;
  std::string name_;
};

}  // namespace agora::storage::testing
