"""Routing: which offices receive each duplicate case, from the regional-office table."""

from __future__ import annotations

import logging

import psycopg2.extensions

from exchange import audit
from exchange.duplicates.common import ICT_CENTRE, OFFICE_TYPES, lock_term, run_sql
from exchange.warehouse import transaction

log = logging.getLogger(__name__)


def route_term(connection: psycopg2.extensions.connection, academic_year: int, term: int) -> dict:
    """Route every case of the term that is not closed (rules in include/sql/dedup/route_cases.sql).

    Running it again leaves the same routes. Return {"cases": n, "routes": n, "offices": n,
    "by_office_type": {office_type: cases}} for the term's routes after the run.
    """
    params = {"academic_year": academic_year, "term": term}
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        run_sql(cursor, "case_levels", params)
        run_sql(cursor, "route_cases", params)
        cursor.execute(
            """
            SELECT route.office_type, count(DISTINCT route.case_id), count(DISTINCT route.office_id), count(*)
            FROM dedup.case_route AS route
            JOIN dedup.duplicate_case AS duplicate USING (case_id)
            WHERE duplicate.academic_year = %(academic_year)s AND duplicate.term = %(term)s
            GROUP BY route.office_type
            """,
            params,
        )
        rows = cursor.fetchall()
        by_type = {office_type: 0 for office_type in OFFICE_TYPES}
        offices = {office_type: 0 for office_type in OFFICE_TYPES}
        for office_type, cases, office_count, _routes in rows:
            by_type[office_type] = cases
            offices[office_type] = office_count
        counts = {
            "cases": by_type[ICT_CENTRE],
            "routes": sum(row[3] for row in rows),
            "by_office_type": by_type,
            "offices_by_type": offices,
        }
        audit.record(cursor, ICT_CENTRE, "duplicates_routed", f"dedup/{academic_year}/{term}", counts)
    log.info("Routed %s cases of term %s of %s: %s routes; cases per office type %s",
             counts["cases"], term, academic_year, counts["routes"], by_type)
    return counts
