"""Fingerprints of the warehouse and of output folders, by which two runs are compared."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import psycopg2
from exchange.warehouse import ServerAddress

from tests.reliability_support.pipeline import ALL_STEPS, Pipeline, scratch_warehouse, session_folder

# Every term table; `reference` is loaded by setup and no step changes it.
TERM_SCHEMAS = ("intake", "core", "quality", "dedup", "mart", "audit")
# Timestamp columns that hold data (a file's time, a window's close) rather than the time a row
# was written, so they are compared in full. Every other timestamp column is compared by whether
# it is NULL, because two runs write them at different moments.
DATA_TIMESTAMPS = {
    "intake.submission.received_at",
    "dedup.case_answer.answered_at",
    "dedup.case_committee.escalated_at",
    "dedup.office_report.verification_closes_at",
    "mart.office_ranking.verification_closes_at",
}
# Id columns that name a row of another table without a foreign key.
SOFT_REFERENCES = {"dedup.case_record.submission_id": "intake.submission.submission_id"}
# Rows of attempts that a killed process left unfinished. They record that the attempt happened, so
# they stay in the warehouse, but they are left out of the comparison and counted apart.
ATTEMPT_ROWS = {
    "quality.validation_run": "finished_at IS NOT NULL",
    "mart.area_item_run": "finished_at IS NOT NULL",
}
# The order in which a table's serial ids are ranked: by the row's natural key where it has one,
# so that rows inserted in another order (by processes racing each other) rank the same.
RANK_ORDER = {
    "intake.submission.submission_id": "t.academic_year, t.term, t.agency, t.dataset, t.status, t.sha256, "
    "t.submission_id",
    "dedup.duplicate_case.case_id": "t.academic_year, t.term, t.kind, t.match_key",
}
# Columns that hold a serial id in text, a duration or the run's output folder, normalised
# before comparing.
NORMALISED = {
    "audit.event.subject": r"regexp_replace(t.subject, '/[0-9]+$', '/#')",
    # Durations differ from run to run, and `supersedes` contains a submission id.
    "audit.event.detail": "(SELECT jsonb_object_agg(key, CASE WHEN key = 'supersedes' THEN "
    "to_jsonb(value <> 'null') ELSE value END) FROM jsonb_each(t.detail) WHERE key NOT LIKE 'seconds%%')",
    "quality.validation_run.data_docs_path": (
        r"regexp_replace(t.data_docs_path, '^.*/([0-9]{4}/[12]/)', '\1')"
    ),
}
# Output folders left out of the output comparison: Great Expectations names every page by the
# validation's time, and the run logs are logs.
UNCOMPARED_FOLDERS = {"data_docs", "airflow-runs"}

CATALOG = """
SELECT n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%%'
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef AS d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')
ORDER BY 1, a.attnum
"""
FOREIGN_KEYS = """
SELECT source_namespace.nspname || '.' || source.relname || '.' || source_column.attname,
       target_namespace.nspname || '.' || target.relname || '.' || target_column.attname
FROM pg_constraint AS constraint_row
JOIN pg_class AS source ON source.oid = constraint_row.conrelid
JOIN pg_namespace AS source_namespace ON source_namespace.oid = source.relnamespace
JOIN pg_attribute AS source_column
  ON source_column.attrelid = source.oid AND source_column.attnum = constraint_row.conkey[1]
JOIN pg_class AS target ON target.oid = constraint_row.confrelid
JOIN pg_namespace AS target_namespace ON target_namespace.oid = target.relnamespace
JOIN pg_attribute AS target_column
  ON target_column.attrelid = target.oid AND target_column.attnum = constraint_row.confkey[1]
