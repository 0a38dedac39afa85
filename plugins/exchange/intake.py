"""Submission intake: receipts, versions, and streaming loads into the core tables.

Every file gets a receipt in intake.submission. A load runs in one transaction: the previous
accepted version is marked superseded, the new rows are copied in, and either all of it is
committed or none of it is. The same file received twice is a no-op.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import logging
import queue
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from exchange import audit
from exchange.calendar import BANGKOK, Step, Term
from exchange.contracts import DATASETS, Contract, load_contract
from exchange.landing import LandingFile
from exchange.readers import FileRejected, ParsedFile, open_submission_file
from exchange.warehouse import ServerAddress, transaction

log = logging.getLogger(__name__)

COPY_CONTEXT = re.compile(r"COPY landing_rows, line (\d+)(?:, column (c\d+))?")
CLEANING_BY_TYPE = {
    "personal_id": "core.clean_code",
    "school_code": "core.clean_code",
    "code": "core.clean_code",
    "grade": "core.clean_code",
    "gender": "core.clean_gender",
}


@dataclass(frozen=True)
class Receipt:
    submission_id: int | None
    agency: str
    dataset: str
    file_name: str
    status: str
    rows: int | None
    on_time: bool | None
    reason: str | None
    unchanged: bool = False


def hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _copy_error_message(file: ParsedFile, error: psycopg2.Error) -> str:
    """Turn a COPY error into 'file row N, column X: problem', without the offending value."""
    primary = (error.diag.message_primary or str(error)).split(":")[0]
    context = COPY_CONTEXT.search(error.diag.context or "")
    if not context:
        return f"{file.name}: {primary}"
    row = int(context.group(1)) + file.header_row
    where = f"{file.name} row {row}"
    if context.group(2):
        index = int(context.group(2)[1:]) - 1
        column = file.file_columns[index] if index < len(file.file_columns) else None
        where += f", column {column or 'number ' + str(index + 1)}"
    return f"{where}: {primary}"


def _copy_rows(cursor, submission_id: int, file: ParsedFile, contract: Contract) -> int:
    """Stream the file into a temporary table with COPY, then insert cleaned rows into core."""
    width = len(file.file_columns)
    raw_columns = [f"c{index + 1}" for index in range(width)]
    cursor.execute(
        sql.SQL(
            "CREATE TEMP TABLE landing_rows (line_number bigint GENERATED ALWAYS AS IDENTITY, {}) ON COMMIT DROP"
        ).format(sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(name)) for name in raw_columns))
    )
    copy = sql.SQL("COPY landing_rows ({}) FROM STDIN WITH (FORMAT csv, ENCODING {})").format(
        sql.SQL(", ").join(map(sql.Identifier, raw_columns)), sql.Literal(file.copy_encoding)
    )
    with file.open_stream() as stream:
        try:
            cursor.copy_expert(copy.as_string(cursor), stream, size=1 << 20)
        except psycopg2.errors.QueryCanceled:
            rejection = getattr(stream, "rejection", None)
            if rejection:
                raise rejection from None
            raise

    targets, expressions = [], []
    for column in contract.columns:
        if column.name not in file.file_columns:
            continue
        raw = sql.Identifier(raw_columns[file.file_columns.index(column.name)])
        targets.append(sql.Identifier(column.name))
        expressions.append(_cleaned_value(raw, column.type))
    cursor.execute(
        sql.SQL(
            "INSERT INTO {} (submission_id, source_row, {}) "
            "SELECT %s, line_number + %s, {} FROM ({}) AS landing"
        ).format(
            sql.Identifier("core", contract.dataset),
            sql.SQL(", ").join(targets),
            sql.SQL(", ").join(expressions),
            _row_tests(file, contract, raw_columns),
        ),
        (submission_id, file.header_row),
    )
    return cursor.rowcount


def _cleaned_value(raw: sql.Identifier, column_type: str) -> sql.Composable:
    """Return the expression that stores a raw text column as its normalised value.

    A value whose row needs no cleaning is stored as it is (empty as NULL), which is what the
    cleaning function returns for it, so only the rows that needs_cleaning flags pay for the
    function. Gender has its own test because M and F are what clean_gender returns anyway.
    """
    function = CLEANING_BY_TYPE.get(column_type, "core.clean_text")
    if function == "core.clean_gender":
        return sql.SQL("CASE WHEN {raw} IN ('M', 'F') THEN {raw} ELSE core.clean_gender({raw}) END").format(
            raw=raw
        )
    test = "needs_cleaning OR codes_need_cleaning" if function == "core.clean_code" else "needs_cleaning"
    return sql.SQL("CASE WHEN {test} THEN {function}({raw}) ELSE nullif({raw}, '') END").format(
        test=sql.SQL(test), function=sql.SQL(function), raw=raw
    )


def _row_tests(file: ParsedFile, contract: Contract, raw_columns: list[str]) -> sql.Composable:
    """Return the subquery over landing_rows that adds needs_cleaning and codes_need_cleaning.

    The tests run once per row (OFFSET 0 keeps PostgreSQL from copying them into every column's
    expression) over the mapped columns joined into one string: see core.row_needs_cleaning and
    core.codes_need_cleaning in migration V006.
    """
    mapped = [column for column in contract.columns if column.name in file.file_columns]

    def joined(columns, separator: sql.Composable) -> sql.Composable:
        raw = [sql.Identifier(raw_columns[file.file_columns.index(column.name)]) for column in columns]
        parts = [sql.SQL("coalesce({}, '')").format(identifier) for identifier in raw]
        return separator.join(parts) if parts else sql.Literal("")

    codes = [column for column in mapped if CLEANING_BY_TYPE.get(column.type) == "core.clean_code"]
    return sql.SQL(
        "SELECT landing_rows.*, core.row_needs_cleaning({}) AS needs_cleaning, "
        "core.codes_need_cleaning({}) AS codes_need_cleaning FROM landing_rows OFFSET 0"
    ).format(joined(mapped, sql.SQL(" || chr(1) || ")), joined(codes, sql.SQL(" || ")))


def _record_rejection(connection, landing: LandingFile, term: Term, digest: str, size: int,
                      received_at: dt.datetime, on_time: bool, reason: str) -> Receipt:
    with transaction(connection) as cursor:
        # The load's lock, so that the same file rejected by two runs at once gets one receipt.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       (f"submission/{term.academic_year}/{term.term}/{landing.agency}/{landing.dataset}",))
        cursor.execute(
            """
            SELECT submission_id FROM intake.submission
            WHERE academic_year = %s AND term = %s AND agency = %s AND dataset = %s
              AND sha256 = %s AND status = 'rejected'
            """,
            (term.academic_year, term.term, landing.agency, landing.dataset, digest),
        )
        existing = cursor.fetchone()
        if existing:
            return Receipt(existing[0], landing.agency, landing.dataset, landing.name, "rejected",
                           None, on_time, reason, unchanged=True)
        cursor.execute(
            """
            INSERT INTO intake.submission (academic_year, term, agency, dataset, as_of_date, file_name,
                sha256, bytes, received_at, on_time, status, reason)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'rejected', %s)
            RETURNING submission_id
            """,
            (term.academic_year, term.term, landing.agency, landing.dataset, term.as_of, landing.name,
             digest, size, received_at, on_time, reason),
        )
        submission_id = cursor.fetchone()[0]
        audit.record(cursor, landing.agency, "submission_rejected", f"submission/{submission_id}",
                     {"file": landing.name, "reason": reason})
    log.warning("Rejected submission %s: %s", submission_id, reason)
    return Receipt(submission_id, landing.agency, landing.dataset, landing.name, "rejected", None, on_time, reason)


def load_submission(
    connection: psycopg2.extensions.connection,
    landing: LandingFile,
    term: Term,
    window: Step,
    known_agencies: set[str],
    reject_late: bool = False,
) -> Receipt:
    """Load one landing file as a new version of its agency's dataset, or reject it."""
    local_path = landing.local_path()
    digest, size = hash_file(local_path)
    received_at = landing.modified.astimezone(BANGKOK)
    on_time = received_at < window.window_end

    reason = None
    if landing.agency not in known_agencies:
        reason = f"{landing.name}: unknown agency {landing.agency!r}; expected one of {', '.join(sorted(known_agencies))}"
    elif landing.dataset not in DATASETS:
        reason = f"{landing.name}: unknown dataset {landing.dataset!r}; expected one of {', '.join(DATASETS)}"
    elif not on_time and reject_late:
        reason = f"{landing.name}: received {received_at:%Y-%m-%d %H:%M} after the window closed on {window.end}"
    if reason:
        return _record_rejection(connection, landing, term, digest, size, received_at, on_time, reason)

    contract = load_contract(landing.dataset)
    try:
        with transaction(connection) as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                (f"submission/{term.academic_year}/{term.term}/{landing.agency}/{landing.dataset}",),
            )
            cursor.execute(
                """
                SELECT submission_id, status, rows, on_time FROM intake.submission
                WHERE academic_year = %s AND term = %s AND agency = %s AND dataset = %s
                  AND sha256 = %s AND status <> 'rejected'
                """,
                (term.academic_year, term.term, landing.agency, landing.dataset, digest),
            )
            existing = cursor.fetchone()
            if existing:
                log.info("Unchanged %s: already submission %s (%s)", landing.name, existing[0], existing[1])
                return Receipt(existing[0], landing.agency, landing.dataset, landing.name, existing[1],
                               existing[2], existing[3], None, unchanged=True)
            parsed = open_submission_file(local_path, contract, landing.name)
            cursor.execute(
                """
                UPDATE intake.submission SET status = 'superseded'
                WHERE academic_year = %s AND term = %s AND agency = %s AND dataset = %s AND status = 'accepted'
                RETURNING submission_id
                """,
                (term.academic_year, term.term, landing.agency, landing.dataset),
            )
            previous = cursor.fetchone()
            cursor.execute(
                """
                INSERT INTO intake.submission (academic_year, term, agency, dataset, as_of_date, file_name,
                    sha256, bytes, encoding, header_row, received_at, on_time, status, supersedes)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'accepted', %s)
                RETURNING submission_id
                """,
                (term.academic_year, term.term, landing.agency, landing.dataset, term.as_of, landing.name,
                 digest, size, parsed.encoding, parsed.header_row, received_at, on_time,
                 previous[0] if previous else None),
            )
            submission_id = cursor.fetchone()[0]
            rows = _copy_rows(cursor, submission_id, parsed, contract)
            if rows == 0:
                raise FileRejected(f"{landing.name}: the file has a header but no data rows")
            cursor.execute("UPDATE intake.submission SET rows = %s WHERE submission_id = %s", (rows, submission_id))
            audit.record(cursor, landing.agency, "submission_accepted", f"submission/{submission_id}",
                         {"file": landing.name, "rows": rows, "supersedes": previous[0] if previous else None})
    except FileRejected as rejection:
        return _record_rejection(connection, landing, term, digest, size, received_at, on_time, str(rejection))
    except (psycopg2.DataError, psycopg2.errors.BadCopyFileFormat) as error:
        message = _copy_error_message(parsed, error)
        return _record_rejection(connection, landing, term, digest, size, received_at, on_time, message)
    log.info("Accepted %s as submission %s: %s rows, encoding %s, %s", landing.name, submission_id, rows,
             parsed.encoding, "on time" if on_time else "late")
    return Receipt(submission_id, landing.agency, landing.dataset, landing.name, "accepted", rows, on_time, None)


