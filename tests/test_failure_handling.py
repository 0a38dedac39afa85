"""The plan's failure handling, run by Airflow's task runner (`airflow dags test`): a transient database
error is retried, invalid data and a run outside its plan window fail at once, and the failure
callback logs the DAG, task and run."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest
from exchange import warehouse

from tests.airflow_harness import database_pair, run_exchange

pytestmark = pytest.mark.slow

DAG_ID = "plan_failure_handling"
# Inside term 1's submission window, outside the correction-return window.
LOGICAL_DATE = "2023-06-15T12:00:00+07:00"

FAILURE_DAG = '''
"""Tasks that fail as plan tasks can, each inside `plan_run` with the plan's default arguments."""

import datetime as dt
from pathlib import Path

from airflow.sdk import dag, task
from plan_dags import DEFAULT_ARGS, PLAN_START, plan_run

INTAKE = ("submission_intake",)
# The plan's arguments with a one-second retry delay, so that a retry happens within the test.
ARGS = {**DEFAULT_ARGS, "retry_delay": dt.timedelta(seconds=1), "max_retry_delay": dt.timedelta(seconds=2)}


@dag(dag_id="plan_failure_handling", schedule=None, start_date=PLAN_START, catchup=False, default_args=ARGS)
def plan_failure_handling():
    @task
    def lose_connection_once(data_interval_start=None, ti=None) -> str:
        with plan_run(INTAKE, data_interval_start) as (step, connection, _):
            with connection.cursor() as cursor:
                if ti.try_number == 1:
                    # The server ends the session, as on a restart or a failover.
                    cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                cursor.execute("SELECT 1")
        return step.step

    @task
    def cast_invalid_date(data_interval_start=None) -> None:
        with plan_run(INTAKE, data_interval_start) as (_, connection, _address):
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s::date", ("2023-02-30",))

    @task
    def open_empty_file(data_interval_start=None) -> None:
        from exchange import settings
        from exchange.contracts import load_contract
        from exchange.readers import open_submission_file

        with plan_run(INTAKE, data_interval_start):
            path = Path(settings.landing_root()) / "students.csv"
            open_submission_file(path, load_contract("students"))

    @task
    def run_outside_window(data_interval_start=None) -> None:
        with plan_run(("correction_return",), data_interval_start):
            pass

    lose_connection_once()
    cast_invalid_date()
    open_empty_file()
    run_outside_window()


plan_failure_handling()
'''


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """Run the failure DAG once with `airflow dags test`; return (task states, environment, output)."""
    folder = tmp_path_factory.mktemp("failure_handling")
    dags = folder / "dags"
    dags.mkdir()
    (dags / "plan_failure_handling.py").write_text(FAILURE_DAG, encoding="utf-8")
    with database_pair(folder) as env:
        (Path(env["EXCHANGE_LANDING_ROOT"]) / "students.csv").write_bytes(b"")
        env["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
        completed = run_exchange(["airflow", "dags", "test", DAG_ID, LOGICAL_DATE], env, timeout=600)
        connection = psycopg2.connect(warehouse.parse_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).dsn())
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT task_id, state, try_number, run_id FROM task_instance WHERE dag_id = %s",
                    (DAG_ID,),
                )
                rows = cursor.fetchall()
        finally:
            connection.close()
        tasks = {task_id: (state, try_number, run_id) for task_id, state, try_number, run_id in rows}
        yield tasks, env, completed


def test_transient_database_error_is_retried(finished_run):
    tasks, _, completed = finished_run
    assert tasks["lose_connection_once"][:2] == ("success", 2), completed.stdout[-4000:]


def test_invalid_data_fails_without_retry(finished_run):
    tasks, _, _ = finished_run
    assert tasks["cast_invalid_date"][:2] == ("failed", 1)


def test_rejected_file_fails_without_retry(finished_run):
    tasks, _, _ = finished_run
    assert tasks["open_empty_file"][:2] == ("failed", 1)


def test_run_outside_plan_window_fails_without_retry(finished_run):
    tasks, _, _ = finished_run
    assert tasks["run_outside_window"][:2] == ("failed", 1)


def test_failure_callback_logs_dag_task_and_run(finished_run):
    # `airflow dags test` writes the task logs to its standard output.
    tasks, _, completed = finished_run
    run_id = tasks["cast_invalid_date"][2]
    expected = {
        "cast_invalid_date": "DatetimeFieldOverflow",
        "open_empty_file": "FileRejected",
        "run_outside_window": "AirflowFailException",
    }
    for task_id, error in expected.items():
        line = f"Task failed: dag={DAG_ID} task={task_id} run={run_id} try=1 error={error}"
        assert line in completed.stdout, task_id


def test_retry_policy_logs_its_decisions(finished_run):
    _, _, completed = finished_run
    assert "action=retry" in completed.stdout
    assert "reason='transient database error" in completed.stdout
    assert completed.stdout.count("reason='invalid data or SQL: a retry would fail the same way'") == 2
    assert f"Task failed: dag={DAG_ID} task=lose_connection_once" not in completed.stdout
