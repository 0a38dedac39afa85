"""Office reports (term 1 steps 16-17, term 2 steps 11-12): how completely each provincial and
regional office checked its duplicate cases, against the verification window of the plan calendar."""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg2.extensions

from exchange import audit
from exchange.calendar import BANGKOK, get_term
from exchange.duplicates.common import ICT_CENTRE, lock_term, office_file_stem, run_sql
from exchange.duplicates.spreadsheet import SheetWriter
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

COLUMNS = (
    ("office_id", "รหัสหน่วยงาน", 22),
    ("office_name", "หน่วยงาน", 40),
    ("cases_received", "กรณีที่ได้รับ", 12),
    ("cases_answered", "ตรวจสอบครบ", 12),
    ("cases_answered_on_time", "ตรวจสอบครบภายในกำหนด", 14),
    ("answered_percent", "ร้อยละที่ตรวจสอบครบ", 12),
    ("cases_resolved", "ยุติแล้ว", 10),
    ("cases_escalated", "ส่งคณะกรรมการจังหวัด", 14),
    ("cases_decided", "คณะกรรมการวินิจฉัยแล้ว", 14),
    ("verification_closes_at", "ปิดการตรวจสอบ", 18),
)
SHEET_TITLE = "ผลการตรวจสอบนักเรียนซ้ำซ้อน"


def compute_office_reports(connection: psycopg2.extensions.connection, academic_year: int, term: int) -> int:
    """Recompute dedup.office_report for the term and return the number of offices in it."""
    closes_at = get_term(academic_year, term).step("duplicate_verification").window_end
    params = {"academic_year": academic_year, "term": term, "closes_at": closes_at}
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        run_sql(cursor, "office_report", params)
        return cursor.rowcount


def _values(row: tuple) -> list:
    (office_id, office_name, _office_type, _region, received, answered, on_time, resolved, escalated,
     decided, closes_at) = row
    percent = round(100 * answered / received, 1) if received else None
    return [office_id, office_name, received, answered, on_time, percent, resolved, escalated, decided,
            closes_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M")]


def write_office_reports(
    connection: psycopg2.extensions.connection, academic_year: int, term: int, out_dir: Path
) -> list[Path]:
    """Recompute the office reports and write out_dir/office_reports/<office>.xlsx and .csv.

    A provincial office's file contains its own row, a regional office's its row and those of the
    provincial offices of its region, and ict_centre's every office. Return the paths written.
    """
    offices = compute_office_reports(connection, academic_year, term)
    with connection.cursor() as cursor:
        cursor.execute(read_sql("dedup/office_report_rows.sql"),
                       {"academic_year": academic_year, "term": term})
        rows = cursor.fetchall()
    connection.rollback()

    recipients: dict[str, list[tuple]] = {ICT_CENTRE: rows}
    for row in rows:
        office_id, office_type, region = row[0], row[2], row[3]
        recipients.setdefault(office_id, []).append(row)
        if office_type == "provincial_office":
            recipients.setdefault(f"regional_office:{region}", []).append(row)

    folder = Path(out_dir) / "office_reports"
    header = [title for _key, title, _width in COLUMNS]
    widths = [width for _key, _title, width in COLUMNS]
    paths: list[Path] = []
    for office_id in sorted(recipients):
        writer = SheetWriter(folder, office_file_stem(office_id), SHEET_TITLE, header, widths=widths)
        for row in recipients[office_id]:
            writer.write_row(_values(row))
        paths.extend(writer.close())
    with transaction(connection) as cursor:
        audit.record(cursor, ICT_CENTRE, "office_reports_written", f"dedup/{academic_year}/{term}",
                     {"offices": offices, "files": len(paths)})
    log.info("Wrote duplicate-check reports of %s offices for term %s of %s to %s", offices, term,
             academic_year, folder)
    return paths
