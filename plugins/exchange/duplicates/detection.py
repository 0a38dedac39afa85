"""Exact duplicate detection: the same personal ID on more than one school's rolls in a term.

Detection keeps case ids stable, because a case is keyed by (academic_year, term, kind, match_key).
Running detection again for the same term finds the same cases. It opens new ones, closes vanished
unsettled ones (never deleting them) and reopens closed ones that are found again.
"""

from __future__ import annotations

import logging

import psycopg2.extensions

from exchange import audit
from exchange.duplicates.common import ICT_CENTRE, lock_term, run_sql
from exchange.warehouse import transaction

log = logging.getLogger(__name__)

LEVELS = ("province", "region", "national", "unknown")


def create_detection_tables(cursor) -> None:
    """Create the temporary tables that a detection run fills and sync_detected_cases reads."""
    cursor.execute(
        """
        CREATE TEMP TABLE detected_record (
            match_key text NOT NULL,
            submission_id bigint NOT NULL,
            source_row integer NOT NULL,
            school_code text NOT NULL,
            agency text NOT NULL
        ) ON COMMIT DROP;
        CREATE TEMP TABLE detected_case (
            match_key text PRIMARY KEY,
            match_probability double precision
        ) ON COMMIT DROP
        """
    )


def _status_counts(cursor, academic_year: int, term: int, kind: str) -> dict[str, int]:
    cursor.execute(
        """
        SELECT status, count(*) FROM dedup.duplicate_case
        WHERE academic_year = %s AND term = %s AND kind = %s
        GROUP BY status
        """,
        (academic_year, term, kind),
    )
    return dict(cursor.fetchall())


def sync_detected_cases(cursor, academic_year: int, term: int, kind: str) -> dict:
    """Turn the filled detected_record and detected_case tables into cases of `kind`, and return
    counts: cases found, opened, reopened, closed, records, and found cases per level."""
    params = {"academic_year": academic_year, "term": term, "kind": kind, "actor": ICT_CENTRE}
    cursor.execute("SELECT coalesce(max(event_id), 0) FROM dedup.case_event")
    last_event = cursor.fetchone()[0]
    run_sql(cursor, "sync_new_cases", params)
    run_sql(cursor, "sync_reopened_cases", params)
    run_sql(cursor, "sync_closed_cases", params)
    run_sql(cursor, "sync_case_records", params)
    run_sql(cursor, "case_levels", params)
    # A school that joined a case has no answer yet, so a resolved case goes back to answered.
    run_sql(cursor, "answer_summary", params)
    run_sql(cursor, "answer_statuses", params)
    cursor.execute("DROP TABLE answer_summary")
    cursor.execute(
        """
        SELECT duplicate.level, count(*) FROM dedup.duplicate_case AS duplicate
        JOIN detected_case AS detected USING (match_key)
        WHERE duplicate.academic_year = %s AND duplicate.term = %s AND duplicate.kind = %s
        GROUP BY duplicate.level
        """,
        (academic_year, term, kind),
    )
    by_level = {level: 0 for level in LEVELS}
    by_level.update(dict(cursor.fetchall()))
    cursor.execute("SELECT count(*) FROM detected_record")
    records = cursor.fetchone()[0]
    # The run holds the term lock, so every event after last_event is this run's.
    cursor.execute(
        """
        SELECT count(*) FILTER (WHERE from_status IS NULL),
               count(*) FILTER (WHERE from_status = 'closed' AND to_status = 'open'),
               count(*) FILTER (WHERE to_status = 'closed')
        FROM dedup.case_event WHERE event_id > %s
        """,
        (last_event,),
    )
    opened, reopened, closed = cursor.fetchone()
    return {
        "kind": kind,
        "cases": sum(by_level.values()),
        "opened": opened,
        "reopened": reopened,
        "closed": closed,
        "records": records,
        "by_level": by_level,
        "by_status": _status_counts(cursor, academic_year, term, kind),
    }


def detect_term(connection: psycopg2.extensions.connection, academic_year: int, term: int) -> dict:
    """Find every personal ID on more than one school's rolls in the term and keep one exact case
    per child. Return counts (see sync_detected_cases) with `by_level` for the cases found."""
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        create_detection_tables(cursor)
        run_sql(cursor, "exact_duplicate_records", {"academic_year": academic_year, "term": term})
        cursor.execute(
            "INSERT INTO detected_case (match_key) SELECT DISTINCT match_key FROM detected_record"
        )
        counts = sync_detected_cases(cursor, academic_year, term, "exact")
        audit.record(cursor, ICT_CENTRE, "duplicates_detected", f"dedup/{academic_year}/{term}/exact",
                     {key: value for key, value in counts.items() if key != "by_status"})
    log.info(
        "Exact duplicates for term %s of %s: %s cases (%s new, %s reopened, %s closed) over %s records; "
        "by level %s",
        term, academic_year, counts["cases"], counts["opened"], counts["reopened"], counts["closed"],
        counts["records"], counts["by_level"],
    )
    return counts
