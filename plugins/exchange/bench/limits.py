"""The benchmark's lower bounds: what PostgreSQL itself needs for the same files and checks.

`raw_copy` copies the term's files, as they are, into empty tables of text columns with one
COPY each, and nothing else: no receipt, no cleaning, no typed columns. `student_checks` runs the
students rules written by hand as one SQL pass (include/sql/bench/student_checks.sql).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from psycopg2 import sql

from exchange.calendar import get_term
from exchange.contracts import load_contract
from exchange.landing import discover
from exchange.readers import open_submission_file
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

COPY_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class CopySource:
    """One landing file as a CSV that COPY can read: its path, encoding and column count."""

    file: str
    dataset: str
    path: str
    encoding: str
    columns: int
    skips_header: bool
    bytes: int


def prepare_copy_sources(landing_root: str, academic_year: int, term: int, work_dir: Path) -> dict:
    """Return a CopySource for every landing file of the term.

    A CSV file is copied as it is. An XLSX workbook cannot be read by COPY, so the intake's own
    reader first writes its rows as UTF-8 CSV under `work_dir`. The time that takes is returned as
    `xlsx_seconds` and is not part of the COPY time.
    """
    files, _ignored = discover(landing_root, academic_year, term)
    sources: list[CopySource] = []
    xlsx_seconds = 0.0
    work_dir.mkdir(parents=True, exist_ok=True)
    for landing in files:
        path = landing.local_path()
        parsed = open_submission_file(path, load_contract(landing.dataset), landing.name)
        if path.suffix.lower() == ".csv" and parsed.header_row == 1:
            sources.append(
                CopySource(
                    landing.name,
                    landing.dataset,
                    str(path),
                    parsed.copy_encoding,
                    len(parsed.file_columns),
                    True,
                    path.stat().st_size,
                )
            )
            continue
        started = time.perf_counter()
        converted = work_dir / f"{landing.agency}_{landing.dataset}.csv"
        with parsed.open_stream() as stream, converted.open("wb") as output:
            while chunk := stream.read(COPY_CHUNK_BYTES):
                output.write(chunk)
        xlsx_seconds += time.perf_counter() - started
        sources.append(
            CopySource(
                landing.name,
                landing.dataset,
                str(converted),
                parsed.copy_encoding,
                len(parsed.file_columns),
                False,
                converted.stat().st_size,
            )
        )
    return {"sources": [asdict(source) for source in sources], "xlsx_seconds": round(xlsx_seconds, 3)}


def raw_copy(connection, sources: list[dict]) -> dict:
    """COPY each source into a new table of text columns, one committed transaction per file.

    Returns seconds and rows per dataset and in total. The tables are dropped afterwards, outside
    the timing.
    """
    by_dataset: dict[str, dict] = {}
    tables = []
    total_started = time.perf_counter()
    for index, source in enumerate(sources):
        table = sql.Identifier("public", f"bench_raw_{index}")
        tables.append(table)
        started = time.perf_counter()
        with transaction(connection) as cursor:
            cursor.execute(
                sql.SQL("CREATE TABLE {} ({})").format(
                    table,
                    sql.SQL(", ").join(sql.SQL(f"c{column + 1} text") for column in range(source["columns"])),
                )
            )
            options = [sql.SQL("FORMAT csv"), sql.SQL("ENCODING {}").format(sql.Literal(source["encoding"]))]
            if source["skips_header"]:
                options.append(sql.SQL("HEADER true"))
            copy = sql.SQL("COPY {} FROM STDIN WITH ({})").format(table, sql.SQL(", ").join(options))
            with open(source["path"], "rb") as handle:
                cursor.copy_expert(copy.as_string(cursor), handle, size=COPY_CHUNK_BYTES)
            rows = cursor.rowcount
        seconds = time.perf_counter() - started
        entry = by_dataset.setdefault(source["dataset"], {"files": 0, "rows": 0, "bytes": 0, "seconds": 0.0})
        entry["files"] += 1
        entry["rows"] += rows
        entry["bytes"] += source["bytes"]
        entry["seconds"] += seconds
    total = time.perf_counter() - total_started
    with transaction(connection) as cursor:
        for table in tables:
            cursor.execute(sql.SQL("DROP TABLE {}").format(table))
    for entry in by_dataset.values():
        entry["seconds"] = round(entry["seconds"], 3)
    return {
        "seconds": round(total, 3),
        "rows": sum(entry["rows"] for entry in by_dataset.values()),
        "bytes": sum(entry["bytes"] for entry in by_dataset.values()),
        "by_dataset": by_dataset,
    }


def student_checks(connection, academic_year: int, term: int) -> dict:
    """Run the hand-written students checks over the term; return seconds and failing rows per rule."""
    parameters = {
        "academic_year": academic_year,
        "term": term,
        "age_reference_date": get_term(academic_year, term).age_reference_date,
    }
    started = time.perf_counter()
    with transaction(connection) as cursor:
        # The same memory the validation frames get (exchange.rules.frames), so the grouping of
        # repeated IDs runs in memory in both.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(read_sql("bench/student_checks.sql"), parameters)
        issues = cursor.rowcount
        seconds = time.perf_counter() - started
        cursor.execute("SELECT rule_id, count(*) FROM bench_student_issue GROUP BY rule_id ORDER BY rule_id")
        by_rule = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM core.students JOIN intake.submission USING (submission_id) "
            "WHERE academic_year = %(academic_year)s AND term = %(term)s AND status = 'accepted'",
            parameters,
        )
        rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_student_issue")
    return {"seconds": round(seconds, 3), "rows": rows, "issues": issues, "issues_by_rule": by_rule}


def validation_issues_by_rule(connection, academic_year: int, term: int, dataset: str) -> dict[str, int]:
    """Return the open issues that validation recorded for the term's dataset, per rule."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rule_id, count(*) FROM quality.open_issue "
            "WHERE academic_year = %s AND term = %s AND dataset = %s GROUP BY rule_id ORDER BY rule_id",
            (academic_year, term, dataset),
        )
        counts = dict(cursor.fetchall())
    connection.commit()
    return counts
