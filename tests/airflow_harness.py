"""What the Airflow service tests share: a fresh warehouse and metadata database pair, the services
started with `exchange airflow-services --background`, and a client for Airflow's REST API (/api/v2).

Everything listens on 127.0.0.1; the databases live on the test server (EXCHANGE_WAREHOUSE_URL or the
embedded PostgreSQL) and are dropped afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg2
import requests
from exchange import warehouse

EXCHANGE = str(Path(sys.executable).parent / "exchange")
ADMIN_USER = "admin"
FINISHED_RUN_STATES = {"success", "failed"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_exchange(arguments: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([EXCHANGE, *arguments], env=env, capture_output=True, text=True, timeout=timeout)


def _drop_databases(admin: warehouse.ServerAddress, names: tuple[str, ...]) -> None:
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


@contextlib.contextmanager
def database_pair(folder: Path) -> Iterator[dict[str, str]]:
    """Create a warehouse and an Airflow metadata database, set both up with `exchange setup`, and
    yield the environment that points Airflow at them, with an empty landing area under `folder`."""
    url = os.environ.get("EXCHANGE_WAREHOUSE_URL")
    admin = warehouse.parse_url(url) if url else warehouse.start_embedded_server()
    suffix = uuid.uuid4().hex[:8]
    names = (f"exchange_test_{suffix}", f"airflow_test_{suffix}")
    for name in names:
        warehouse.ensure_database(admin, name)
    (folder / "landing").mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "AIRFLOW_CONN_WAREHOUSE"}
    env.update(
        AIRFLOW_HOME=str(folder / "airflow"),
        EXCHANGE_WAREHOUSE_URL=admin.with_database(names[0]).sqlalchemy_url(),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=admin.with_database(names[1]).sqlalchemy_url(),
        EXCHANGE_LANDING_ROOT=str(folder / "landing"),
        EXCHANGE_OUTPUT_ROOT=str(folder / "output"),
    )
    try:
        setup = run_exchange(["setup"], env, timeout=600)
        assert setup.returncode == 0, setup.stdout + setup.stderr[-4000:]
        yield env
    finally:
        _drop_databases(admin, names)


@dataclass(frozen=True)
class RunningServices:
    url: str
    port: int
    password: str
    home: Path
    env: dict[str, str]
    state: dict


def stop_services(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_exchange(["airflow-services", "--stop", "--timeout", "120"], env, timeout=300)


@contextlib.contextmanager
def airflow_services(env: dict[str, str]) -> Iterator[RunningServices]:
    """Start the four services on a free loopback port, yield them, and stop them afterwards."""
    home = Path(env["AIRFLOW_HOME"])
    port = free_port()
    started = run_exchange(["airflow-services", "--background", "--port", str(port), "--timeout", "300"],
                           env, timeout=420)
    try:
        supervisor_log = home / "logs" / "services" / "supervisor.log"
        supervisor_output = supervisor_log.read_text()[-4000:] if supervisor_log.exists() else ""
        assert started.returncode == 0, started.stdout + started.stderr + supervisor_output
        state = json.loads((home / "services.json").read_text())
        passwords = json.loads((home / "simple_auth_manager_passwords.json.generated").read_text())
        yield RunningServices(state["url"], port, passwords[ADMIN_USER], home, env, state)
    finally:
        stop_services(env)


def processes_of(services: RunningServices) -> list[psutil.Process]:
    """Return every live process of the services: those in the supervisor's or a service's session
    (each service starts its own), and any other process whose AIRFLOW_HOME is the services' home.

    Both tests are needed because Airflow's processes overwrite their environment when they set
    their process title, and a process can leave its session.
    """
    sessions = {services.state["supervisor"], *services.state["services"].values()}
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            in_session = os.getsid(process.pid) in sessions
            if in_session or process.environ().get("AIRFLOW_HOME") == str(services.home):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            continue
    return found


class AirflowApi:
    """A client of Airflow's REST API, logged in through the simple auth manager's token endpoint."""

    def __init__(self, url: str, password: str, username: str = ADMIN_USER):
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False  # the services are on loopback: no proxy from the environment
        response = self.session.post(f"{url}/auth/token", json={"username": username, "password": password},
                                     timeout=30)
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs) -> dict:
        response = self.session.request(method, f"{self.url}/api/v2/{path}", timeout=30, **kwargs)
        assert response.ok, f"{method} {path}: {response.status_code} {response.text[:2000]}"
        return response.json()

    def get(self, path: str, **params) -> dict:
        return self.request("GET", path, params=params)

    def dag_ids(self, tag: str = "plan") -> set[str]:
        return {dag["dag_id"] for dag in self.get("dags", limit=100, tags=tag)["dags"]}

    def wait_for_dags(self, expected: set[str], timeout: float = 180) -> set[str]:
        """Wait until the dag-processor has serialised every DAG in `expected`; return the plan's DAG ids."""
        deadline = time.monotonic() + timeout
        found = self.dag_ids()
        while not expected <= found and time.monotonic() < deadline:
            time.sleep(2)
            found = self.dag_ids()
        return found

    def trigger(self, dag_id: str, logical_date: str) -> dict:
        """Unpause `dag_id` and trigger a run for `logical_date`; return the new DAG run."""
        self.request("PATCH", f"dags/{dag_id}", json={"is_paused": False})
        return self.request("POST", f"dags/{dag_id}/dagRuns", json={"logical_date": logical_date, "conf": {}})

    def run_path(self, dag_id: str, run_id: str) -> str:
        return f"dags/{dag_id}/dagRuns/{quote(run_id, safe='')}"

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 300) -> dict:
        """Wait until the run finishes (success or failed) and return it; return it unfinished on timeout."""
        deadline = time.monotonic() + timeout
        run = self.get(self.run_path(dag_id, run_id))
        while run["state"] not in FINISHED_RUN_STATES and time.monotonic() < deadline:
            time.sleep(2)
            run = self.get(self.run_path(dag_id, run_id))
        return run

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        return self.get(f"{self.run_path(dag_id, run_id)}/taskInstances")["task_instances"]

    def return_value(self, dag_id: str, run_id: str, task_id: str):
        entry = self.get(f"{self.run_path(dag_id, run_id)}/taskInstances/{task_id}/xcomEntries/return_value",
                         deserialize=True)
        return entry["value"]

    def task_log(self, dag_id: str, run_id: str, task_id: str, try_number: int = 1) -> str:
        """Return a task try's log as text, one JSON event a line, as the api-server serves it."""
        path = f"{self.run_path(dag_id, run_id)}/taskInstances/{task_id}/logs/{try_number}"
        content = self.get(path, full_content=True)["content"]
        return "\n".join(json.dumps(event, ensure_ascii=False) for event in content)
