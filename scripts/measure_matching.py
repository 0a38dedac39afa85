"""Measure suspected-duplicate matching against the near-duplicates that `exchange generate` injects.

The script generates a term and loads its schools and students through the real intake path into
a scratch database. It validates them with the rules, which report the IDs that fail the check
digit, and runs exact detection and `match_suspected`. Then it compares the suspected cases with
the ground truth's `near_duplicates` (G-code pairs and mistyped IDs) and prints one JSON document:

    precision  share of predicted record pairs that are injected near-duplicates
    recall     share of injected near-duplicate pairs that some suspected case contains
    per kind   recall for g_code pairs, valid-ID typos and invalid-ID typos

A predicted pair is two records of one suspected case with different personal IDs (records with
the same ID belong to an exact case). The scratch database is dropped at the end unless
--keep-database is given, and the generated files (synthetic, but with personal IDs) are deleted
unless --work-dir names their folder.

    .venv/bin/python scripts/measure_matching.py --scale demo --seed 7
    .venv/bin/python scripts/measure_matching.py --scale province --seed 11 --work-dir /tmp/measure
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

import psycopg2  # noqa: E402
from exchange import landing, reference, settings, warehouse  # noqa: E402
from exchange.calendar import get_term  # noqa: E402
from exchange.duplicates import detect_term, match_suspected  # noqa: E402
from exchange.generate import generate_term  # noqa: E402
from exchange.intake import load_submission  # noqa: E402
from exchange.rules import validate_term  # noqa: E402
from psycopg2.extras import execute_values  # noqa: E402

log = logging.getLogger("measure_matching")

DATASETS_LOADED = ("schools", "students")
# Record pairs of the suspected cases that are not closed, with both personal IDs, and whether
# each pair is an injected near-duplicate.
PAIRS_SQL = """
WITH member AS (
    SELECT record.case_id, record.submission_id, record.source_row, student.personal_id
    FROM dedup.case_record AS record
    JOIN dedup.duplicate_case AS duplicate USING (case_id)
    JOIN core.students AS student USING (submission_id, source_row)
    WHERE duplicate.kind = 'suspected' AND duplicate.status <> 'closed'
),
predicted AS (
    SELECT DISTINCT
           least((l.submission_id, l.source_row), (r.submission_id, r.source_row)) AS first_record,
           greatest((l.submission_id, l.source_row), (r.submission_id, r.source_row)) AS second_record
    FROM member AS l
    JOIN member AS r
      ON l.case_id = r.case_id AND (l.submission_id, l.source_row) < (r.submission_id, r.source_row)
    WHERE l.personal_id IS DISTINCT FROM r.personal_id
),
truth AS (
    SELECT pair.pair_number, pair.kind,
           least((pair.first_submission, pair.first_row), (pair.second_submission, pair.second_row))
               AS first_record,
           greatest((pair.first_submission, pair.first_row), (pair.second_submission, pair.second_row))
               AS second_record
    FROM true_pair AS pair
)
SELECT
    (SELECT count(*) FROM predicted),
    (SELECT count(*) FROM predicted JOIN truth USING (first_record, second_record)),
    (SELECT json_object_agg(kind, found) FROM (
        SELECT truth.kind, json_build_object(
                   'pairs', count(*),
                   'found', count(predicted.first_record)) AS found
        FROM truth LEFT JOIN predicted USING (first_record, second_record)
        GROUP BY truth.kind) AS per_kind)
