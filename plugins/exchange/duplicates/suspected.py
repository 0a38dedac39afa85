"""Suspected duplicates: one child on two schools' rolls under two different personal IDs.

The candidate records (G codes, invalid IDs and the valid IDs one typing error away from them) are
streamed out of PostgreSQL in batches into an in-memory DuckDB database, where Splink scores and
clusters them. The clusters come back as `kind = 'suspected'` cases through the same case
bookkeeping as exact duplicates. Nothing is written to disk, so the personal data stay in memory.
"""

from __future__ import annotations

import logging
import time

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from exchange import audit
from exchange.duplicates.common import ICT_CENTRE, lock_term
from exchange.duplicates.detection import create_detection_tables, sync_detected_cases
from exchange.duplicates.suspected_model import MATCH_THRESHOLD, build_settings
from exchange.warehouse import ServerAddress, read_sql, transaction

log = logging.getLogger(__name__)

BATCH_ROWS = 50_000
# Memory for each hash of the candidate selection, so that the hash aggregate over the whole term
# stays in memory (about 12.5 million groups nationally).
CANDIDATE_WORK_MEM = "1GB"
CANDIDATE_COLUMNS = (
    ("unique_id", "VARCHAR"),
    ("submission_id", "BIGINT"),
    ("source_row", "INTEGER"),
    ("school_code", "VARCHAR"),
    ("agency", "VARCHAR"),
    ("personal_id", "VARCHAR"),
    ("id_kind", "VARCHAR"),
    ("first_name", "VARCHAR"),
    ("last_name", "VARCHAR"),
    ("first_name_key", "VARCHAR"),
    ("last_name_key", "VARCHAR"),
    ("gender", "VARCHAR"),
    ("birth_date", "DATE"),
    ("district_code", "VARCHAR"),
    ("province_code", "VARCHAR"),
)
# Cases found by one run: each cluster on two or more schools' rolls, keyed by a hash of its sorted
# school-and-ID pairs so that the same cluster gets the same case id when matching runs again.
CLUSTER_RECORDS_SQL = """
WITH clustered AS (
    SELECT cluster.cluster_id, candidate.*
    FROM {clusters} AS cluster
    JOIN candidates AS candidate USING (unique_id)
),
spread AS (
    SELECT cluster_id,
           md5(string_agg(school_code || ':' || coalesce(personal_id, ''), ','
                          ORDER BY school_code, personal_id)) AS match_key
    FROM clustered
    GROUP BY cluster_id
    HAVING count(DISTINCT school_code) > 1
),
probability AS (
    SELECT clustered.cluster_id, min(edge.match_probability) AS match_probability
    FROM {edges} AS edge
    JOIN clustered ON clustered.unique_id = edge.unique_id_l
    WHERE edge.match_probability >= ?
    GROUP BY clustered.cluster_id
)
SELECT spread.match_key, probability.match_probability, clustered.submission_id, clustered.source_row,
       clustered.school_code, clustered.agency
FROM clustered
JOIN spread USING (cluster_id)
JOIN probability USING (cluster_id)
ORDER BY spread.match_key, clustered.submission_id, clustered.source_row
"""


