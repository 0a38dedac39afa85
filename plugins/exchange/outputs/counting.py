"""The counting rule shared by the budget export and the statistics: each child once.

`prepare_counted_students` builds three temporary tables in the caller's transaction, dropped at
commit: eligible_student (records with no open error and not enrolled after the as-of date),
counted_student (one record per child, with duplicate flags) and term_school (every school of the
term with its province, region and agency). The rule itself is in
include/sql/outputs/counted_students.sql and docs/outputs.md.
"""

from __future__ import annotations

import logging

from psycopg2 import sql

from exchange import calendar
from exchange.warehouse import read_sql

log = logging.getLogger(__name__)

TEMPORARY_TABLES = ("term_school", "counted_student", "eligible_student")


def term_parameters(academic_year: int, term: int) -> dict:
    """Return the SQL parameters of a term: year, term, as-of date and age reference date."""
    plan_term = calendar.get_term(academic_year, term)
    return {
        "academic_year": academic_year,
        "term": term,
        "as_of_date": plan_term.as_of,
        "age_reference_date": plan_term.age_reference_date,
    }


def previous_term(academic_year: int, term: int) -> tuple[int, int]:
    """Return the term that precedes: term 1 of Y follows term 2 of Y-1, term 2 follows term 1."""
    if term == 1:
        return academic_year - 1, 2
    return academic_year, 1


def prepare_counted_students(cursor, parameters: dict) -> dict:
    """Create eligible_student, counted_student and term_school; return their row counts."""
    for table in TEMPORARY_TABLES:
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(sql.Identifier(table)))

    # Temporary tables get no statistics from autovacuum; ANALYZE them so the joins that follow
    # are planned on real row counts.
    cursor.execute(read_sql("outputs/eligible_students.sql"), parameters)
    cursor.execute("ANALYZE eligible_student")
    cursor.execute(read_sql("outputs/counted_students.sql"), parameters)
    cursor.execute("ANALYZE counted_student")
    cursor.execute(read_sql("outputs/term_schools.sql"), parameters)
    cursor.execute("ANALYZE term_school")

    cursor.execute(
        """
        SELECT (SELECT count(*) FROM eligible_student),
               (SELECT count(*) FROM counted_student),
               (SELECT count(*) FROM counted_student WHERE unresolved_duplicate),
               (SELECT count(*) FROM term_school)
        """
    )
    eligible, counted, unresolved, schools = cursor.fetchone()
    counts = {
        "eligible_records": eligible,
        "counted_students": counted,
        "unresolved_duplicates": unresolved,
        "schools": schools,
    }
    log.info(
        "Counted students for term %s of %s: %s", parameters["term"], parameters["academic_year"], counts
    )
    return counts


def delete_term_rows(cursor, mart_tables: tuple[str, ...], parameters: dict) -> None:
    """Delete one term's rows from mart tables, in the caller's transaction."""
    for table in mart_tables:
        cursor.execute(
            sql.SQL("DELETE FROM {} WHERE academic_year = %(academic_year)s AND term = %(term)s").format(
                sql.Identifier("mart", table)
            ),
            parameters,
        )
