"""A submission's frame: its rows and the values its rules compare them against, as one table.

The frame is computed once per validation run by include/sql/rules/frames/<dataset>.sql (joins
to reference tables and the term's schools, and the earlier row of a repeated key), and stored
as an unlogged table `quality.frame_<submission_id>`. Great Expectations then runs every
expectation of the suite over that table in one aggregate query, and the issue rows are written
from the same table, so the joins and the grouping are done once instead of once per query.
The table is dropped when the run ends.
"""

from __future__ import annotations

import datetime as dt
import logging

from psycopg2 import sql

from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

# Memory for the frame's hash aggregate over (school, personal ID), so that a national students
# submission of a few million rows is grouped in memory rather than in batches on disk.
FRAME_WORK_MEM = "256MB"


def frame_table(submission_id: int) -> str:
    return f"frame_{int(submission_id)}"


def build_frame(
    connection,
    dataset: str,
    submission_id: int,
    academic_year: int,
    term: int,
    age_reference_date: dt.date,
) -> tuple[str, int]:
    """Create the submission's frame table and return its name and row count."""
    table = frame_table(submission_id)
    identifier = sql.Identifier("quality", table)
    parameters = {
        "submission_id": submission_id,
        "academic_year": academic_year,
        "term": term,
        "age_reference_date": age_reference_date,
    }
    with transaction(connection) as cursor:
        cursor.execute("SET LOCAL work_mem = %s", (FRAME_WORK_MEM,))
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(identifier))
        cursor.execute(
            sql.SQL("CREATE UNLOGGED TABLE {} AS {}").format(
                identifier, sql.SQL(read_sql(f"rules/frames/{dataset}.sql"))
            ),
            parameters,
        )
        rows = cursor.rowcount
    log.info("Built frame %s for submission %s: %s rows", table, submission_id, rows)
    return table, rows


def drop_frame(connection, table: str) -> None:
    with transaction(connection) as cursor:
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier("quality", table)))