def run_intake(
    connection,
    landing_root: str,
    term: Term,
    window: Step,
    reject_late: bool = False,
    *,
    address: ServerAddress | None = None,
    workers: int = 1,
) -> dict:
    """Load every landing file of the term; return receipts and counts by status.

    With `address` (the database `connection` is connected to) and `workers` above 1, that many
    files load at the same time, each on its own connection and each still in one transaction, so
    the readers and the database use more than one core. The tables that received rows are
    analysed at the end, so the checks that follow are planned on their real size.
    """
    from exchange.landing import discover
    from exchange.reference import known_agencies

    files, ignored = discover(landing_root, term.academic_year, term.term)
    for name in ignored:
        log.warning("Ignored landing entry %s: expected <agency>/<dataset>.csv or .xlsx", name)
    agencies = known_agencies(connection)
    if workers > 1 and address is not None and len(files) > 1:
        receipts = _load_in_parallel(
            connection, address, files, min(workers, len(files)),
            lambda worker_connection, file: load_submission(
                worker_connection, file, term, window, agencies, reject_late),
        )
    else:
        receipts = [load_submission(connection, file, term, window, agencies, reject_late) for file in files]
    _analyse_loaded(connection, receipts)
    counts: dict[str, int] = {}
    for receipt in receipts:
        key = f"{receipt.status}{' (unchanged)' if receipt.unchanged else ''}"
        counts[key] = counts.get(key, 0) + 1
    log.info("Intake of term %s/%s from %s: %s files, %s", term.academic_year, term.term, landing_root,
             len(files), counts)
    return {"files": len(files), "ignored": ignored, "counts": counts,
            "receipts": [receipt.__dict__ for receipt in receipts]}


