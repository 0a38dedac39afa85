"""Issue rows: written set-based from a submission's frame table, resolved when they are gone."""

from __future__ import annotations

from collections import Counter

from psycopg2 import sql

from exchange.rules.conditions import unexpected_condition
from exchange.rules.gx_runner import ExpectationOutcome
from exchange.rules.suites import RuleExpectation, Suite
from exchange.warehouse import read_sql

# Columns that identify one record across versions of an agency's file, per dataset.
RECORD_KEYS = {
    "schools": ("school_code",),
    "students": ("school_code", "personal_id"),
    "teachers": ("school_code", "personal_id"),
    "other_personnel": ("school_code", "personal_id"),
    "graduates": ("school_code", "personal_id"),
    "curricula": ("school_code", "curriculum_code"),
    "academic_results": ("school_code", "personal_id", "grade"),
    "land": ("school_code", "deed_number"),
}


class IssueCountMismatch(RuntimeError):
    """The issue rows written differ from the unexpected counts Great Expectations reported."""


def record_rules(cursor, suite: Suite) -> None:
    """Insert or update the suite's rules in quality.rule."""
    cursor.executemany(
        read_sql("rules/rule_upsert.sql"),
        [
            (
                rule.rule_id,
                rule.dataset,
                rule.column_name,
                rule.severity,
                rule.message_th,
                rule.message_en,
                rule.fix_th,
                rule.fix_en,
            )
            for rule in suite.rules()
        ],
    )


def write_issues(
    cursor,
    frame_table: str,
    submission_id: int,
    run_id: int,
    failing: list[RuleExpectation],
    parameters: dict,
) -> int:
    """Insert or reopen one issue per failing record, column and rule in one statement.

    Only the expectations that failed are evaluated, so a clean submission costs no scan here.
    Returns the number of issue rows inserted or updated.
    """
    if not failing:
        return 0
    conditions = [unexpected_condition(expectation, parameters) for expectation in failing]
    findings = [
        sql.SQL("({}, {}, {}, {})").format(
            sql.Literal(expectation.column_name),
            sql.Literal(expectation.rule_id),
            sql.Literal(expectation.severity),
            condition,
        )
        for expectation, condition in zip(failing, conditions, strict=True)
    ]
    statement = sql.SQL(read_sql("rules/issue_insert.sql")).format(
        submission_id=sql.Literal(int(submission_id)),
        run_id=sql.Literal(int(run_id)),
        frame=sql.Identifier("quality", frame_table),
        prefilter=sql.SQL(" OR ").join(conditions),
        findings=sql.SQL(", ").join(findings),
    )
    cursor.execute(statement)
    return cursor.rowcount


def check_counts(cursor, run_id: int, outcomes: list[ExpectationOutcome]) -> None:
    """Compare the run's issue rows per rule and column with Great Expectations' unexpected counts.

    Raises IssueCountMismatch on any difference: either an SQL condition no longer matches its
    expectation, or two expectations of one rule flag the same row.
    """
    expected: Counter = Counter()
    for outcome in outcomes:
        expected[(outcome.expectation.rule_id, outcome.expectation.column_name)] += outcome.unexpected_count
    cursor.execute(read_sql("rules/run_issue_counts.sql"), {"run_id": run_id})
    written = Counter({(rule_id, column): count for rule_id, column, count in cursor.fetchall()})
    differences = {
        key: (written[key], expected[key])
        for key in set(expected) | set(written)
        if written[key] != expected[key]
    }
    if differences:
        details = ", ".join(
            f"{rule_id}/{column}: {found} rows written, {count} unexpected"
            for (rule_id, column), (found, count) in sorted(differences.items())
        )
        raise IssueCountMismatch(
            f"run {run_id}: issue rows differ from Great Expectations' counts: {details}"
        )


def resolve_missing(cursor, submission_id: int, run_id: int) -> int:
    """Mark as resolved the submission's open issues that this run did not find again."""
    cursor.execute(
        read_sql("rules/resolve_missing_issues.sql"), {"submission_id": submission_id, "run_id": run_id}
    )
    return cursor.rowcount


def resolve_corrected(cursor, dataset: str, submission_id: int) -> int:
    """Mark as resolved the open issues of earlier versions that this correcting version no longer has.

    Every version the submission replaced, directly or through others, is compared with it.
    NOTE: records are matched by their key columns (RECORD_KEYS), so two records of one school
    that both lack the same key value (two rows without a personal ID) count as one record.
    """
    same_record = sql.SQL(" AND ").join(
        sql.SQL("coalesce({}, '') = coalesce({}, '')").format(
            sql.Identifier("later_record", column), sql.Identifier("earlier_record", column)
        )
        for column in RECORD_KEYS[dataset]
    )
    statement = sql.SQL(read_sql("rules/resolve_corrected_issues.sql")).format(
        records=sql.Identifier("core", dataset), same_record=same_record
    )
    cursor.execute(statement, {"submission_id": submission_id})
    return cursor.rowcount
