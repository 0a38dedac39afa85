"""Work packages: one CSV and one XLSX file per office, holding only that office's cases."""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg2.extensions

from exchange import audit
from exchange.duplicates.common import ICT_CENTRE, office_file_stem, office_from_file_stem
from exchange.duplicates.labels import (
    ANSWERS,
    KIND_TH,
    LEVEL_TH,
    NO_TH,
    STATUS_TH,
    YES_TH,
    answer_choice,
)
from exchange.duplicates.spreadsheet import SheetWriter
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

# (key, Thai header, column width). import_answers reads case_id, school_code, answer and note,
# by the Thai header or the key.
COLUMNS = (
    ("case_id", "รหัสกรณี", 10),
    ("kind", "ประเภทกรณี", 22),
    ("match_probability", "ความน่าจะเป็นที่ซ้ำ", 12),
    ("level", "ระดับการตรวจสอบ", 22),
    ("status", "สถานะกรณี", 20),
    ("school_code", "รหัสสถานศึกษา", 14),
    ("school_name", "ชื่อสถานศึกษา", 36),
    ("province", "จังหวัด", 16),
    ("agency", "สังกัด", 8),
    ("grade", "ชั้น", 8),
    ("enrolment_date", "วันที่เข้าเรียน", 12),
    ("masked_id", "เลขประจำตัว (ปิดบัง)", 20),
    ("initials", "อักษรย่อชื่อ-สกุล", 12),
    ("birth_month", "เดือนปีเกิด (พ.ศ.)", 12),
    ("gender", "เพศ", 6),
    ("to_answer", "ต้องตอบ", 8),
    ("answer", "ผลการตรวจสอบ", 26),
    ("note", "หมายเหตุ", 40),
)
HEADER = [header for _key, header, _width in COLUMNS]
ANSWER_COLUMN = [key for key, _header, _width in COLUMNS].index("answer") + 1
LEGEND = [("รหัส", "ผลการตรวจสอบ", "ค่าที่เลือกได้", "English")] + [
    (code, label_th, f"{code} {label_th}", label_en) for code, _key, label_th, label_en in ANSWERS
]
SHEET_TITLE = "กรณีนักเรียนซ้ำซ้อน"


def _row_values(row: tuple) -> list:
    (_office, case_id, kind, probability, level, status, school_code, school_name, province, agency, grade,
     enrolment_date, masked_id, initials, birth_month, gender, to_answer, answer_code, note) = row
    return [
        case_id,
        KIND_TH.get(kind, kind),
        round(probability, 3) if probability is not None else None,
        LEVEL_TH.get(level, level),
        STATUS_TH.get(status, status),
        school_code,
        school_name,
        province,
        agency,
        grade,
        enrolment_date,
        masked_id,
        initials,
        birth_month,
        gender,
        YES_TH if to_answer else NO_TH,
        answer_choice(answer_code),
        note,
    ]


def _remove_stale_packages(folder: Path, written: list[Path]) -> None:
    """Delete the packages of an earlier run for offices that have no case now, so that no office
    keeps a package of cases that were closed or routed elsewhere."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.suffix in (".csv", ".xlsx") and path not in written and office_from_file_stem(path.stem):
            path.unlink()
            log.info("Removed stale work package %s", path.name)


def write_work_packages(
    connection: psycopg2.extensions.connection, academic_year: int, term: int, out_dir: Path
) -> list[Path]:
    """Write out_dir/work_packages/<office>.xlsx and .csv for every office with cases in the term.

    `<office>` is the office id with ':' replaced by '-' (provincial_office-10, agency-OBEC,
    ict_centre), because ':' is not allowed in Windows file names. Packages an earlier run left for
    offices without cases now are deleted. Return the paths written, XLSX before CSV for each
    office, offices in id order.
    """
    folder = Path(out_dir) / "work_packages"
    paths: list[Path] = []
    rows_by_office: dict[str, int] = {}
    writer: SheetWriter | None = None
    office = None
    try:
        with connection.cursor(name="work_package_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute(read_sql("dedup/work_package_rows.sql"),
                           {"academic_year": academic_year, "term": term})
            for row in cursor:
                if row[0] != office:
                    if writer is not None:
                        paths.extend(writer.close())
                        rows_by_office[office] = writer.rows
                    office = row[0]
                    writer = SheetWriter(folder, office_file_stem(office), SHEET_TITLE, HEADER,
                                         widths=[width for _key, _header, width in COLUMNS],
                                         legend=LEGEND, validation_column=ANSWER_COLUMN)
                writer.write_row(_row_values(row))
        if writer is not None:
            paths.extend(writer.close())
            rows_by_office[office] = writer.rows
    finally:
        connection.rollback()
    _remove_stale_packages(folder, paths)
    with transaction(connection) as cursor:
        audit.record(cursor, ICT_CENTRE, "work_packages_written", f"dedup/{academic_year}/{term}",
                     {"offices": len(rows_by_office), "rows": sum(rows_by_office.values())})
    log.info("Wrote work packages for %s offices (%s rows) of term %s of %s to %s",
             len(rows_by_office), sum(rows_by_office.values()), term, academic_year, folder)
    return paths