"""


def _load_term(connection, root: Path, academic_year: int, term_number: int) -> dict[str, int]:
    term = get_term(academic_year, term_number)
    window = term.step("submission_intake")
    agencies = reference.known_agencies(connection)
    files, _ignored = landing.discover(str(root), academic_year, term_number)
    submissions = {}
    for landing_file in files:
        if landing_file.dataset not in DATASETS_LOADED:
            continue
        receipt = load_submission(connection, landing_file, term, window, agencies)
        if receipt.status != "accepted":
            raise RuntimeError(f"{landing_file.name} was rejected: {receipt.reason}")
        submissions[landing_file.name] = receipt.submission_id
    return submissions


def _record_check_digit_issues(connection) -> None:
    """Record an STU-011 issue for every 13-digit ID that fails the check digit, as the rules would,
    without running the Great Expectations suites."""
    with warehouse.transaction(connection) as cursor:
        cursor.execute(
            """
            INSERT INTO quality.validation_run (submission_id, suite_name, suite_sha256)
            SELECT submission_id, 'students', 'check digit only' FROM intake.submission
            WHERE dataset = 'students' AND status = 'accepted'
            """
        )
        cursor.execute(
            """
            INSERT INTO quality.issue (submission_id, run_id, source_row, column_name, rule_id, severity)
            SELECT student.submission_id, run.run_id, student.source_row, 'personal_id', 'STU-011', 'error'
            FROM core.students AS student
            JOIN quality.validation_run AS run USING (submission_id)
            WHERE length(student.personal_id) = 13 AND ltrim(student.personal_id, '0123456789') = ''
              AND NOT dedup.is_valid_thai_id(student.personal_id)
            """
        )
        cursor.execute("ANALYZE quality.issue")


def _store_truth(connection, truth: dict, submissions: dict[str, int]) -> None:
    rows = []
    for number, pair in enumerate(truth["near_duplicates"]):
        first, second = pair["records"]
        if first is None or second is None:
            continue
        kind = pair["kind"]
        if kind == "id_typo":
            kind = "id_typo_valid" if pair.get("check_digit_valid") else "id_typo_invalid"
        rows.append((number, kind, submissions[first["file"]], first["row"], submissions[second["file"]],
                     second["row"]))
    with warehouse.transaction(connection) as cursor:
        cursor.execute(
            """
            CREATE TABLE true_pair (
                pair_number integer, kind text, first_submission bigint, first_row integer,
                second_submission bigint, second_row integer
            )
            """
        )
        execute_values(cursor, "INSERT INTO true_pair VALUES %s", rows)


def measure(args: argparse.Namespace) -> dict:
    if args.work_dir:
        return _measure(args, Path(args.work_dir))
    with tempfile.TemporaryDirectory(prefix="measure-matching-") as folder:
        return _measure(args, Path(folder))


def _measure(args: argparse.Namespace, work_dir: Path) -> dict:
    # The rules write Data Docs under the output root; keep them beside the generated files.
    os.environ["EXCHANGE_OUTPUT_ROOT"] = str(work_dir / "output")
    started = time.monotonic()
    truth = generate_term(work_dir, seed=args.seed, academic_year=args.year, term=args.term,
                          provinces=args.provinces.split(",") if args.provinces else None, scale=args.scale,
                          formats=args.formats)
    generated = time.monotonic()

    url = settings.configured_warehouse_url()
    admin = warehouse.parse_url(url) if url else warehouse.start_embedded_server()
    database = f"exchange_measure_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin, database)
    address = admin.with_database(database)
    connection = psycopg2.connect(address.dsn())
    try:
        warehouse.migrate(connection)
        reference.load_reference(connection)
        submissions = _load_term(connection, work_dir, args.year, args.term)
        loaded = time.monotonic()
        if args.check_digit_only:
            _record_check_digit_issues(connection)
        else:
            validate_term(connection, address, args.year, args.term)
        validated = time.monotonic()
        exact = detect_term(connection, args.year, args.term)
        detected = time.monotonic()
        suspected = match_suspected(connection, address, args.year, args.term)
        matched = time.monotonic()
        _store_truth(connection, truth, submissions)
        with connection.cursor() as cursor:
            cursor.execute(PAIRS_SQL)
            predicted, correct, per_kind = cursor.fetchone()
        connection.rollback()
    finally:
        connection.close()
        if not args.keep_database:
            maintenance = psycopg2.connect(admin.with_database("postgres").dsn())
            maintenance.autocommit = True
            with maintenance.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            maintenance.close()

    pairs = sum(kind["pairs"] for kind in per_kind.values())
    found = sum(kind["found"] for kind in per_kind.values())
    return {
        "scale": args.scale,
        "seed": args.seed,
        "students": truth["counts"]["students_rows"],
        "exact_cases": exact["cases"],
        "suspected_candidates": suspected["candidates"],
        "suspected_cases": suspected["cases"],
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "true_pairs": pairs,
        "precision": round(correct / predicted, 4) if predicted else None,
        "recall": round(found / pairs, 4) if pairs else None,
        "per_kind": per_kind,
        "seconds": {
            "generate": round(generated - started, 1),
            "load": round(loaded - generated, 1),
            "validate": round(validated - loaded, 1),
            "detect_exact": round(detected - validated, 1),
            "match_suspected": round(matched - detected, 1),
            "match_suspected_export": suspected["seconds_export"],
            "match_suspected_splink": suspected["seconds_splink"],
        },
        "rules": "check digit only" if args.check_digit_only else "validate_term",
        "database": database if args.keep_database else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo",
                        help="generator scale: demo, province or national (default: demo)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument("--provinces", help="comma-separated province codes instead of the scale's")
    parser.add_argument("--year", type=int, default=2566, help="academic year, Buddhist Era (default: 2566)")
    parser.add_argument("--term", type=int, default=1, choices=(1, 2), help="term (default: 1)")
    parser.add_argument("--formats", default="plain",
                        help="generator formats: plain or mixed (default: plain)")
    parser.add_argument("--work-dir", help="folder for the generated files (default: a new temporary folder)")
    parser.add_argument("--check-digit-only", action="store_true",
                        help="record only the check-digit issues (STU-011) instead of running the rules, "
                             "which takes long at national scale")
    parser.add_argument("--keep-database", action="store_true",
                        help="keep the scratch database for inspection")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(json.dumps(measure(args), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
