"""Validation of submissions: frame, Great Expectations run, issue rows, run record.

A run of one submission:

1. builds the submission's frame table (include/sql/rules/frames/<dataset>.sql);
2. runs the dataset's suite on it through Great Expectations' SQL data source, which evaluates
   the suite's expectations in PostgreSQL and keeps the result for the term's Data Docs;
3. writes one quality.issue row per failing record, column and rule with one INSERT ... SELECT
   over the frame, evaluating only the expectations that failed, and checks the rows against
   Great Expectations' unexpected counts;
4. resolves the submission's issues that are gone, and those of the versions it corrected;
5. records the run in quality.validation_run and drops the frame.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from exchange import settings
from exchange.rules import frames, issues
from exchange.rules.gx_runner import GreatExpectationsRunner
from exchange.rules.suites import age_reference_date, load_suite, suite_parameters
from exchange.warehouse import ServerAddress, read_sql, transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    submission_id: int
    academic_year: int
    term: int
    agency: str
    dataset: str
    status: str
    supersedes: int | None


def data_docs_dir(academic_year: int, term: int) -> Path:
    """Return the term's Data Docs folder: output/<year>/<term>/data_docs/."""
    return settings.output_root() / str(academic_year) / str(term) / "data_docs"


def load_submission_row(cursor, submission_id: int) -> Submission:
    cursor.execute(
        "SELECT submission_id, academic_year, term, agency, dataset, status, supersedes "
        "FROM intake.submission WHERE submission_id = %s",
        (submission_id,),
    )
    row = cursor.fetchone()
    if row is None:
        raise LookupError(f"submission {submission_id} not found in intake.submission")
    submission = Submission(*row)
    if submission.status == "rejected":
        raise ValueError(f"submission {submission_id} was rejected at intake; it has no rows to validate")
    return submission


def _start_run(connection, submission: Submission, suite) -> tuple[int, dict]:
    with transaction(connection) as cursor:
        parameters = suite_parameters(cursor, submission.academic_year, submission.term, submission.agency)
        issues.record_rules(cursor, suite)
        cursor.execute(
            "INSERT INTO quality.validation_run (submission_id, suite_name, suite_sha256) "
            "VALUES (%s, %s, %s) RETURNING run_id",
            (submission.submission_id, suite.name, suite.sha256),
        )
        return cursor.fetchone()[0], parameters


@contextlib.contextmanager
def _submission_lock(connection, submission_id: int) -> Iterator[None]:
    """Hold a session advisory lock on a submission, so two runs never share its frame table."""
    key = f"validation/{submission_id}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
    connection.commit()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
        connection.commit()


def _record_issues(connection, submission: Submission, run: dict, outcomes: list, runner) -> dict:
    """Write the run's issue rows, resolve the ones that are gone and finish the run record."""
    failing = [outcome.expectation for outcome in outcomes if outcome.unexpected_count > 0]
    docs = runner.index_page()
    with transaction(connection) as cursor:
        issues.write_issues(
            cursor, run["table"], submission.submission_id, run["run_id"], failing, run["parameters"]
        )
        issues.check_counts(cursor, run["run_id"], outcomes)
        resolved = issues.resolve_missing(cursor, submission.submission_id, run["run_id"])
        if submission.supersedes is not None:
            resolved += issues.resolve_corrected(cursor, submission.dataset, submission.submission_id)
        counts = {
            "success": not failing,
            "evaluated": len(outcomes),
            "failed": len(failing),
            "issues_open": sum(outcome.unexpected_count for outcome in outcomes),
            "issues_resolved": resolved,
            "data_docs_path": str(docs) if docs else None,
        }
        detail = [
            {
                "rule_id": outcome.expectation.rule_id,
                "column": outcome.expectation.column_name,
                "type": outcome.expectation.type,
                "unexpected_count": outcome.unexpected_count,
            }
            for outcome in outcomes
        ]
        cursor.execute(
            read_sql("rules/validation_run_finish.sql"),
            {**counts, "detail": json.dumps({"expectations": detail}), "run_id": run["run_id"]},
        )
    return counts


