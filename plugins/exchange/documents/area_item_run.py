"""Computes every area data item for every area it applies to, stores the rows in
mart.area_item_value and writes one CSV per item and area under `<out_dir>/area_items/`.

Each item's query runs in its own read-only transaction with a statement timeout, `search_path`
set to the `area` schema and, when the server has it and this user may take it, the role
exchange_area_reader (SELECT on the `area` views only). Those settings, not the sqlglot check,
are what keep a definition from reading or changing anything else.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
from pathlib import Path

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json, execute_values

from exchange.documents.area_items import (
    REQUIRED_COLUMNS,
    SAFE_SCHEMA,
    AreaItem,
    AreaItemRejected,
    load_items,
)
from exchange.outputs.files import write_csv
from exchange.warehouse import transaction

log = logging.getLogger(__name__)

READER_ROLE = "exchange_area_reader"
FOLDER = "area_items"
MAX_ROWS = 200_000
AREA_CODES = {
    "province": "SELECT province_code FROM reference.province ORDER BY province_code",
    "region": "SELECT region::text FROM reference.regional_office ORDER BY region",
    "inspection_zone": (
        "SELECT DISTINCT inspection_zone, sort_order FROM reference.inspection_zone ORDER BY sort_order"
    ),
}


class AreaItemFailed(RuntimeError):
    """An item whose query failed or returned what an item may not return."""


def reader_role_usable(connection) -> bool:
    """Return True when the role exchange_area_reader exists and this user may SET ROLE to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %s) "
            "AND pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = %s), 'MEMBER')",
            (READER_ROLE, READER_ROLE),
        )
        usable = bool(cursor.fetchone()[0])
    connection.commit()
    return usable


def run_query(
    connection, query: str, parameters: dict, timeout_seconds: int, use_role: bool
) -> tuple[list, list]:
    """Run a checked item query read-only; return (column names, rows).

    `query` is a SELECT that returns academic_year, term and area_code; the rows are those of the
    term and of the areas in parameters["area_codes"]. The transaction is rolled back whatever
    happens, so it leaves nothing behind.
    """
    escaped = sql.SQL(query.replace("%", "%%"))
    shape = sql.SQL("SELECT * FROM ({}) AS item LIMIT 0").format(escaped)
    statement = sql.SQL(
        "SELECT * FROM ({}) AS item WHERE item.academic_year = %(academic_year)s "
        "AND item.term = %(term)s AND item.area_code::text = ANY(%(area_codes)s)"
    ).format(escaped)
    # SET TRANSACTION must come first in its transaction, so whatever the caller read is ended here.
    connection.commit()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", (str(timeout_seconds * 1000),))
            cursor.execute("SELECT set_config('search_path', %s, true)", (SAFE_SCHEMA,))
            if use_role:
                cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(READER_ROLE)))
            cursor.execute(shape)
            columns = [column.name for column in cursor.description]
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise AreaItemFailed(
                    f"the query returns no column {', '.join(missing)}; "
                    f"every item must return {', '.join(REQUIRED_COLUMNS)}"
                )
            cursor.execute(statement, parameters)
            rows = cursor.fetchmany(MAX_ROWS + 1)
    finally:
        connection.rollback()
    if len(rows) > MAX_ROWS:
        raise AreaItemFailed(f"the query returns more than {MAX_ROWS:,} rows; aggregate further")
    return columns, rows


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _area_codes(connection, item: AreaItem) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(AREA_CODES[item.area_type])
        known = [row[0] for row in cursor.fetchall()]
    connection.commit()
    if item.areas is None:
        return known
    unknown = [code for code in item.areas if code not in known]
    if unknown:
        raise AreaItemFailed(f"unknown {item.area_type} codes {', '.join(unknown)} in areas")
    return list(item.areas)


