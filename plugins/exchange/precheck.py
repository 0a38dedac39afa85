"""`exchange check FILE --dataset NAME`: a school checks its own file before sending it (plan step 4).

The file goes through the same contract, intake and suites as at the ministry, in a throwaway
database on the embedded PostgreSQL server that is dropped afterwards. Two kinds of rule need
data a school does not have, and are skipped (the output names them):

- the rules that a school code is listed in the term's schools dataset (STU-012 and the other
  *-012 rules), because the pre-check has no schools dataset;
- the rule that a school's affiliation matches its agency (SCH-011), unless `--agency` is given.

The rules that compare rows within the file (repeated IDs, repeated school codes) run on the
file alone. Exit status: 0 when no row has an error (queries may remain), 1 when some row has an
error, 2 when the file cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import uuid
from pathlib import Path

import psycopg2
from psycopg2 import sql

from exchange import calendar, intake, reference, warehouse
from exchange.contracts import DATASETS
from exchange.landing import LandingFile
from exchange.warehouse import read_sql

log = logging.getLogger(__name__)

ANY_AGENCY = "PRECHECK"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the CSV or XLSX file to check")
    parser.add_argument(
        "--dataset", required=True, choices=DATASETS, help="which of the eight datasets the file is"
    )
    parser.add_argument(
        "--agency",
        help="the parent agency code (OBEC, OPEC, ONIE, OVEC, DLA, BMA); "
        "without it the affiliation rule is skipped",
    )
    parser.add_argument(
        "--year",
        type=int,
        help="academic year, Buddhist Era (default: the term whose "
        "pre-check window contains today, else the latest planned term)",
    )
    parser.add_argument("--term", type=int, choices=[1, 2], help="term number (default: 1 with --year)")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text for people, json for one JSON object per problem and line",
    )
    parser.add_argument("--language", choices=["th", "en"], default="th", help="language of the messages")


def choose_term(year: int | None, term: int | None) -> calendar.Term:
    """Return the term a file is checked for: the one requested, else today's pre-check term.

    Without a pre-check window open today, the latest planned term (of the requested term
    number, if one is given) is used.
    """
    if year is not None:
        return calendar.get_term(year, term or 1)
    step = calendar.step_at(("school_precheck",), dt.datetime.now(calendar.BANGKOK))
    if step is not None and term in (None, step.term):
        return calendar.get_term(step.academic_year, step.term)
    candidates = [planned for planned in calendar.load_terms() if term in (None, planned.term)]
    if not candidates:
        raise KeyError(f"no planned term {term}")
    return candidates[-1]


def _problems(connection, submission_id: int, language: str) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(read_sql("rules/submission_problems.sql"), {"submission_id": submission_id})
        rows = cursor.fetchall()
    problems = []
    for row, column, rule_id, severity, message_th, fix_th, message_en, fix_en in rows:
        thai = language == "th"
        problems.append(
            {
                "row": row,
                "column": column,
                "rule_id": rule_id,
                "severity": severity,
                "message": message_th if thai else message_en,
                "fix": fix_th if thai else fix_en,
            }
        )
    return problems


def check_file(
    path: Path, dataset: str, term: calendar.Term, agency: str | None, language: str = "th"
) -> dict:
    """Check one file in a throwaway database and return its problems, or the reason it was rejected."""
    from exchange.rules import validate_submission
    from exchange.rules.gx_runner import GreatExpectationsRunner
    from exchange.rules.suites import NEEDS_TERM_SCHOOLS, load_suite

    admin = warehouse.start_embedded_server()
    database = f"exchange_check_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin, database)
    address = admin.with_database(database)
    connection = psycopg2.connect(address.dsn())
    runner = None
    try:
        warehouse.migrate(connection)
        reference.load_reference(connection)
        window = term.step("submission_intake")
        landing = LandingFile(
            agency or ANY_AGENCY, dataset, str(path), path.name, window.window_start, path.stat().st_size
        )
        receipt = intake.load_submission(connection, landing, term, window, {agency or ANY_AGENCY})
        if receipt.status != "accepted":
            return {"file": path.name, "rejected": receipt.reason, "problems": [], "skipped_rules": []}
        suite = load_suite(dataset)
        skipped_rules = {
            expectation.rule_id
            for expectation in suite.expectations
            if expectation.type in NEEDS_TERM_SCHOOLS
        }
        if agency is None:
            skipped_rules |= suite.rules_using("agency_affiliation_codes")
        runner = GreatExpectationsRunner(address, docs_dir=None)
        validate_submission(
            connection, address, receipt.submission_id, runner=runner, skip_rules=frozenset(skipped_rules)
        )
        return {
            "file": path.name,
            "rejected": None,
            "problems": _problems(connection, receipt.submission_id, language),
            "skipped_rules": sorted(skipped_rules),
        }
    finally:
        if runner is not None:
            runner.close()
        connection.close()
        _drop_database(admin, database)


def _drop_database(admin: warehouse.ServerAddress, database: str) -> None:
    maintenance = psycopg2.connect(admin.with_database("postgres").dsn())
    maintenance.autocommit = True
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
    finally:
        maintenance.close()


def _print_text(result: dict) -> None:
    problems = result["problems"]
    errors = sum(1 for problem in problems if problem["severity"] == "error")
    print(f"{result['file']}: {errors} errors and {len(problems) - errors} queries")
    for problem in problems:
        print(
            f"  row {problem['row']}, {problem['column']}: {problem['rule_id']} {problem['severity']}: "
            f"{problem['message']} | {problem['fix']}"
        )
    if result["skipped_rules"]:
        print(f"Skipped without the ministry's data: {', '.join(result['skipped_rules'])}")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: file not found", file=sys.stderr)
        return 2
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    try:
        term = choose_term(args.year, args.term)
    except KeyError as error:
        print(f"{error.args[0]}; pass --year and --term of a planned term", file=sys.stderr)
        return 2
    agency = args.agency.upper() if args.agency else None
    result = check_file(path, args.dataset, term, agency, args.language)
    if result["rejected"]:
        print(result["rejected"], file=sys.stderr)
        return 2
    if args.format == "json":
        for problem in result["problems"]:
            print(json.dumps({"file": result["file"], **problem}, ensure_ascii=False))
        if result["skipped_rules"]:
            print(
                f"Skipped without the ministry's data: {', '.join(result['skipped_rules'])}", file=sys.stderr
            )
    else:
        _print_text(result)
    return 1 if any(problem["severity"] == "error" for problem in result["problems"]) else 0
