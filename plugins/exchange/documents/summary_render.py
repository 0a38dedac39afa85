"""Writes submission summaries as a PDF in Thai, ready to attach to the agency's or school's cover
letter, and as an XLSX with the same tables, under `<out_dir>/summaries/`.

An agency's files hold only that agency's submissions; a school's files only that school's
records. Neither names a person: the summaries count records and rules.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path

from exchange.documents.summaries import Summary, agency_summaries, school_summaries
from exchange.documents.thai import thai_date, thai_datetime
from exchange.outputs.files import file_entry, write_xlsx_workbook
from exchange.outputs.pdf_render import render_pdf
from exchange.outputs.report_blocks import Block, Heading, Paragraph, Table

log = logging.getLogger(__name__)

FOLDER = "summaries"
STATUS_TH = {
    "accepted": "รับแล้ว",
    "rejected": "ไม่ผ่านการรับ",
    "missing": "ยังไม่ได้ส่ง (เลยกำหนด)",
    "not_yet_due": "ยังไม่ถึงกำหนด",
    "no_records": "ไม่มีระเบียนของสถานศึกษา",
}
SEVERITY_TH = {"error": "ข้อผิดพลาด", "query": "ข้อสงสัย"}
SAFE_NAME = re.compile(r"[^0-9A-Za-z_-]")


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _received(moment: dt.datetime | None) -> str:
    """Return a receipt time as dd/mm/yyyy HH:MM with the Buddhist Era year, as Thai forms write it."""
    if moment is None:
        return "-"
    return f"{moment:%d/%m}/{moment.year + 543} {moment:%H:%M}"


def _timeliness(on_time: bool | None) -> str:
    return {True: "ตรงเวลา", False: "ล่าช้า"}.get(on_time, "-")


def title(summary: Summary) -> str:
    return f"สรุปการส่งข้อมูลสารสนเทศด้านการศึกษา ปีการศึกษา {summary.academic_year} ภาคเรียนที่ {summary.term}"


def _who(summary: Summary) -> str:
    if summary.kind == "school":
        name = summary.school_name or "ไม่ทราบชื่อ"
        return f"สถานศึกษา {name} รหัส {summary.school_code} สังกัด {summary.agency_name_th} ({summary.agency})"
    return f"หน่วยงาน {summary.agency_name_th} ({summary.agency})"


def _dataset_rows(summary: Summary) -> list[list]:
    return [
        [
            line.title_th,
            line.file_name or "-",
            _received(line.received_at),
            _timeliness(line.on_time),
            line.records,
            line.records_with_errors,
            line.errors,
            line.queries,
            thai_date(line.due_date),
            STATUS_TH[line.status] + (f": {line.reason}" if line.reason else ""),
        ]
        for line in summary.datasets
    ]


DATASET_HEADER = [
    "ชุดข้อมูล",
    "แฟ้ม",
    "วันที่ได้รับ",
    "ความตรงเวลา",
    "ระเบียน",
    "ระเบียนที่มีข้อผิดพลาด",
    "ข้อผิดพลาด",
    "ข้อสงสัย",
    "กำหนดส่ง",
    "สถานะ",
]
RULE_HEADER = ["ชุดข้อมูล", "รหัสกฎ", "ความรุนแรง", "คำอธิบาย", "ประเด็น", "ระเบียน"]


def _rule_rows(summary: Summary) -> list[list]:
    return [
        [
            rule.dataset,
            rule.rule_id,
            SEVERITY_TH.get(rule.severity, rule.severity),
            rule.message_th,
            rule.issues,
            rule.records,
        ]
        for rule in summary.rules
    ]


def summary_blocks(summary: Summary) -> list[Block]:
    """Return the summary's PDF content: who, datasets, what is missing, issues by rule, signature."""
    accepted = sum(line.status == "accepted" for line in summary.datasets)
    errors = sum(line.errors for line in summary.datasets)
    queries = sum(line.queries for line in summary.datasets)
    blocks: list[Block] = [
        Paragraph(_who(summary)),
        Paragraph(f"ข้อมูล ณ วันที่ {thai_date(summary.as_of)} สถานะ ณ {thai_datetime(summary.status_at)}"),
        Paragraph(
            f"ส่งแล้ว {accepted} จาก {len(summary.datasets)} ชุดข้อมูล รวม {_number(summary.records)} ระเบียน "
            f"ข้อผิดพลาด {_number(errors)} ประเด็น ข้อสงสัย {_number(queries)} ประเด็น"
        ),
        Heading("1. ชุดข้อมูลที่ส่ง"),
        Table(
            ("ชุดข้อมูล", "วันที่ได้รับ", "ตรงเวลา", "ระเบียน", "ข้อผิดพลาด", "ข้อสงสัย", "สถานะ"),
            tuple(
                (
                    line.title_th,
                    _received(line.received_at),
                    _timeliness(line.on_time),
                    _number(line.records),
                    _number(line.errors),
                    _number(line.queries),
                    STATUS_TH[line.status],
                )
                for line in summary.datasets
            ),
            (0.27, 0.15, 0.09, 0.1, 0.1, 0.09, 0.2),
            (False, False, False, True, True, True, False),
        ),
        Heading("2. ข้อมูลที่ยังขาด"),
    ]
    missing = summary.missing
    if not missing and not summary.not_yet_due:
        blocks.append(Paragraph("ส่งครบทั้ง 8 ชุดข้อมูลแล้ว"))
    for line in missing:
        text = f"{line.title_th}: {STATUS_TH[line.status]} (กำหนดส่ง {thai_date(line.due_date)})"
        if line.reason:
            text += f" เหตุผล: {line.reason}"
        blocks.append(Paragraph(text))
    for line in summary.not_yet_due:
        blocks.append(Paragraph(f"{line.title_th}: ยังไม่ถึงกำหนด ส่งได้ถึงวันที่ {thai_date(line.due_date)}"))
    blocks.append(Heading("3. ข้อผิดพลาดและข้อสงสัยตามกฎ"))
    if summary.rules:
        blocks.append(
            Paragraph(
                "ข้อผิดพลาดต้องแก้ไขก่อนนับยอด ข้อสงสัยต้องแก้ไขหรือชี้แจง รายละเอียดรายระเบียนอยู่ในชุดแก้ไขข้อมูลของหน่วยงาน"
            )
        )
        blocks.append(
            Table(
                tuple(RULE_HEADER),
                tuple(
                    (row[0], row[1], row[2], row[3], _number(row[4]), _number(row[5]))
                    for row in _rule_rows(summary)
                ),
                (0.14, 0.1, 0.1, 0.46, 0.1, 0.1),
                (False, False, False, False, True, True),
            )
        )
    else:
        blocks.append(Paragraph("ไม่พบข้อผิดพลาดหรือข้อสงสัยที่ยังค้างอยู่"))
    blocks += [
        Heading("4. การรับรองข้อมูล"),
        Paragraph("ขอรับรองว่าข้อมูลที่ส่งถูกต้องตามความเป็นจริง"),
        Paragraph("ลงชื่อ ...................................................... ผู้รับรองข้อมูล"),
        Paragraph(
            "ตำแหน่ง ...................................................... วันที่ ........................"
        ),
    ]
    return blocks


