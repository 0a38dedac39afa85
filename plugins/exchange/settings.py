"""Locations and connection settings, read from the environment with project defaults.

`EXCHANGE_WAREHOUSE_URL` selects the warehouse. When it is unset, the warehouse is the database
`exchange` on an embedded PostgreSQL server whose data folder is `.pgdata/` in the project.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("EXCHANGE_HOME", Path(__file__).resolve().parents[2]))
INCLUDE = PROJECT_ROOT / "include"
CONTRACTS_DIR = INCLUDE / "contracts"
EXPECTATIONS_DIR = INCLUDE / "expectations"
PLAN_DIR = INCLUDE / "plan"
REFERENCE_DIR = INCLUDE / "reference"
SQL_DIR = INCLUDE / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"

EMBEDDED_PGDATA = Path(os.environ.get("EXCHANGE_PGDATA", PROJECT_ROOT / ".pgdata"))
WAREHOUSE_DATABASE = "exchange"
AIRFLOW_DATABASE = "airflow"
WAREHOUSE_CONN_ID = "warehouse"


def configured_warehouse_url() -> str | None:
    """Return the warehouse URL set in the environment, or None to use the embedded server."""
    return os.environ.get("EXCHANGE_WAREHOUSE_URL") or None


def landing_root() -> str:
    """Return the landing area root: a local folder or an fsspec URL such as s3://bucket/landing."""
    return os.environ.get("EXCHANGE_LANDING_ROOT", str(PROJECT_ROOT / "landing"))


def output_root() -> Path:
    """Return the folder that receives the files the plan hands out."""
    return Path(os.environ.get("EXCHANGE_OUTPUT_ROOT", PROJECT_ROOT / "output"))
