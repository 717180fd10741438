"""The PostgreSQL test cluster for end-to-end tests: a database of the test's own, created empty
(agora creates its schema), and SQL run in it with psql.

Under ctest the cluster is the `postgres` fixture's (AGORA_TEST_POSTGRES names its state directory,
whose `url` file holds postgresql://agora@127.0.0.1:PORT/postgres). Run alone, a test starts one
with the same script, scripts/test_postgres.sh, and stops it when the interpreter exits. A cluster
that cannot be had fails the test, never skips it.

    from postgres_fixture import new_database, psql
    url = new_database()              # postgresql://agora@127.0.0.1:PORT/e2e_...
    psql(url, "SELECT count(*) FROM versions")   # '1000'
"""
import atexit
import os
import subprocess
import uuid

from fixture_state import fixture_value

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "scripts", "test_postgres.sh")
_cluster = None


def cluster():
    """The URL of the cluster's maintenance database, the cluster started on first use when no
    fixture runs."""
    global _cluster
    if not _cluster:
        _cluster = fixture_value("AGORA_TEST_POSTGRES", SCRIPT, "url", "PostgreSQL test cluster")
    return _cluster


def psql(url, sql):
    """Runs SQL in the database `url` names; its output, unaligned and without headers."""
    run = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise AssertionError(f"psql {sql!r}: {run.stderr}")
    return run.stdout.strip()


def new_database():
    """The URL of a new, empty database, dropped when the interpreter exits."""
    name = "e2e_" + uuid.uuid4().hex[:16]
    psql(cluster(), f"CREATE DATABASE {name}")
    atexit.register(psql, cluster(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return cluster().rsplit("/", 1)[0] + "/" + name
