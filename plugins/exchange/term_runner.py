"""Runs a whole term's DAGs through Airflow (`airflow dags test`), in the order the plan's windows close."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from exchange import settings, warehouse
from exchange.airflow_env import airflow_environment
from exchange.schedule import PlannedRun, term_runs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    dag_id: str
    step: str
    window: str
    state: str
    seconds: float
    log_file: Path


def airflow_binary() -> str:
    return str(Path(sys.executable).parent / "airflow")


def _metadata_query(metadata_url: str, statement: str, parameters: tuple) -> tuple | None:
    connection = psycopg2.connect(warehouse.parse_url(metadata_url).dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchone()
    finally:
        connection.close()


def _last_run_id(metadata_url: str, dag_id: str) -> int:
    row = _metadata_query(
        metadata_url, "SELECT coalesce(max(id), 0) FROM dag_run WHERE dag_id = %s", (dag_id,)
    )
    return row[0] if row else 0


def _state_after(metadata_url: str, dag_id: str, previous_id: int) -> str:
    """Return the state Airflow recorded for the DAG's first run after `previous_id`."""
    row = _metadata_query(
        metadata_url,
        "SELECT state FROM dag_run WHERE dag_id = %s AND id > %s ORDER BY id LIMIT 1",
        (dag_id, previous_id),
    )
    return row[0] if row else "missing"


def run_planned(run: PlannedRun, env: dict[str, str], log_dir: Path, index: int) -> RunResult:
    log_file = log_dir / f"{index:02d}-{run.dag_id}.log"
    window = f"{run.window_start:%Y-%m-%d} to {run.window_end:%Y-%m-%d}"
    metadata_url = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    previous_id = _last_run_id(metadata_url, run.dag_id)
    started = time.time()
    with log_file.open("w", encoding="utf-8") as output:
        completed = subprocess.run(
            [airflow_binary(), "dags", "test", run.dag_id, run.logical_date.isoformat()],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.time() - started
    state = _state_after(metadata_url, run.dag_id, previous_id)
    if completed.returncode != 0 and state == "success":
        state = f"exit code {completed.returncode}"
    return RunResult(run.dag_id, run.step, window, state, seconds, log_file)


def simulate_office_answers(academic_year: int, term: int, landing: str, seed: int) -> None:
    """Fill the work packages the routing run wrote, as the offices would, into the landing area."""
    from exchange import calendar
    from exchange.generate.answers import simulate_answers
    from exchange.landing import term_folder

    window = calendar.get_term(academic_year, term).step("duplicate_verification")
    packages = settings.output_root() / str(academic_year) / str(term) / "work_packages"
    answers = Path(term_folder(landing, academic_year, term)) / "answers"
    result = simulate_answers(packages, answers, seed, window)
    print(f"     offices answered {result['cases']} cases in {result['files']} files (simulated)", flush=True)


def run_term(
    academic_year: int,
    term: int,
    landing: str,
    include_monthly: bool = True,
    simulate_answers_seed: int | None = None,
) -> list[RunResult]:
    """Run every DAG of the term; stop at the first run that does not succeed.

    With `simulate_answers_seed`, the offices' answers are simulated after the routing run, so the
    verification run has answers to import (the demo has no real offices).
    """
    env = airflow_environment()
    env["EXCHANGE_LANDING_ROOT"] = landing
    log_dir = settings.output_root() / str(academic_year) / str(term) / "airflow-runs"
    log_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for index, run in enumerate(term_runs(academic_year, term, include_monthly), start=1):
        result = run_planned(run, env, log_dir, index)
        results.append(result)
        print(
            f"{'ok  ' if result.state == 'success' else 'FAIL'} {result.dag_id:<24} step {result.step:<6} "
            f"{result.window}  {result.state} in {result.seconds:.1f} s",
            flush=True,
        )
        if result.state != "success":
            print(f"     log: {result.log_file}", flush=True)
            break
        if run.dag_id == "duplicate_routing" and simulate_answers_seed is not None:
            simulate_office_answers(academic_year, term, landing, simulate_answers_seed)
    return results
