"""Concurrency: many processes loading the agencies' files at the same moment, and two runs of the
same step overlapping (validation, duplicate detection and routing). Neither loses nor
duplicates a submission, an issue or a case: the warehouse equals that of one run alone.

Each test holds an exclusive lock on a table every process needs at its start, waits until all
of them are blocked on it, and releases it, so that they race instead of starting one by one.
"""

from __future__ import annotations

import contextlib
import shutil
from collections import Counter
from pathlib import Path

import psycopg2
import pytest

from tests.reliability_support import (
    Pipeline,
    clean_run,
    generated_term,
    scratch_warehouse,
    wait_for,
    warehouse_fingerprint,
)

pytestmark = pytest.mark.slow

PROCESSES = 4


@pytest.fixture(scope="module")
def landing() -> Path:
    return generated_term()


@contextlib.contextmanager
def starting_gate(address, table: str, application_name: str, processes: int):
    """Hold an ACCESS EXCLUSIVE lock on `table` while the block starts the processes.

    The lock is released once `processes` sessions of `application_name` wait for a lock, so that
    they all start at once.
    """
    gate = psycopg2.connect(address.dsn())
    try:
        with gate.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        yield
        assert wait_for(lambda: _waiting(address, application_name) >= processes, timeout=120)
    finally:
        gate.rollback()
        gate.close()


def _waiting(address, application_name: str) -> int:
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = %s AND wait_event_type = 'Lock'",
                (application_name,),
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def finish(processes) -> list[str]:
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=600)
        assert process.returncode == 0, output[-4000:]
        outputs.append(output)
    return outputs


def rows(address, statement: str) -> list[tuple]:
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall()
    finally:
        connection.close()


def test_files_loaded_by_many_processes_at_once(landing, tmp_path):
    # A file of an unknown dataset is rejected; every process receives it too.
    racing = tmp_path / "landing"
    shutil.copytree(landing, racing)
    (racing / "2566" / "1" / "OBEC" / "enrolment.csv").write_text(
        "school_code\n1013000001\n", encoding="utf-8"
    )
    expected_warehouse, _ = clean_run(racing, ("intake",))
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, racing, tmp_path / "output")
        with starting_gate(address, "intake.submission", "racing_intake", PROCESSES):
            processes = [pipeline.start("intake", application_name="racing_intake") for _ in range(PROCESSES)]
        finish(processes)

        assert warehouse_fingerprint(address).differences(expected_warehouse) == []
        receipts = rows(
            address,
            "SELECT agency, dataset, status, count(*) FROM intake.submission "
            "GROUP BY agency, dataset, status ORDER BY 1, 2, 3",
        )
        assert all(count == 1 for *_, count in receipts), receipts


def test_overlapping_validation_runs(landing, tmp_path):
    expected_warehouse, _ = clean_run(landing, ("intake", "validate"))
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, tmp_path / "output")
        pipeline.run("intake")
        with starting_gate(address, "quality.validation_run", "racing_validation", 2):
            processes = [pipeline.start("validate", application_name="racing_validation") for _ in range(2)]
        finish(processes)

        found = warehouse_fingerprint(address)
        # Both runs validate every submission (each saw it pending), one after the other under the
        # submission's lock, so there are two finished runs per submission and every issue row
        # names the later one. Every other table equals one run's.
        assert found.differences(expected_warehouse, ignore=("quality.validation_run", "quality.issue")) == []
        issue_rows = (
            "SELECT submission_id, source_row, column_name, rule_id, severity, resolved_at IS NULL "
            "FROM quality.issue ORDER BY 1, 2, 3, 4"
        )
        with scratch_warehouse() as alone:
            Pipeline(alone, landing, tmp_path / "alone").run("intake", "validate")
            assert rows(address, issue_rows) == rows(alone, issue_rows)
        runs = rows(
            address,
            "SELECT submission_id, count(*) FILTER (WHERE finished_at IS NOT NULL), "
            "count(*) FILTER (WHERE finished_at IS NULL) FROM quality.validation_run GROUP BY 1",
        )
        assert {(finished, unfinished) for _, finished, unfinished in runs} == {(2, 0)}


def test_overlapping_duplicate_runs(landing, tmp_path):
    steps = ("detect", "suspected", "route")
    expected_warehouse, _ = clean_run(landing, ("intake", "validate", *steps))
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, tmp_path / "output")
        pipeline.run("intake", "validate")
        with starting_gate(address, "dedup.duplicate_case", "racing_duplicates", 2):
            processes = [pipeline.start(*steps, application_name="racing_duplicates") for _ in range(2)]
        finish(processes)

        found = warehouse_fingerprint(address)
        assert found.differences(expected_warehouse, ignore=("audit.event",)) == []
        actions = Counter(
            action for (action,) in rows(address, "SELECT action FROM audit.event WHERE actor = 'ict_centre'")
        )
        assert actions == {"duplicates_detected": 2, "duplicates_matched": 2, "duplicates_routed": 2}


def test_rejected_files_received_by_many_processes_at_once(landing, tmp_path):
    # An unknown dataset is rejected before the load starts, a header without rows inside it.
    racing = tmp_path / "landing"
    folder = racing / "2566" / "1" / "OBEC"
    folder.mkdir(parents=True)
    (folder / "enrolment.csv").write_text("school_code\n1013000001\n", encoding="utf-8")
    header = (landing / "2566" / "1" / "OBEC" / "students.csv").read_bytes().splitlines()[0]
    (folder / "students.csv").write_bytes(header + b"\n")
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, racing, tmp_path / "output")
        with starting_gate(address, "intake.submission", "racing_rejection", PROCESSES):
            processes = [
                pipeline.start("intake", application_name="racing_rejection") for _ in range(PROCESSES)
            ]
        finish(processes)

        receipts = rows(
            address, "SELECT file_name, status, count(*) FROM intake.submission GROUP BY 1, 2 ORDER BY 1"
        )
        assert receipts == [("OBEC/enrolment.csv", "rejected", 1), ("OBEC/students.csv", "rejected", 1)]
