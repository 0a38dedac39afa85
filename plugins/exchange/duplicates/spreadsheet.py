"""Office files: CSV and XLSX writers that no spreadsheet reads a formula from, and their readers.

A text value that starts with = + - @, a tab or a carriage return gets a leading apostrophe, so
Excel, LibreOffice and Google Sheets show it as text instead of evaluating it. XLSX text cells are
written as strings with the text number format, so codes keep their leading zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # with a byte order mark, so Excel opens Thai text correctly


def safe_text(value: object) -> str:
    """Return a value as cell text that no spreadsheet evaluates as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def unprotect_text(text: str) -> str:
    """Undo safe_text: drop the apostrophe it put before a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


class SheetWriter:
    """One office file pair: <stem>.csv and <stem>.xlsx with the same header and rows."""

    def __init__(self, folder: Path, stem: str, sheet_title: str, header: Sequence[str],
                 widths: Sequence[int] | None = None, legend: Sequence[Sequence[object]] | None = None,
                 validation_column: int | None = None):
        from openpyxl import Workbook
        from openpyxl.worksheet.datavalidation import DataValidation

        folder.mkdir(parents=True, exist_ok=True)
        self.csv_path = folder / f"{stem}.csv"
        self.xlsx_path = folder / f"{stem}.xlsx"
        self._csv_handle = self.csv_path.open("w", encoding=CSV_ENCODING, newline="")
        self._csv = csv.writer(self._csv_handle)
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(sheet_title)
        self._sheet.freeze_panes = "A2"
        for index, width in enumerate(widths or (), start=1):
            self._sheet.column_dimensions[_column_letter(index)].width = width
        self._rows = 1
        if legend:
            legend_sheet = self._book.create_sheet("รหัส")
            for row in legend:
                legend_sheet.append([self._cell(value) for value in row])
            if validation_column is not None:
                # A drop-down list of the legend's third column on the answer cells.
                validation = DataValidation(
                    type="list", formula1=f"'รหัส'!$C$2:$C${len(legend)}", allow_blank=True
                )
                column = _column_letter(validation_column)
                validation.add(f"{column}2:{column}1048576")
                self._sheet.data_validations.append(validation)
        self.write_row(header, header=True)

    def _cell(self, value: object, bold: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cell = WriteOnlyCell(self._sheet)
        if isinstance(value, bool) or value is None:
            cell.value = safe_text("" if value is None else value)
        elif isinstance(value, (int, float)):
            cell.value = value
        elif isinstance(value, dt.date):
            cell.value = value.isoformat()
        else:
            cell.value = safe_text(value)
            cell.number_format = "@"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def write_row(self, values: Sequence[object], header: bool = False) -> None:
        self._csv.writerow([safe_text(value) for value in values])
        self._sheet.append([self._cell(value, bold=header) for value in values])
        self._rows += 0 if header else 1

    @property
    def rows(self) -> int:
        return self._rows - 1

    def close(self) -> list[Path]:
        self._csv_handle.close()
        self._book.save(self.xlsx_path)
        return [self.xlsx_path, self.csv_path]


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cell texts) for every row of a CSV or XLSX file; the first
    sheet of a workbook is read. Raises ValueError for another file type or an unreadable file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding=CSV_ENCODING, newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                yield number, [unprotect_text(cell.strip()) for cell in row]
        return
    if suffix != ".xlsx":
        raise ValueError(f"{path.name}: unsupported file type {suffix or '(none)'}; send .csv or .xlsx")
    from openpyxl import load_workbook

    from exchange.readers import FileRejected
    from exchange.readers.xlsx_reader import cell_text, check_archive

    try:
        check_archive(path, path.name)
    except FileRejected as rejection:
        raise ValueError(str(rejection)) from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a corrupt workbook
        raise ValueError(f"{path.name}: the workbook cannot be read ({type(error).__name__})") from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [unprotect_text(cell_text(cell).strip()) for cell in cells]
    finally:
        book.close()
