"""The environment that Airflow commands run in: project folders, metadata database, connections.

Airflow's metadata database is the database `airflow` on the embedded PostgreSQL server unless
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN is already set. Variables already set in the environment win.
"""

from __future__ import annotations

import os

from exchange import settings, warehouse


def airflow_environment(warehouse_address: warehouse.ServerAddress | None = None) -> dict[str, str]:
    env = dict(os.environ)
    root = settings.PROJECT_ROOT
    defaults = {
        "AIRFLOW_HOME": str(root / ".airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Bangkok",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "EXCHANGE_HOME": str(root),
        "XDG_RUNTIME_DIR": env.get("XDG_RUNTIME_DIR") or str(root / ".airflow" / "run"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "plugins"), env.get("PYTHONPATH")])),
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in os.environ:
        admin = warehouse.start_embedded_server()
        warehouse.ensure_database(admin, settings.AIRFLOW_DATABASE)
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = admin.with_database(
            settings.AIRFLOW_DATABASE
        ).sqlalchemy_url()
    conn_variable = f"AIRFLOW_CONN_{settings.WAREHOUSE_CONN_ID.upper()}"
    if conn_variable not in os.environ:
        address = warehouse_address or warehouse.warehouse_address()
        env[conn_variable] = address.airflow_connection()
    if "EXCHANGE_WAREHOUSE_URL" not in env and warehouse_address is not None:
        env["EXCHANGE_WAREHOUSE_URL"] = warehouse_address.sqlalchemy_url()
    return env