WHERE constraint_row.contype = 'f' AND cardinality(constraint_row.conkey) = 1
"""


@dataclasses.dataclass
class Fingerprint:
    """Per table: the normalised rows, sorted. `attempts` counts the unfinished attempt rows left out."""

    tables: dict[str, list[str]]
    attempts: dict[str, int]

    def summary(self) -> dict[str, tuple[int, str]]:
        """Return (row count, sha256 of the sorted rows) per table."""
        return {
            name: (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
            for name, rows in self.tables.items()
        }

    def differences(
        self, other: Fingerprint, distinct: tuple[str, ...] = (), ignore: tuple[str, ...] = (), limit: int = 3
    ) -> list[str]:
        """Describe every table whose rows differ, with a few rows found on one side only.

        The tables in `distinct` are compared as sets of rows, for an append-only log such as
        audit.event, where a retried step truly did its work, and recorded it, twice. The tables
        in `ignore` are not compared.
        """
        found = []
        for name in sorted((set(self.tables) | set(other.tables)) - set(ignore)):
            mine, theirs = self.tables.get(name), other.tables.get(name)
            if name in distinct and mine is not None and theirs is not None:
                mine, theirs = sorted(set(mine)), sorted(set(theirs))
            if mine == theirs:
                continue
            if mine is None or theirs is None:
                found.append(f"{name}: table exists on one side only")
                continue
            only_mine = sorted((Counter(mine) - Counter(theirs)).elements())[:limit]
            only_theirs = sorted((Counter(theirs) - Counter(mine)).elements())[:limit]
            found.append(
                f"{name}: {len(mine)} rows against {len(theirs)}; only left {only_mine}; "
                f"only right {only_theirs}"
            )
        return found


def _term_scope(table: str, columns: set[str]) -> str | None:
    if {"academic_year", "term"} <= columns:
        return "t.academic_year = %(academic_year)s AND t.term = %(term)s"
    if "submission_id" in columns:
        return (
            "t.submission_id IN (SELECT submission_id FROM intake.submission "
            "WHERE academic_year = %(academic_year)s AND term = %(term)s)"
        )
    if "case_id" in columns:
        return (
            "t.case_id IN (SELECT case_id FROM dedup.duplicate_case "
            "WHERE academic_year = %(academic_year)s AND term = %(term)s)"
        )
    return None


def warehouse_fingerprint(address: ServerAddress, term: tuple[int, int] | None = None) -> Fingerprint:
    """Read every term table of the warehouse as normalised rows.

    Serial ids are replaced by their rank among the table's ids, and references to them by the
    rank of the row they name, so two runs whose sequences advanced differently compare equal.
    Timestamps written from the clock are compared by whether they are NULL. With `term`
    (academic_year, term), only the rows of that term are read and audit.event is left out,
    because no column of the audit trail names the term of every event.
    """
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(CATALOG, (list(TERM_SCHEMAS),))
            catalog: dict[str, list[tuple[str, str, bool]]] = {}
            for table, column, column_type, serial in cursor.fetchall():
                catalog.setdefault(table, []).append((column, column_type, serial))
            cursor.execute(FOREIGN_KEYS)
            references = {**dict(cursor.fetchall()), **SOFT_REFERENCES}
            if term is not None:
                catalog.pop("audit.event", None)
            parameters = {"academic_year": term[0], "term": term[1]} if term else {}
            filters = {}
            for table, columns in catalog.items():
                conditions = [ATTEMPT_ROWS[table]] if table in ATTEMPT_ROWS else []
                scope = _term_scope(table, {column for column, _, _ in columns}) if term else None
                conditions += [scope] if scope else []
                filters[table] = " AND ".join(conditions) or "true"
            ranked = {
                f"{table}.{column}"
                for table, columns in catalog.items()
                for column, _, serial in columns
                if serial
            }
            rank_tables = {}
            for number, column_path in enumerate(sorted(ranked & set(references.values()))):
                table, column = column_path.rsplit(".", 1)
                rank_tables[column_path] = f"pg_temp.rank_{number}"
                cursor.execute(
                    f"CREATE TEMP TABLE rank_{number} (id bigint PRIMARY KEY, rank bigint) ON COMMIT DROP"
                )
                order = RANK_ORDER.get(column_path, f"t.{column}")
                cursor.execute(
                    f"INSERT INTO rank_{number} SELECT t.{column}, dense_rank() OVER (ORDER BY {order}) "
                    f"FROM {table} AS t WHERE {filters[table]}",
                    parameters,
                )
            tables, attempts = {}, {}
            for table, columns in catalog.items():
                expressions = []
                for column, column_type, serial in columns:
                    path = f"{table}.{column}"
                    target = path if serial else references.get(path)
                    if path in NORMALISED:
                        expressions.append(NORMALISED[path])
                    elif target in rank_tables:
                        expressions.append(f"(SELECT rank FROM {rank_tables[target]} WHERE id = t.{column})")
                    elif serial:
                        continue  # an id nothing refers to: the row's other columns identify it
                    elif column_type.startswith("timestamp") and path not in DATA_TIMESTAMPS:
                        expressions.append(f"t.{column} IS NULL")
                    else:
                        expressions.append(f"t.{column}")
                cursor.execute(
                    f"SELECT ROW({', '.join(expressions)})::text FROM {table} AS t WHERE {filters[table]}",
                    parameters,
                )
                tables[table] = sorted(row[0] for row in cursor.fetchall())
                if table in ATTEMPT_ROWS:
                    cursor.execute(f"SELECT count(*) FROM {table} AS t WHERE NOT ({ATTEMPT_ROWS[table]})")
                    attempts[table] = cursor.fetchone()[0]
        connection.rollback()
    finally:
        connection.close()
    return Fingerprint(tables, attempts)


def file_fingerprint(path: Path) -> str:
    """Return the sha256 of a file; of an XLSX file, of its zip entries' names and contents
    without docProps/core.xml.

    openpyxl stamps a workbook's core properties and every zip entry with the time it is saved, so
    two saves of the same cells differ in bytes but not in any entry's content but that one.
    """
    digest = hashlib.sha256()
    if path.suffix != ".xlsx":
        digest.update(path.read_bytes())
        return digest.hexdigest()
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + b"\0" + archive.read(name))
    return digest.hexdigest()


def output_fingerprint(folder: Path) -> dict[str, str]:
    """Return {relative path: file_fingerprint} for every output file outside UNCOMPARED_FOLDERS."""
    return {
        str(path.relative_to(folder)): file_fingerprint(path)
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file() and not UNCOMPARED_FOLDERS & set(path.relative_to(folder).parts)
    }


def byte_digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def assert_matches_clean_run(pipeline: Pipeline, expected, audit_as_set: bool = False) -> None:
    """Assert that the pipeline's warehouse and output files equal `expected` (from clean_run).

    With `audit_as_set`, audit.event is compared as a set of events: a step retried after it had
    written some files exported them twice, and its audit events rightly say so.
    """
    expected_warehouse, expected_files = expected
    found = warehouse_fingerprint(pipeline.address)
    distinct = ("audit.event",) if audit_as_set else ()
    assert found.differences(expected_warehouse, distinct=distinct) == []
    files = output_fingerprint(pipeline.output)
    assert sorted(set(files) ^ set(expected_files)) == []
    assert [name for name in files if files[name] != expected_files[name]] == []


@functools.cache
def clean_run(landing: Path, steps: tuple[str, ...] = ALL_STEPS) -> tuple[Fingerprint, dict[str, str]]:
    """Run `steps` without a fault on a scratch warehouse; return the warehouse and output
    fingerprints that faulted runs are compared with. Cached for the session."""
    output = Path(tempfile.mkdtemp(prefix="clean-", dir=session_folder()))
    with scratch_warehouse() as address:
        Pipeline(address, landing, output).run(*steps)
        return warehouse_fingerprint(address), output_fingerprint(output)
