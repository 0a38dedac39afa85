"""`exchange airflow-services` end to end: the four Airflow services on a free loopback port, plan DAG
runs triggered through the REST API and run by the scheduler, and a clean stop."""

from __future__ import annotations

import datetime as dt
import socket

import psutil
import pytest
import requests
from exchange import calendar
from exchange.schedule import MONTHLY_DAG, PLAN_DAGS

from tests.airflow_harness import (
    AirflowApi,
    airflow_services,
    database_pair,
    processes_of,
    stop_services,
)

pytestmark = pytest.mark.slow

EXPECTED_DAGS = {*PLAN_DAGS, MONTHLY_DAG}
# Inside term 1's submission window (11-25 June 2023); the timetable maps the run to that window.
INTAKE_LOGICAL_DATE = "2023-06-15T12:00:00+07:00"
# The last day of May 2023, before any submission window of 2566 opened: the monthly update has no
# term to load yet, so its tasks finish without touching a dataset.
MONTH_END_LOGICAL_DATE = "2023-05-31T12:00:00+07:00"
BANGKOK = dt.timezone(dt.timedelta(hours=7))


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    folder = tmp_path_factory.mktemp("airflow_services")
    with database_pair(folder) as env, airflow_services(env) as running:
        yield running


@pytest.fixture(scope="module")
def api(services) -> AirflowApi:
    return AirflowApi(services.url, services.password)


def test_services_report_healthy(services):
    report = requests.get(f"{services.url}/api/v2/monitor/health", timeout=30).json()
    for component in ("metadatabase", "scheduler", "triggerer", "dag_processor"):
        assert report[component]["status"] == "healthy", component


def test_services_listen_on_loopback_only(services):
    listening = [
        (process.name(), connection.laddr)
        for process in processes_of(services)
        for connection in process.net_connections(kind="inet")
        if connection.status == psutil.CONN_LISTEN
    ]
    assert [address for _, address in listening if address.port == services.port]
    assert [(name, address) for name, address in listening if address.ip not in ("127.0.0.1", "::1")] == []


def test_token_endpoint_rejects_wrong_password(services):
    response = requests.post(f"{services.url}/auth/token", json={"username": "admin", "password": "wrong"},
                             timeout=30)
    assert response.status_code == 401


def test_api_requires_a_token(services):
    assert requests.get(f"{services.url}/api/v2/dags", timeout=30).status_code == 401


def test_plan_dags_are_listed_without_import_errors(api):
    assert api.wait_for_dags(EXPECTED_DAGS) == EXPECTED_DAGS
    assert api.get("importErrors")["total_entries"] == 0


def test_submission_intake_run_succeeds(api, services):
    run = api.trigger("submission_intake", INTAKE_LOGICAL_DATE)
    finished = api.wait_for_run("submission_intake", run["dag_run_id"])
    window = calendar.get_term(2566, 1).step("submission_intake")

    assert finished["state"] == "success"
    assert finished["run_type"] == "manual"
    assert parse_time(finished["data_interval_start"]) == window.window_start
    assert parse_time(finished["data_interval_end"]) == window.window_end
    tasks = api.task_instances("submission_intake", run["dag_run_id"])
    assert [(task["task_id"], task["state"], task["try_number"]) for task in tasks] == [
        ("load_landing_files", "success", 1)
    ]
    result = api.return_value("submission_intake", run["dag_run_id"], "load_landing_files")
    assert result == {"files": 0, "counts": {}, "rejected": 0}
    task_log = api.task_log("submission_intake", run["dag_run_id"], "load_landing_files")
    assert f"from {services.env['EXCHANGE_LANDING_ROOT']}: 0 files" in task_log


def test_monthly_update_run_succeeds(api):
    run = api.trigger(MONTHLY_DAG, MONTH_END_LOGICAL_DATE)
    finished = api.wait_for_run(MONTHLY_DAG, run["dag_run_id"])

    assert finished["state"] == "success"
    assert parse_time(finished["data_interval_start"]) == dt.datetime(2023, 5, 31, tzinfo=BANGKOK)
    assert parse_time(finished["data_interval_end"]) == dt.datetime(2023, 6, 1, tzinfo=BANGKOK)
    tasks = {task["task_id"]: task["state"] for task in api.task_instances(MONTHLY_DAG, run["dag_run_id"])}
    assert tasks == {
        "load_updated_files": "success",
        "revalidate_and_refresh": "success",
        "refresh_area_items": "success",
    }
    result = api.return_value(MONTHLY_DAG, run["dag_run_id"], "load_updated_files")
    assert result == {"files": 0, "skipped": "no submission window has opened yet"}


def test_runs_are_listed_with_their_states(api):
    runs = api.get("dags/~/dagRuns", limit=100, run_type="manual")["dag_runs"]
    assert sorted((run["dag_id"], run["state"]) for run in runs) == [
        (MONTHLY_DAG, "success"),
        ("submission_intake", "success"),
    ]


def test_stop_leaves_no_process(services):
    service_pids = [services.state["supervisor"], *services.state["services"].values()]
    assert all(psutil.pid_exists(pid) for pid in service_pids)

    stopped = stop_services(services.env)

    assert stopped.returncode == 0, stopped.stderr
    assert processes_of(services) == []
    assert not (services.home / "services.pid").exists()
    assert not (services.home / "services.json").exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", services.port)) != 0