def _export_candidates(address: ServerAddress, duck, academic_year: int, term: int) -> int:
    """Select the term's candidate records into a temporary table in PostgreSQL, then stream them
    into the DuckDB table `candidates` in batches. The selection runs as CREATE TABLE AS, not behind
    the cursor, because PostgreSQL plans a cursor for its first rows and never runs it in parallel."""
    import pyarrow as pa

    duck.execute(
        "CREATE TABLE candidates ({})".format(", ".join(f"{name} {kind}" for name, kind in CANDIDATE_COLUMNS))
    )
    names = [name for name, _kind in CANDIDATE_COLUMNS]
    total = 0
    source = psycopg2.connect(address.dsn())
    try:
        with source.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = %s", (CANDIDATE_WORK_MEM,))
            cursor.execute(read_sql("dedup/suspected_candidates.sql"),
                           {"academic_year": academic_year, "term": term})
        with source.cursor(name="suspected_candidates") as cursor:
            cursor.itersize = BATCH_ROWS
            cursor.execute(sql.SQL("SELECT {} FROM suspected_candidate").format(
                sql.SQL(", ").join(map(sql.Identifier, names))))
            while rows := cursor.fetchmany(BATCH_ROWS):
                batch = pa.table({name: [row[index] for row in rows] for index, name in enumerate(names)})
                duck.register("candidate_batch", batch)
                duck.execute("INSERT INTO candidates SELECT * FROM candidate_batch")
                duck.unregister("candidate_batch")
                total += len(rows)
    finally:
        source.rollback()
        source.close()
    return total


def _cluster_records(duck, candidates: int) -> list[tuple]:
    """Score and cluster the candidates with Splink; return the records of every cluster that spans
    schools as (match_key, match_probability, submission_id, source_row, school_code, agency)."""
    from splink import DuckDBAPI, Linker

    if candidates < 2:
        return []
    db_api = DuckDBAPI(connection=duck)
    linker = Linker(db_api.register("candidates", table_name="student_candidates"), build_settings(),
                    log_level=logging.WARNING)
    edges = linker.inference.predict(threshold_match_probability=MATCH_THRESHOLD, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        edges, threshold_match_probability=MATCH_THRESHOLD
    )
    # The table names are the ones Splink generated for its own results, not input values.
    query = CLUSTER_RECORDS_SQL.format(clusters=clusters.physical_name, edges=edges.physical_name)
    return duck.execute(query, [MATCH_THRESHOLD]).fetchall()


def match_suspected(
    connection: psycopg2.extensions.connection, address: ServerAddress, academic_year: int, term: int
) -> dict:
    """Find children on two schools' rolls under different personal IDs and keep them as suspected
    cases with their match probability. `address` is the warehouse `connection` points at. The
    candidates are selected and read over a second connection to it, whose transaction is rolled
    back afterwards, so its temporary tables go with it.

    Return the counts of sync_detected_cases plus "candidates", "seconds" (the whole run),
    "seconds_export" (candidate selection and export) and "seconds_splink" (scoring and clustering).
    """
    import duckdb

    started = time.monotonic()
    duck = duckdb.connect(":memory:")
    try:
        candidates = _export_candidates(address, duck, academic_year, term)
        exported = time.monotonic()
        records = _cluster_records(duck, candidates)
        scored = time.monotonic()
    finally:
        duck.close()
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        create_detection_tables(cursor)
        if records:
            from psycopg2.extras import execute_values

            execute_values(
                cursor,
                "INSERT INTO detected_record (match_key, submission_id, source_row, school_code, agency) "
                "VALUES %s",
                [(key, submission_id, row, school, agency)
                 for key, _probability, submission_id, row, school, agency in records],
                page_size=5000,
            )
            execute_values(
                cursor,
                "INSERT INTO detected_case (match_key, match_probability) VALUES %s",
                sorted({(key, round(probability, 6)) for key, probability, *_rest in records}),
                page_size=5000,
            )
        counts = sync_detected_cases(cursor, academic_year, term, "suspected")
        counts["candidates"] = candidates
        counts["seconds"] = round(time.monotonic() - started, 1)
        counts["seconds_export"] = round(exported - started, 1)
        counts["seconds_splink"] = round(scored - exported, 1)
        audit.record(cursor, ICT_CENTRE, "duplicates_matched", f"dedup/{academic_year}/{term}/suspected",
                     {key: value for key, value in counts.items() if key != "by_status"})
    log.info("Suspected duplicates for term %s of %s: %s candidates, %s cases (%s new, %s closed) in %s s",
             term, academic_year, candidates, counts["cases"], counts["opened"], counts["closed"],
             counts["seconds"])
    return counts