def _validate(connection, submission: Submission, runner, skip_types, skip_rules) -> dict:
    suite = load_suite(submission.dataset)
    expectations = suite.without(skip_types, skip_rules)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    run_id, parameters = _start_run(connection, submission, suite)
    table, rows = frames.build_frame(
        connection,
        submission.dataset,
        submission.submission_id,
        submission.academic_year,
        submission.term,
        age_reference_date(submission.academic_year, submission.term),
    )
    timings["frame"] = time.perf_counter() - started
    try:
        mark = time.perf_counter()
        asset_name = f"{submission.dataset}_{submission.agency}_submission_{submission.submission_id}"
        outcomes = runner.validate(suite, expectations, table, asset_name, parameters)
        timings["great_expectations"] = time.perf_counter() - mark
        mark = time.perf_counter()
        run = {"run_id": run_id, "table": table, "parameters": parameters}
        counts = _record_issues(connection, submission, run, outcomes, runner)
        timings["issues"] = time.perf_counter() - mark
    finally:
        frames.drop_frame(connection, table)
    log.info(
        "Validated submission %s (%s, %s): %s rows, %s of %s expectations failed, %s open issues, "
        "%s resolved",
        submission.submission_id,
        submission.dataset,
        submission.agency,
        rows,
        counts["failed"],
        counts["evaluated"],
        counts["issues_open"],
        counts["issues_resolved"],
    )
    return {
        "submission_id": submission.submission_id,
        "dataset": submission.dataset,
        "agency": submission.agency,
        "run_id": run_id,
        "rows": rows,
        "success": counts["success"],
        "expectations_evaluated": counts["evaluated"],
        "expectations_failed": counts["failed"],
        "expectations_skipped": len(suite.expectations) - len(expectations),
        "issues_open": counts["issues_open"],
        "issues_resolved": counts["issues_resolved"],
        "seconds": {phase: round(value, 3) for phase, value in timings.items()},
        "data_docs": counts["data_docs_path"],
    }


def validate_submission(
    connection,
    address: ServerAddress,
    submission_id: int,
    *,
    runner: GreatExpectationsRunner | None = None,
    skip_types: frozenset[str] = frozenset(),
    skip_rules: frozenset[str] = frozenset(),
) -> dict:
    """Validate one submission with its dataset's suite and record its issues.

    `runner` lets a caller reuse one Great Expectations context for many submissions and render
    their Data Docs once with runner.build_docs(). Without it, a new context writes Data Docs into
    the term's folder before this returns. `skip_types` and `skip_rules` leave out expectation
    types and rule ids that the caller cannot evaluate, as the school's pre-check does for the
    rules that read the term's schools dataset. Returns a summary: run id, counts of expectations
    and issues, row count, seconds per phase and the Data Docs page.
    """
    with connection.cursor() as cursor:
        submission = load_submission_row(cursor, submission_id)
    connection.commit()
    own_runner = runner is None
    if own_runner:
        runner = GreatExpectationsRunner(address, data_docs_dir(submission.academic_year, submission.term))
    try:
        with _submission_lock(connection, submission_id):
            return _validate(connection, submission, runner, skip_types, skip_rules)
    finally:
        if own_runner:
            runner.build_docs()
            runner.close()


def _needs_validation(row: dict, force: bool) -> bool:
    if force or row["validated_at"] is None:
        return True
    if row["suite_sha256"] != load_suite(row["dataset"]).sha256:
        return True
    if row["validated_at"] < row["loaded_at"]:
        return True
    # The school rules of the other datasets read the term's schools submissions.
    return (
        row["dataset"] != "schools"
        and row["schools_loaded_at"] is not None
        and (row["validated_at"] < row["schools_loaded_at"])
    )


def validate_term(
    connection, address: ServerAddress, academic_year: int, term: int, force: bool = False
) -> dict:
    """Validate every accepted submission of a term, schools first.

    A submission is skipped when its latest finished run is newer than its load and than the
    term's latest schools load, and ran the current version of its suite, unless `force`.
    Returns counts and one summary per validated submission.
    """
    with connection.cursor() as cursor:
        cursor.execute(read_sql("rules/term_submissions.sql"), {"academic_year": academic_year, "term": term})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    connection.commit()
    pending = [row for row in rows if _needs_validation(row, force)]
    docs_dir = data_docs_dir(academic_year, term)
    summaries = []
    if pending:
        runner = GreatExpectationsRunner(address, docs_dir)
        try:
            for row in pending:
                summaries.append(
                    validate_submission(connection, address, row["submission_id"], runner=runner)
                )
        finally:
            runner.build_docs()
            runner.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM quality.open_issue WHERE academic_year = %s AND term = %s",
            (academic_year, term),
        )
        open_issues = cursor.fetchone()[0]
    connection.commit()
    if pending:
        # The next steps join the term's records with its issues; planned on stale statistics, the
        # budget's exclusion query nests a scan of the issues inside the scan of the students.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE quality.issue")
        connection.commit()
    log.info(
        "Validated term %s of %s: %s submissions validated, %s skipped as up to date, %s open issues; "
        "Data Docs in %s",
        term,
        academic_year,
        len(pending),
        len(rows) - len(pending),
        open_issues,
        docs_dir,
    )
    return {
        "academic_year": academic_year,
        "term": term,
        "validated": len(pending),
        "skipped": len(rows) - len(pending),
        "issues_open": open_issues,
        "data_docs": str(docs_dir / "index.html"),
        "submissions": summaries,
    }
