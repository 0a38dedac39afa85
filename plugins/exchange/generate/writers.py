"""Write generated tables to CSV or XLSX, one file per agency and dataset, in chunks.

A writer stays open while provinces are generated and appends each province's rows, so only
one province is in memory at a time. ``write`` returns the sheet row of the first row it wrote: the
header is on ``header_row`` and data starts on the next row, as a spreadsheet numbers them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from exchange.generate.formats import FileFormat
from exchange.generate.reference import BUDDHIST_ERA_OFFSET, DatasetLayout
from exchange.generate.table import Table

EXCEL_MAX_ROWS = 1_048_576


def format_dates(values: np.ndarray, style: str) -> list[str]:
    """Format ``datetime64[D]`` values as text in one of the CSV date styles; NaT becomes ''."""
    missing = np.isnat(values)
    if style == "iso":
        text = np.datetime_as_string(values, unit="D")
        return ["" if gap else value for value, gap in zip(text.tolist(), missing.tolist(), strict=True)]
    years = values.astype("datetime64[Y]").astype(np.int64) + 1970 + BUDDHIST_ERA_OFFSET
    months = values.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (values - values.astype("datetime64[M]")).astype(np.int64) + 1
    if style == "be_slash":
        pattern = "{2:02d}/{1:02d}/{0}"
    elif style == "be_iso":
        pattern = "{0}-{1:02d}-{2:02d}"
    else:
        raise ValueError(f"invalid date style {style!r} for CSV: expected iso, be_slash or be_iso")
    return [
        "" if gap else pattern.format(year, month, day)
        for year, month, day, gap in zip(
            years.tolist(), months.tolist(), days.tolist(), missing.tolist(), strict=True
        )
    ]


def _check_columns(table: Table, layout: DatasetLayout) -> None:
    missing = [name for name in layout.columns if name not in table.columns]
    if missing:
        raise ValueError(
            f"the {layout.dataset} contract has columns {missing} that the generator does not produce; "
            "update the generator to match include/contracts/"
        )


class CsvTableWriter:
    """Append tables to one CSV file with the agency's encoding, headers and date style."""

    def __init__(self, path: Path, layout: DatasetLayout, file_format: FileFormat) -> None:
        self.path = path
        self.layout = layout
        self.format = file_format
        # errors="replace" writes '?' for a character the encoding lacks; the register strips
        # the invisible characters that cp874 cannot hold, so none is expected.
        self._handle = path.open("w", encoding=file_format.encoding, errors="replace", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\r\n")
        self._writer.writerow(layout.thai_headers if file_format.headers == "th" else layout.columns)
        self.rows = 0

    def write(self, table: Table) -> int:
        _check_columns(table, self.layout)
        first_row = self.format.header_row + self.rows + 1
        columns = []
        for name, column_type in zip(self.layout.columns, self.layout.types, strict=True):
            values = table.columns[name]
            if column_type == "date":
                columns.append(format_dates(values, self.format.date_style))
            else:
                columns.append(values.tolist())
        self._writer.writerows(zip(*columns, strict=True))
        self.rows += len(table)
        return first_row

    def close(self) -> None:
        self._handle.close()


class XlsxTableWriter:
    """Append tables to one XLSX sheet below a title row and a blank row."""

    def __init__(self, path: Path, layout: DatasetLayout, file_format: FileFormat, title: str) -> None:
        self.path = path
        self.layout = layout
        self.format = file_format
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet(title=layout.dataset[:31])
        self._sheet.append([title])
        for _ in range(file_format.header_row - 2):
            self._sheet.append([])
        self._sheet.append(list(layout.thai_headers if file_format.headers == "th" else layout.columns))
        self.rows = 0

    def write(self, table: Table) -> int:
        _check_columns(table, self.layout)
        first_row = self.format.header_row + self.rows + 1
        if first_row + len(table) - 1 > EXCEL_MAX_ROWS:
            raise ValueError(
                f"{self.path.name} would exceed the {EXCEL_MAX_ROWS:,} rows of an Excel sheet; "
                "use --formats plain or fewer provinces"
            )
        columns = []
        for name, column_type in zip(self.layout.columns, self.layout.types, strict=True):
            values = table.columns[name]
            if column_type == "date":
                columns.append(values.astype(object).tolist())
            elif column_type == "personal_id" and self.format.numeric_ids:
                columns.append([self._id_cell(value) for value in values.tolist()])
            else:
                columns.append([value if value != "" else None for value in values.tolist()])
        for row in zip(*columns, strict=True):
            self._sheet.append(row)
        self.rows += len(table)
        return first_row

    def _id_cell(self, value: str):
        if not value.isdigit():
            return value
        cell = WriteOnlyCell(self._sheet, value=int(value))
        cell.number_format = "0"
        return cell

    def close(self, saved_at: dt.datetime) -> None:
        """Save the workbook with ``saved_at`` as its created and modified time, so saves are reproducible."""
        self._workbook.save(self.path)
        normalise_xlsx(self.path, saved_at)


def normalise_xlsx(path: Path, saved_at: dt.datetime) -> None:
    """Rewrite an XLSX so that two saves of the same rows are identical.

    openpyxl stamps the save time into docProps/core.xml and into every ZIP entry; this replaces
    both with ``saved_at``.
    """
    stamp = saved_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    local = saved_at.timetuple()[:6]
    temporary = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=local)
            info.compress_type = zipfile.ZIP_DEFLATED
            if entry.filename == "docProps/core.xml":
                text = source.read(entry).decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rf"\g<1>{stamp}", text)
                target.writestr(info, text.encode("utf-8"))
                continue
            with source.open(entry) as reader, target.open(info, "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
    temporary.replace(path)
