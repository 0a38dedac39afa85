"""Reruns: every step run twice for the same window leaves the warehouse and the output files as
the first run left them, a backfill of a past term leaves the current term alone, and the same
holds through Airflow (`airflow dags test` of submission_intake and central_processing twice).

A rerun records its work in the audit trail again, so audit.event is compared apart: the rerun
adds the same actions as the first run of the step (none for an intake of unchanged files).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import psycopg2
import pytest
from exchange import warehouse
from exchange.schedule import term_runs
from exchange.term_runner import run_planned

from tests.airflow_harness import database_pair
from tests.reliability_support import (
    ALL_STEPS,
    Pipeline,
    byte_digests,
    generated_term,
    output_fingerprint,
    scratch_warehouse,
    warehouse_fingerprint,
)

# Folders whose writers give the same bytes for the same rows (exchange.outputs.files, the report,
# Data Docs that a rerun leaves alone). The workbooks that openpyxl saves carry the time of saving,
# so the other folders are compared by content.
BYTE_STABLE_FOLDERS = ("budget", "open_data", "ranking", "report", "data_docs")


def audit_actions(address) -> Counter:
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT action FROM audit.event")
            return Counter(row[0] for row in cursor.fetchall())
    finally:
        connection.close()


def byte_stable(folder: Path) -> dict[str, str]:
    return {
        name: digest
        for name, digest in byte_digests(folder).items()
        if name.split("/")[2:3] and name.split("/")[2] in BYTE_STABLE_FOLDERS
    }


@pytest.mark.slow
def test_every_step_twice_changes_nothing(tmp_path):
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, generated_term(), tmp_path / "output")
        for step in ALL_STEPS:
            before = audit_actions(address)
            pipeline.run(step)
            first_actions = audit_actions(address) - before
            warehouse_once = warehouse_fingerprint(address)
            files_once, bytes_once = output_fingerprint(pipeline.output), byte_stable(pipeline.output)

            pipeline.run(step)
            second_actions = audit_actions(address) - before - first_actions
            warehouse_twice = warehouse_fingerprint(address)
            assert warehouse_twice.differences(warehouse_once, ignore=("audit.event",)) == [], step
            assert output_fingerprint(pipeline.output) == files_once, step
            assert byte_stable(pipeline.output) == bytes_once, step
            assert second_actions == (Counter() if step == "intake" else first_actions), step


@pytest.mark.slow
def test_backfill_leaves_other_term_alone(tmp_path):
    output = tmp_path / "output"
    with scratch_warehouse() as address:
        first = Pipeline(address, generated_term(1), output, term=1)
        second = Pipeline(address, generated_term(2), output, term=2)

        first.run(*ALL_STEPS)
        first_term = warehouse_fingerprint(address, term=(2566, 1))
        first_files = output_fingerprint(first.term_dir)
        second.run(*ALL_STEPS)
        second_term = warehouse_fingerprint(address, term=(2566, 2))
        second_files = output_fingerprint(second.term_dir)
        assert warehouse_fingerprint(address, term=(2566, 1)).differences(first_term) == []
        assert output_fingerprint(first.term_dir) == first_files

        # Term 1 run again while term 2 is current, as a backfill does. Term 1's own files are not
        # compared: its work packages, written again, now show the answers received since.
        first.run(*ALL_STEPS)
        assert warehouse_fingerprint(address, term=(2566, 2)).differences(second_term) == []
        assert output_fingerprint(second.term_dir) == second_files
        assert warehouse_fingerprint(address, term=(2566, 1)).differences(first_term) == []


def dag_test(env: dict[str, str], dag_id: str, log_dir: Path) -> None:
    """Run the DAG's term-1 run with `airflow dags test` and assert that Airflow recorded success."""
    planned = next(run for run in term_runs(2566, 1, include_monthly=False) if run.dag_id == dag_id)
    index = len(list(log_dir.glob("*.log"))) + 1
    result = run_planned(planned, env, log_dir, index)
    assert result.state == "success", result.log_file.read_text()[-4000:]


@pytest.mark.slow
def test_airflow_runs_twice_change_nothing(tmp_path):
    log_dir = tmp_path / "runs"
    log_dir.mkdir()
    with database_pair(tmp_path) as env:
        env["EXCHANGE_LANDING_ROOT"] = str(generated_term())
        address = warehouse.parse_url(env["EXCHANGE_WAREHOUSE_URL"])
        # What `exchange run-term` adds to the environment: the tasks' warehouse connection.
        env["AIRFLOW_CONN_WAREHOUSE"] = address.airflow_connection()
        data_docs = Path(env["EXCHANGE_OUTPUT_ROOT"]) / "2566" / "1" / "data_docs"
        dag_test(env, "submission_intake", log_dir)
        dag_test(env, "central_processing", log_dir)
        warehouse_once = warehouse_fingerprint(address)
        docs_once = byte_digests(data_docs)
        actions_once = audit_actions(address)

        dag_test(env, "submission_intake", log_dir)
        dag_test(env, "central_processing", log_dir)
        assert warehouse_fingerprint(address).differences(warehouse_once, ignore=("audit.event",)) == []
        assert byte_digests(data_docs) == docs_once
        assert audit_actions(address) - actions_once == Counter(
            {"duplicates_detected": 1, "duplicates_matched": 1}
        )
