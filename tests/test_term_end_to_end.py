"""A whole term through Airflow: every DAG run succeeds in Airflow's metadata database, and the
warehouse equals the generator's ground truth: accepted files, issue rows (file, row, column,
rule), exact duplicate cases with their schools and level, and the budget total."""

from __future__ import annotations

import json

import psycopg2
import pytest

from exchange import warehouse
from exchange.generate import generate_term
from exchange.schedule import term_runs
from exchange.verify import compare_with_ground_truth
from tests.airflow_harness import database_pair, run_exchange

pytestmark = pytest.mark.slow


def test_term_through_airflow_equals_ground_truth(tmp_path):
    with database_pair(tmp_path) as env:
        landing = env["EXCHANGE_LANDING_ROOT"]
        generate_term(tmp_path / "landing", seed=11, provinces=["51", "13"], students_per_school=8)
        truth_path = tmp_path / "landing" / "2566" / "1" / "ground_truth.json"
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        assert truth["duplicates"], "the generated term has no duplicate to find"
        assert truth["issues"], "the generated term has no fault to find"

        env["EXCHANGE_SCHOOL_SUMMARY_PROVINCES"] = "51"
        completed = run_exchange(
            ["run-term", "--year", "2566", "--term", "1", "--landing", landing, "--simulate-answers", "11"],
            env,
            timeout=3600,
        )
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]

        metadata = psycopg2.connect(warehouse.parse_url(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).dsn())
        try:
            with metadata.cursor() as cursor:
                cursor.execute("SELECT dag_id, state FROM dag_run ORDER BY id")
                runs = cursor.fetchall()
        finally:
            metadata.close()
        assert [dag_id for dag_id, _ in runs] == [run.dag_id for run in term_runs(2566, 1)]
        assert {state for _, state in runs} == {"success"}

        connection = psycopg2.connect(warehouse.parse_url(env["EXCHANGE_WAREHOUSE_URL"]).dsn())
        try:
            assert compare_with_ground_truth(connection, truth_path) == []
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM quality.issue WHERE resolved_at IS NULL")
                assert cursor.fetchone()[0] == len(truth["issues"])
                cursor.execute(
                    "SELECT count(*) FROM dedup.duplicate_case WHERE kind = 'exact' AND status <> 'closed'"
                )
                assert cursor.fetchone()[0] == len(truth["duplicates"])
        finally:
            connection.close()
