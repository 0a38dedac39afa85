"""Measures a students validation against one hand-written SQL pass over the same rows.

`python -m exchange.rules.bench --rows 1000000` creates a scratch database on the embedded
PostgreSQL server, generates a schools and a students submission with INSERT ... SELECT
generate_series (include/sql/rules/bench_students.sql), and then times, alternately and
`--repeats` times each:

- the hand-written pass: one query counting the rows that break each student rule
  (include/sql/rules/bench_hand_pass.sql);
- `validate_submission` on the same submission, with Great Expectations already imported and
  its context created, starting from no issue rows, Data Docs written to a temporary folder.

It prints the medians as JSON, checks that both found the same number of rows per rule, and
drops the scratch database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from psycopg2 import sql

from exchange import reference, warehouse
from exchange.rules.frames import FRAME_WORK_MEM
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

ACADEMIC_YEAR, TERM = 2566, 1
AGE_REFERENCE_DATE = dt.date(2023, 5, 16)


def _create_submissions(connection, rows: int, schools: int) -> int:
    with transaction(connection) as cursor:
        submission_ids = []
        for dataset in ("schools", "students"):
            cursor.execute(
                read_sql("rules/bench_submission.sql"),
                {"academic_year": ACADEMIC_YEAR, "term": TERM, "dataset": dataset},
            )
            submission_ids.append(cursor.fetchone()[0])
        cursor.execute(
            read_sql("rules/bench_students.sql"),
            {
                "schools_submission_id": submission_ids[0],
                "submission_id": submission_ids[1],
                "schools": schools,
                "rows": rows,
            },
        )
    with transaction(connection) as cursor:
        cursor.execute("ANALYZE core.students")
        cursor.execute("ANALYZE core.schools")
    return submission_ids[1]


def hand_pass(connection, submission_id: int) -> tuple[float, dict[str, int]]:
    """Run the hand-written pass and return its seconds and the rows per rule."""
    started = time.perf_counter()
    with transaction(connection) as cursor:
        cursor.execute("SET LOCAL work_mem = %s", (FRAME_WORK_MEM,))
        cursor.execute(
            read_sql("rules/bench_hand_pass.sql"),
            {
                "submission_id": submission_id,
                "academic_year": ACADEMIC_YEAR,
                "term": TERM,
                "age_reference_date": AGE_REFERENCE_DATE,
            },
        )
        counts = dict(zip([column.name for column in cursor.description], cursor.fetchone(), strict=True))
    return time.perf_counter() - started, counts


def _issue_counts(connection, submission_id: int) -> dict[str, int]:
    with transaction(connection) as cursor:
        cursor.execute(
            "SELECT rule_id, count(*) FROM quality.issue WHERE submission_id = %s AND resolved_at IS NULL "
            "GROUP BY rule_id",
            (submission_id,),
        )
        return dict(cursor.fetchall())


def measure(address: warehouse.ServerAddress, rows: int, schools: int, repeats: int) -> dict:
    """Generate the submissions in the database at `address` and time both passes."""
    from exchange.rules.gx_runner import GreatExpectationsRunner
    from exchange.rules.validate import validate_submission

    connection = psycopg2.connect(address.dsn())
    try:
        warehouse.migrate(connection)
        reference.load_reference(connection)
        started = time.perf_counter()
        submission_id = _create_submissions(connection, rows, schools)
        generated = time.perf_counter() - started
        hand_seconds, validation_seconds, phases = [], [], []
        with tempfile.TemporaryDirectory(prefix="bench-docs-") as docs:
            runner = GreatExpectationsRunner(address, Path(docs))
            for _ in range(repeats):
                seconds, counts = hand_pass(connection, submission_id)
                hand_seconds.append(seconds)
                with transaction(connection) as cursor:
                    cursor.execute("DELETE FROM quality.issue WHERE submission_id = %s", (submission_id,))
                started = time.perf_counter()
                summary = validate_submission(connection, address, submission_id, runner=runner)
                runner.build_docs()
                validation_seconds.append(time.perf_counter() - started)
                phases.append(summary["seconds"])
            runner.close()
        found = _issue_counts(connection, submission_id)
    finally:
        connection.close()
    expected = {rule_id: count for rule_id, count in counts.items() if count}
    if found != expected:
        raise AssertionError(f"validation found {found} rows per rule, the hand-written pass {expected}")
    hand, validation = statistics.median(hand_seconds), statistics.median(validation_seconds)
    return {
        "rows": rows,
        "schools": schools,
        "repeats": repeats,
        "generate_seconds": round(generated, 2),
        "hand_pass_seconds": [round(value, 2) for value in hand_seconds],
        "validation_seconds": [round(value, 2) for value in validation_seconds],
        "hand_pass_median": round(hand, 2),
        "validation_median": round(validation, 2),
        "ratio": round(validation / hand, 2),
        "validation_phases": phases,
        "issues_per_rule": dict(sorted(found.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="students rows to generate")
    parser.add_argument("--schools", type=int, default=5_000, help="school codes in the schools submission")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each pass")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    admin = warehouse.start_embedded_server()
    database = f"exchange_bench_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin, database)
    try:
        result = measure(admin.with_database(database), args.rows, args.schools, args.repeats)
    finally:
        maintenance = psycopg2.connect(admin.with_database("postgres").dsn())
        maintenance.autocommit = True
        with maintenance.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
        maintenance.close()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