def _record_run(
    connection,
    parameters: dict,
    name: str,
    sha256: str,
    status: str,
    message: str | None,
    areas: int = 0,
    values: list | None = None,
) -> int:
    with transaction(connection) as cursor:
        cursor.execute(
            """
            INSERT INTO mart.area_item_run (academic_year, term, item_name, definition_sha256, status, areas,
                                            rows, message, finished_at)
            VALUES (%(academic_year)s, %(term)s, %(name)s, %(sha256)s, %(status)s, %(areas)s, %(rows)s,
                    %(message)s, clock_timestamp())
            RETURNING run_id
            """,
            parameters
            | {
                "name": name,
                "sha256": sha256,
                "status": status,
                "areas": areas,
                "rows": len(values or []),
                "message": message,
            },
        )
        run_id = cursor.fetchone()[0]
        if status == "succeeded":
            cursor.execute(
                "DELETE FROM mart.area_item_value WHERE academic_year = %(academic_year)s "
                "AND term = %(term)s AND item_name = %(name)s",
                parameters | {"name": name},
            )
            execute_values(
                cursor,
                """
                INSERT INTO mart.area_item_value
                    (academic_year, term, item_name, area_type, area_code, row_number, value, run_id)
                VALUES %s
                """,
                [(*row, run_id) for row in values or []],
                page_size=5000,
            )
    return run_id


def _compute(connection, item: AreaItem, parameters: dict, use_role: bool, folder: Path) -> dict:
    codes = _area_codes(connection, item)
    columns, rows = run_query(
        connection, item.sql, parameters | {"area_codes": codes}, item.timeout_seconds, use_role
    )
    area_index = columns.index("area_code")
    by_area: dict[str, list] = {code: [] for code in codes}
    for row in rows:
        by_area[str(row[area_index])].append(row)
    values = []
    item_folder = folder / item.name
    for code, area_rows in by_area.items():
        for number, row in enumerate(area_rows, start=1):
            record = {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
            values.append(
                (
                    parameters["academic_year"],
                    parameters["term"],
                    item.name,
                    item.area_type,
                    code,
                    number,
                    Json(record),
                )
            )
        write_csv(item_folder / f"{item.area_type}_{code}.csv", columns, area_rows)
    message = None if use_role else f"ran without the {READER_ROLE} role, which this server does not provide"
    _record_run(
        connection, parameters, item.name, item.definition_sha256, "succeeded", message, len(codes), values
    )
    return {"status": "succeeded", "areas": len(codes), "rows": len(rows)}


def compute_area_items(
    connection, academic_year: int, term: int, out_dir: Path, items_dir: Path | None = None
) -> dict:
    """Compute every area data item of include/area_items/ (or `items_dir`) for the term.

    A definition that fails the check is recorded as 'rejected' with its reason and not run; a
    query that fails is recorded as 'failed'. The others replace their rows in
    mart.area_item_value and their CSV files. Returns the status, areas and rows per item.
    """
    parameters = {"academic_year": academic_year, "term": term}
    folder = Path(out_dir) / FOLDER
    items, rejected = load_items(items_dir)
    use_role = reader_role_usable(connection)
    if not use_role:
        log.warning("Role %s is missing or not granted to this user: area items run without it", READER_ROLE)
    results: dict[str, dict] = {}
    for rejection in rejected:
        log.error("Area item %s rejected: %s", rejection.source, rejection.reason)
        _record_run(connection, parameters, Path(rejection.source).stem, "", "rejected", rejection.reason)
        results[Path(rejection.source).stem] = {"status": "rejected", "message": rejection.reason}
    for item in items:
        try:
            results[item.name] = _compute(connection, item, parameters, use_role, folder)
        except (AreaItemFailed, AreaItemRejected, psycopg2.Error) as error:
            connection.rollback()
            message = str(error).strip().splitlines()[0]
            log.error("Area item %s failed: %s", item.name, message)
            _record_run(connection, parameters, item.name, item.definition_sha256, "failed", message)
            results[item.name] = {"status": "failed", "message": message}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(
        json.dumps(
            {"academic_year": academic_year, "term": term, "role": use_role, "items": results},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    log.info(
        "Area items for term %s of %s: %s",
        term,
        academic_year,
        {name: result["status"] for name, result in results.items()},
    )
    return {"academic_year": academic_year, "term": term, "reader_role": use_role, "items": results}