def _file_stem(summary: Summary) -> str:
    code = summary.school_code if summary.kind == "school" else summary.agency
    return f"summary_{SAFE_NAME.sub('_', code or 'unknown')}_{summary.academic_year}_{summary.term}"


def write_summary(summary: Summary, folder: Path) -> tuple[Path, Path]:
    """Write one summary's PDF and XLSX into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(summary)
    pdf_path, xlsx_path = folder / f"{stem}.pdf", folder / f"{stem}.xlsx"
    document_date = summary.status_at.date()
    pdf_path.write_bytes(
        render_pdf(
            title(summary), summary_blocks(summary), document_date=document_date, footer_text=_who(summary)
        )
    )
    write_xlsx_workbook(
        xlsx_path,
        [
            ("ชุดข้อมูล", DATASET_HEADER, _dataset_rows(summary)),
            ("ประเด็นตามกฎ", RULE_HEADER, _rule_rows(summary)),
        ],
        document_date,
    )
    return pdf_path, xlsx_path


def _write_manifest(folder: Path, name: str, manifest: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def write_agency_summaries(
    connection, academic_year: int, term: int, out_dir: Path, at: dt.datetime | None = None
) -> dict:
    """Write every agency's summary under `summaries/agencies/<agency>/`; return a manifest of the
    files with their records.

    `at` is the moment the summaries describe (default now), which decides whether a dataset not
    received is missing or not due yet.
    """
    out_dir = Path(out_dir)
    root = out_dir / FOLDER
    entries = []
    for summary in agency_summaries(connection, academic_year, term, at=at):
        for path in write_summary(summary, root / "agencies" / SAFE_NAME.sub("_", summary.agency)):
            entries.append(file_entry(path, out_dir, summary.records) | {"agency": summary.agency})
    manifest = {"academic_year": academic_year, "term": term, "files": entries}
    _write_manifest(root / "agencies", "manifest.json", manifest)
    log.info("Agency summaries for term %s of %s: %s files", term, academic_year, len(entries))
    return manifest


def write_school_summaries(
    connection,
    academic_year: int,
    term: int,
    out_dir: Path,
    at: dt.datetime | None = None,
    province: str | None = None,
) -> dict:
    """Write each school's summary under `summaries/schools/<agency>/`, for the schools whose code
    has the `province` digits (every school when None); return the count of schools written."""
    root = Path(out_dir) / FOLDER / "schools"
    schools = 0
    for summary in school_summaries(connection, academic_year, term, at=at, province=province):
        write_summary(summary, root / SAFE_NAME.sub("_", summary.agency))
        schools += 1
    log.info(
        "School summaries for term %s of %s, province digits %s: %s schools",
        term,
        academic_year,
        province or "all",
        schools,
    )
    return {"academic_year": academic_year, "term": term, "province": province, "schools": schools}


def write_submission_summaries(
    connection,
    academic_year: int,
    term: int,
    out_dir: Path,
    at: dt.datetime | None = None,
    schools: bool = True,
) -> dict:
    """Write every agency's summary and, with `schools`, every school's; return both manifests."""
    result = {"agencies": write_agency_summaries(connection, academic_year, term, out_dir, at)}
    if schools:
        result["schools"] = write_school_summaries(connection, academic_year, term, out_dir, at)
    return result
