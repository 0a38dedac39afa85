"""CSV and XLSX files that people open in a spreadsheet: safe against formula injection, and
byte-identical when written again from the same rows.

CSV files are UTF-8 with a byte order mark, which Excel needs to show Thai. XLSX files (see
xlsx.py) carry no wall-clock time: the document dates are a date the caller passes (the term's
as-of date) and every zip entry has the same fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from exchange.outputs import xlsx

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and carriage
# return, may shift it into one), so such text gets a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | decimal.Decimal | dt.date | None


def safe_text(value: str) -> str:
    """Return text that no spreadsheet evaluates: a leading apostrophe before a formula trigger."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(str(value))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write a CSV file (UTF-8 with BOM, CRLF line ends) and return the number of data rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([safe_text(name) for name in header])
        for row in rows:
            writer.writerow([_csv_value(value) for value in row])
            count += 1
    return count


def _xlsx_value(value: Cell) -> str | int | float | None:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(str(value))


def write_xlsx(
    path: Path,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    document_date: dt.date,
) -> int:
    """Write an XLSX file, streaming the rows, and return the number of data rows.

    `document_date` becomes the file's created and modified dates, so that the same rows give the
    same bytes. Rows past a sheet's limit continue on further sheets.
    """
    safe_rows = ([_xlsx_value(value) for value in row] for row in rows)
    return xlsx.write_table(path, sheet_title, [safe_text(name) for name in header], safe_rows, document_date)


def write_xlsx_workbook(
    path: Path,
    tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]],
    document_date: dt.date,
) -> list[int]:
    """Write several tables into one XLSX file, one sheet each, as `write_xlsx` writes one.

    `tables` are (sheet title, header, rows). Returns the number of data rows per table.
    """
    safe_tables = [
        (title, [safe_text(name) for name in header], ([_xlsx_value(value) for value in row] for row in rows))
        for title, header, rows in tables
    ]
    return xlsx.write_workbook(path, safe_tables, document_date)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_entry(path: Path, root: Path, rows: int) -> dict:
    """Describe a written file for a manifest: name relative to `root`, rows, bytes and sha256."""
    return {
        "file": str(path.relative_to(root)),
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": sha256_file(path),
    }