# An XLSX file takes several times longer to read than a CSV file of the same size, because it is
# compressed and parsed in Python; the factor only orders the files, biggest job first.
XLSX_WORK_FACTOR = 10


def _load_in_parallel(
    connection,
    address: ServerAddress,
    files: list[LandingFile],
    workers: int,
    load: Callable[[psycopg2.extensions.connection, LandingFile], Receipt],
) -> list[Receipt]:
    """Load files on `workers` connections at once, largest first; return receipts in file order."""
    connections: queue.SimpleQueue = queue.SimpleQueue()
    connections.put(connection)
    extra = [psycopg2.connect(address.dsn()) for _ in range(workers - 1)]
    for extra_connection in extra:
        connections.put(extra_connection)

    def load_one(file: LandingFile) -> Receipt:
        worker_connection = connections.get()
        try:
            return load(worker_connection, file)
        finally:
            connections.put(worker_connection)

    def work(file: LandingFile) -> int:
        return file.size * (XLSX_WORK_FACTOR if file.name.lower().endswith(".xlsx") else 1)

    try:
        largest_first = sorted(range(len(files)), key=lambda index: -work(files[index]))
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="intake") as executor:
            futures = {index: executor.submit(load_one, files[index]) for index in largest_first}
            return [futures[index].result() for index in range(len(files))]
    finally:
        for extra_connection in extra:
            extra_connection.close()


def _analyse_loaded(connection, receipts: list[Receipt]) -> None:
    datasets = sorted(
        {receipt.dataset for receipt in receipts if receipt.status == "accepted" and not receipt.unchanged}
    )
    if not datasets:
        return
    # ANALYZE, unlike VACUUM, runs inside a transaction block.
    with transaction(connection) as cursor:
        for dataset in datasets:
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier("core", dataset)))
        cursor.execute("ANALYZE intake.submission")
