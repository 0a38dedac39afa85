"""Statistics from the individual records (term 2 step 18, and the area statistics of both terms).

Students are the children the budget counts (each child once, by the same rule), so every table
adds up to the Budget Bureau's total.
"""

from __future__ import annotations

import logging

from exchange.outputs import counting
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

STATISTIC_TABLES = (
    "student_statistic",
    "school_statistic",
    "student_change",
    "teacher_ratio",
    "school_size",
)


def refresh_statistics(connection, academic_year: int, term: int) -> dict:
    """Replace the term's statistics in the mart schema, in one transaction.

    Fills mart.student_statistic (students by region, province, agency, grade and level, gender
    and age), mart.school_statistic (per school, level and gender), mart.teacher_ratio,
    mart.school_size and mart.student_change (against the previous term, when it has
    statistics). Returns the rows written per table and the national totals of both terms.
    """
    parameters = counting.term_parameters(academic_year, term)
    previous_year, previous_term = counting.previous_term(academic_year, term)
    parameters |= {"previous_academic_year": previous_year, "previous_term": previous_term}
    rows: dict[str, int] = {}
    with transaction(connection) as cursor:
        counting.delete_term_rows(cursor, STATISTIC_TABLES, parameters)
        counts = counting.prepare_counted_students(cursor, parameters)
        cursor.execute(read_sql("outputs/student_statistics_insert.sql"), parameters)
        rows["student_statistic"] = cursor.rowcount
        cursor.execute(read_sql("outputs/school_statistics_insert.sql"), parameters)
        rows["school_statistic"] = cursor.rowcount
        cursor.execute("DROP TABLE IF EXISTS pg_temp.school_teacher")
        cursor.execute(read_sql("outputs/school_teachers.sql"), parameters)
        cursor.execute(read_sql("outputs/teacher_ratio_insert.sql"), parameters)
        rows["teacher_ratio"] = cursor.rowcount
        cursor.execute(read_sql("outputs/school_size_insert.sql"), parameters)
        rows["school_size"] = cursor.rowcount
        cursor.execute(read_sql("outputs/student_change_insert.sql"), parameters)
        rows["student_change"] = cursor.rowcount
        cursor.execute(
            """
            SELECT students, previous_students FROM mart.student_change
            WHERE academic_year = %(academic_year)s AND term = %(term)s AND scope = 'national'
            """,
            parameters,
        )
        national = cursor.fetchone()
    result = {
        "academic_year": academic_year,
        "term": term,
        "students": counts["counted_students"],
        "previous_term": {"academic_year": previous_year, "term": previous_term},
        "previous_students": national[1] if national else None,
        "rows": rows,
    }
    log.info("Statistics for term %s of %s: %s", term, academic_year, rows)
    return result
