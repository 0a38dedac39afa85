"""XLSX workbooks, streamed row by row with openpyxl's read-only mode."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from exchange.contracts import Contract
from exchange.readers.common import (
    HEADER_SEARCH_ROWS,
    FileRejected,
    ParsedFile,
    check_required_columns,
    find_header,
)

# Limits against decompression bombs: a real agency workbook compresses text about 5-20 times.
MAX_UNCOMPRESSED_BYTES = 4 << 30
MAX_COMPRESSION_RATIO = 200
ROWS_PER_CHUNK = 20_000
# Digits of a code that Excel stored as a number lose their leading zeros; they are put back.
CODE_WIDTHS = {"personal_id": 13, "school_code": 10}


def check_archive(path: Path, name: str) -> None:
    """Reject files that are not a zip archive or that would expand far beyond their size."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise FileRejected(f"{name}: not a valid XLSX file ({error})") from None
    total = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            f"{name}: the workbook expands to {total:,} bytes from {compressed:,}; "
            "it is rejected as a possible decompression bomb"
        )


def cell_text(value: object, code_width: int | None = None) -> str:
    """Return a cell as the text an agency meant.

    Whole numbers stored as floats (1103700012345.0) keep every digit, and a code column's number
    gets back the leading zeros Excel dropped (an ID starting with 0 is stored as 12 digits).
    Dates become ISO text. Text in scientific notation (1.10370001234E+12) is kept as typed, so
    the ID rules reject it: its lost digits cannot be recovered.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if code_width and 0 <= value and len(text) < code_width:
            return text.zfill(code_width)
        return text
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_workbook(path: Path, name: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a corrupt workbook
        raise FileRejected(f"{name}: the workbook cannot be read ({type(error).__name__}: {error})") from None


def _choose_sheet(workbook, contract: Contract, name: str):
    """Return the sheet, header index and mapping of the sheet that best matches the contract."""
    best = None
    for sheet in workbook.worksheets:
        head = [list(row) for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        index, mapping = find_header(head, contract)
        count = sum(1 for column in mapping if column)
        if index >= 0 and (best is None or count > best[3]):
            best = (sheet.title, index, mapping, count)
    if best is None:
        raise FileRejected(f"{name}: no sheet has a header row for the {contract.dataset} dataset")
    return best[:3]


def open_xlsx(path: Path, contract: Contract, name: str) -> ParsedFile:
    if path.stat().st_size == 0:
        raise FileRejected(f"{name}: the file is empty")
    check_archive(path, name)
    # The workbook stays open for the rows: opening it costs a whole extra pass over every sheet
    # that has no <dimension> element (openpyxl's write-only mode writes none), because openpyxl
    # looks for one before the sheet's data.
    workbook = _open_workbook(path, name)
    try:
        sheet_title, header_index, mapping = _choose_sheet(workbook, contract, name)
        check_required_columns(name, mapping, contract)
    except BaseException:
        workbook.close()
        raise
    opened = [workbook]
    width = len(mapping)
    types = {column.name: column.type for column in contract.columns}
    code_widths = [CODE_WIDTHS.get(types.get(column)) if column else None for column in mapping]

    def rows() -> Iterator[list[str]]:
        book = opened.pop() if opened else _open_workbook(path, name)
        try:
            sheet = book[sheet_title]
            # A <dimension> element that is smaller than the data would end the rows early.
            sheet.reset_dimensions()
            for cells in sheet.iter_rows(min_row=header_index + 2, values_only=True):
                values = [
                    cell_text(cell, code_width)
                    for cell, code_width in zip(cells[:width], code_widths[: len(cells)], strict=True)
                ]
                values += [""] * (width - len(values))
                yield values
        finally:
            book.close()

    return ParsedFile(
        name=f"{name} (sheet {sheet_title})",
        encoding="xlsx",
        copy_encoding="UTF8",
        header_row=header_index + 1,
        file_columns=mapping,
        open_stream=lambda: CsvStream(rows()),
    )


class CsvStream(io.RawIOBase):
    """A read-only byte stream of UTF-8 CSV, produced a chunk of rows at a time."""

    def __init__(self, rows: Iterator[list[str]]):
        self._rows = rows
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        count = 0
        for row in self._rows:
            writer.writerow(row)
            count += 1
            if count >= ROWS_PER_CHUNK:
                break
        self._buffer += text.getvalue().encode("utf-8")
        return count > 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            if not self._fill():
                break
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
