"""The case lifecycle: open -> answered -> resolved, or escalated -> decided; closed when a
correction takes the child off all rolls but one. Every status change adds a dedup.case_event row.
"""

from __future__ import annotations

import datetime as dt
import logging

import psycopg2.extensions

from exchange import audit
from exchange.calendar import get_term
from exchange.duplicates.common import COMMITTEE_TYPE, ICT_CENTRE, lock_term, office_type, run_sql
from exchange.warehouse import transaction

log = logging.getLogger(__name__)


def update_statuses_from_answers(cursor, academic_year: int, term: int, actor: str) -> dict[str, int]:
    """Move the term's unsettled cases to the status their answers give; return the new events
    per status."""
    cursor.execute("SELECT coalesce(max(event_id), 0) FROM dedup.case_event")
    last_event = cursor.fetchone()[0]
    run_sql(cursor, "answer_summary", {"academic_year": academic_year, "term": term})
    run_sql(cursor, "answer_statuses", {"actor": actor})
    cursor.execute("DROP TABLE answer_summary")
    cursor.execute(
        "SELECT to_status, count(*) FROM dedup.case_event WHERE event_id > %s GROUP BY to_status",
        (last_event,),
    )
    return dict(cursor.fetchall())


def escalate(
    connection: psycopg2.extensions.connection, academic_year: int, term: int, closed_at: dt.datetime
) -> dict:
    """Send every unsettled case of the term to its provincial committees once the verification
    window has closed: more than one school answering "studying here", or a school without an answer.

    Raises ValueError when `closed_at` is before the end of the term's verification window in the
    plan calendar. Return {"escalated": n, "by_reason": {...}, "committees": n}.
    """
    window = get_term(academic_year, term).step("duplicate_verification")
    if closed_at.tzinfo is None:
        raise ValueError("closed_at must carry a time zone, for example Asia/Bangkok")
    if closed_at < window.window_end:
        raise ValueError(
            f"the verification window of term {term} of {academic_year} closes at "
            f"{window.window_end.isoformat()}; escalation at {closed_at.isoformat()} is too early"
        )
    params = {"academic_year": academic_year, "term": term, "closed_at": closed_at, "actor": ICT_CENTRE}
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        run_sql(cursor, "answer_summary", params)
        run_sql(cursor, "escalate_cases", params)
        cursor.execute("SELECT reason, count(*) FROM escalating GROUP BY reason")
        by_reason = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(DISTINCT committee_id) FROM dedup.case_committee WHERE case_id IN "
            "(SELECT case_id FROM escalating)"
        )
        committees = cursor.fetchone()[0]
        result = {"escalated": sum(by_reason.values()), "by_reason": by_reason, "committees": committees}
        audit.record(cursor, ICT_CENTRE, "duplicates_escalated", f"dedup/{academic_year}/{term}", result)
    log.info("Escalated %s cases of term %s of %s to %s provincial committees: %s",
             result["escalated"], term, academic_year, committees, by_reason)
    return result


def decide(
    connection: psycopg2.extensions.connection, case_id: int, school_code: str | None, decided_by: str
) -> dict:
    """Record a provincial committee's decision on an escalated case: the school where the child
    studies, or None when the committee finds the child studies at none of the case's schools.

    Raises ValueError when the case is not escalated, the school is not one of the case's, or
    `decided_by` is not a committee the case was escalated to.
    """
    if office_type(decided_by) != COMMITTEE_TYPE:
        raise ValueError(f"{decided_by!r} is not a provincial committee; expected provincial_committee:PP")
    with transaction(connection) as cursor:
        cursor.execute(
            "SELECT academic_year, term, status FROM dedup.duplicate_case WHERE case_id = %s FOR UPDATE",
            (case_id,),
        )
        found = cursor.fetchone()
        if found is None:
            raise ValueError(f"case {case_id} not found")
        academic_year, term, status = found
        if status != "escalated":
            raise ValueError(f"case {case_id} is {status}; only an escalated case takes a committee decision")
        cursor.execute(
            "SELECT committee_id FROM dedup.case_committee WHERE case_id = %s ORDER BY committee_id",
            (case_id,),
        )
        committees = [row[0] for row in cursor.fetchall()]
        if decided_by not in committees:
            raise ValueError(
                f"case {case_id} was escalated to {', '.join(committees) or 'no committee'}, not {decided_by}"
            )
        if school_code is not None:
            cursor.execute(
                "SELECT 1 FROM dedup.case_school WHERE case_id = %s AND school_code = %s",
                (case_id, school_code),
            )
            if cursor.fetchone() is None:
                raise ValueError(f"school {school_code} is not part of case {case_id}")
        cursor.execute(
            """
            UPDATE dedup.duplicate_case
            SET status = 'decided', confirmed_school_code = %s, updated_at = now()
            WHERE case_id = %s
            """,
            (school_code, case_id),
        )
        cursor.execute(
            "UPDATE dedup.case_committee SET decided_by = %s, decided_at = now() WHERE case_id = %s",
            (decided_by, case_id),
        )
        note = (f"the committee decided the child studies at school {school_code}" if school_code
                else "the committee decided the child studies at none of the case's schools")
        cursor.execute(
            """
            INSERT INTO dedup.case_event (case_id, actor, from_status, to_status, note)
            VALUES (%s, %s, 'escalated', 'decided', %s)
            """,
            (case_id, decided_by, note),
        )
        audit.record(cursor, decided_by, "duplicate_decided", f"dedup/case/{case_id}",
                     {"school_code": school_code, "academic_year": academic_year, "term": term})
    log.info("Case %s decided by %s", case_id, decided_by)
    return {
        "case_id": case_id,
        "status": "decided",
        "confirmed_school_code": school_code,
        "decided_by": decided_by,
    }
