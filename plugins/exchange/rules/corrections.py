"""Correction packages: each agency's open issues of a term, sent back for correction.

Plan term 1 step 18 and term 2 step 13. Every agency with an accepted submission in the term gets
`corrections/<agency>.xlsx` (in Thai: a summary sheet, then one sheet per dataset with issues) and
`corrections/<agency>.csv` (every issue row). A package holds only that agency's issues. Personal
values are masked inside PostgreSQL (quality.masked_value) before they reach this process, and
every text cell is written as text with a leading apostrophe before a formula character.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from psycopg2 import sql

from exchange import audit
from exchange.contracts import DATASETS, load_contract
from exchange.outputs.files import safe_text
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

SEVERITY_TH = {"error": "ข้อผิดพลาด (ต้องแก้)", "query": "ข้อสงสัย (แก้หรือชี้แจง)"}
SUMMARY_HEADER = ("ชุดข้อมูล", "ไฟล์", "รหัสกฎ", "ระดับ", "ปัญหา", "จำนวนรายการ", "จำนวนแถว")
ROW_HEADER = ("ไฟล์", "แถว", "รหัสสถานศึกษา", "คอลัมน์", "ค่าในไฟล์", "รหัสกฎ", "ระดับ", "ปัญหา", "วิธีแก้")
CSV_HEADER = ("ชุดข้อมูล", *ROW_HEADER)
# Excel's 1,048,576 rows per sheet, less the header row.
ROWS_PER_SHEET = 1_048_575
FETCH_ROWS = 10_000


def masking(dataset: str) -> dict[str, str]:
    """Return how each personal column of a dataset is masked: 'personal_id', 'date' or 'name'."""
    kinds = {}
    for column in load_contract(dataset).columns:
        if not column.personal:
            continue
        if column.type in ("personal_id", "date"):
            kinds[column.name] = column.type
        else:
            kinds[column.name] = "name"
    return kinds


def _text_cell(sheet, value, font: Font | None = None) -> WriteOnlyCell | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=safe_text(str(value)))
        # openpyxl would store a string that starts with "=" as a formula.
        cell.data_type = TYPE_STRING
    if font is not None:
        cell.font = font
    return cell


class _Sheets:
    """Write-only sheets of one workbook, continued on a new sheet when one is full."""

    def __init__(self, workbook: Workbook, title: str, header: tuple[str, ...]):
        self.workbook, self.title, self.header = workbook, title, header
        self.bold = Font(bold=True)
        self.rows = 0
        self.sheet = None

    def append(self, values) -> None:
        if self.rows % ROWS_PER_SHEET == 0:
            part = self.rows // ROWS_PER_SHEET
            name = self.title[:31] if part == 0 else f"{self.title[:26]} ({part + 1})"
            self.sheet = self.workbook.create_sheet(name)
            self.sheet.freeze_panes = "A2"
            self.sheet.append([_text_cell(self.sheet, value, self.bold) for value in self.header])
        self.sheet.append([_text_cell(self.sheet, value) for value in values])
        self.rows += 1


def _agencies(cursor, academic_year: int, term: int) -> list[str]:
    cursor.execute(read_sql("rules/term_agencies.sql"), {"academic_year": academic_year, "term": term})
    return [row[0] for row in cursor.fetchall()]


def _summary(cursor, parameters: dict) -> list[tuple]:
    cursor.execute(read_sql("rules/correction_summary.sql"), parameters)
    return cursor.fetchall()


def _issue_rows(connection, parameters: dict, dataset: str):
    """Yield one agency's masked issue rows of one dataset through a server-side cursor."""
    statement = sql.SQL(read_sql("rules/correction_rows.sql")).format(records=sql.Identifier("core", dataset))
    with connection.cursor(name=f"correction_rows_{dataset}") as cursor:
        cursor.itersize = FETCH_ROWS
        cursor.execute(statement, {**parameters, "dataset": dataset, "masking": json.dumps(masking(dataset))})
        yield from cursor


def write_agency_package(
    connection, academic_year: int, term: int, agency: str, folder: Path
) -> tuple[list[Path], int]:
    """Write one agency's XLSX and CSV and return their paths and the number of issue rows."""
    parameters = {"academic_year": academic_year, "term": term, "agency": agency}
    with connection.cursor() as cursor:
        summary = _summary(cursor, parameters)
    titles = {dataset: load_contract(dataset).title_th for dataset in DATASETS}
    workbook = Workbook(write_only=True)
    overview = _Sheets(workbook, "สรุป", SUMMARY_HEADER)
    for dataset, file_name, rule_id, severity, message, issue_count, records in summary:
        overview.append(
            (titles[dataset], file_name, rule_id, SEVERITY_TH[severity], message, issue_count, records)
        )
    if not summary:
        overview.append(("ไม่มีรายการที่ต้องแก้ไขในภาคเรียนนี้", None, None, None, None, 0, 0))

    xlsx_path, csv_path = folder / f"{agency}.xlsx", folder / f"{agency}.csv"
    written = 0
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([safe_text(name) for name in CSV_HEADER])
        for dataset in dict.fromkeys(row[0] for row in summary):
            sheet = _Sheets(workbook, titles[dataset], ROW_HEADER)
            for file_name, row, school, column, value, rule_id, severity, message, fix in _issue_rows(
                connection, parameters, dataset
            ):
                values = (file_name, row, school, column, value, rule_id, SEVERITY_TH[severity], message, fix)
                sheet.append(values)
                writer.writerow(
                    [dataset, *(safe_text(str(item)) if item is not None else "" for item in values)]
                )
                written += 1
    workbook.properties.creator = "moe-exchange"
    workbook.save(xlsx_path)
    connection.commit()
    return [xlsx_path, csv_path], written


def write_correction_packages(connection, academic_year: int, term: int, out_dir: Path | str) -> list[Path]:
    """Write every agency's correction package under `<out_dir>/corrections/` and return the paths.

    `out_dir` is the term's output folder (output/<year>/<term>/). An agency with no open issue
    gets a package whose summary sheet states that.
    """
    folder = Path(out_dir) / "corrections"
    folder.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        agencies = _agencies(cursor, academic_year, term)
    paths: list[Path] = []
    for agency in agencies:
        files, rows = write_agency_package(connection, academic_year, term, agency, folder)
        paths.extend(files)
        with transaction(connection) as cursor:
            audit.record(
                cursor,
                "ict_centre",
                "correction_package_written",
                f"agency/{agency}",
                {
                    "academic_year": academic_year,
                    "term": term,
                    "issues": rows,
                    "files": [path.name for path in files],
                },
            )
        log.info(
            "Wrote the correction package of %s for term %s of %s: %s issue rows",
            agency,
            term,
            academic_year,
            rows,
        )
    return paths


def correction_rates(connection, academic_year: int, term: int) -> list[dict]:
    """Return each agency's resolved and open issues and its correction rate for a term."""
    with connection.cursor() as cursor:
        cursor.execute(
            read_sql("rules/agency_correction_rates.sql"), {"academic_year": academic_year, "term": term}
        )
        rows = cursor.fetchall()
    connection.commit()
    return [
        {
            "agency": agency,
            "issues_resolved": resolved,
            "issues_open": still_open,
            "correction_rate": float(rate) if rate is not None else None,
        }
        for agency, resolved, still_open, rate in rows
    ]
