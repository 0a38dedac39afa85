"""The report to the national data committee and the Minister (term 1 steps 10 and 21, term 2
step 16), as HTML and PDF with charts under `<out_dir>/report/`.

Its sections are totals and change, data quality per agency, duplicate progress and the office
ranking. The report reads the mart. When the term has no statistics yet it computes them first; an office
ranking that has not been computed is reported as such.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from exchange.outputs import counting
from exchange.outputs.charts import BarChart, Series
from exchange.outputs.report_render import Block, Chart, Heading, Paragraph, Table, render_html, render_pdf
from exchange.outputs.statistics import refresh_statistics
from exchange.warehouse import read_sql

log = logging.getLogger(__name__)

FOLDER = "report"
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
STATUS_TH = {
    "open": "รอตรวจสอบ",
    "answered": "ตอบแล้ว",
    "resolved": "ยุติแล้ว",
    "escalated": "ส่งคณะกรรมการ",
    "decided": "คณะกรรมการวินิจฉัยแล้ว",
    "closed": "ปิดแล้ว",
}
KIND_TH = {"exact": "เลขประจำตัวซ้ำ", "suspected": "สงสัยว่าซ้ำ"}
LEVEL_TH = {"province": "ในจังหวัด", "region": "ข้ามจังหวัดในภาค", "national": "ข้ามภาค", "unknown": "ไม่ทราบ"}
SEVERITY_TH = {"error": "ข้อผิดพลาด", "query": "ข้อสงสัย"}
RANKED_SHOWN = 10


def _rows(connection, sql_file: str, parameters: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(read_sql(sql_file), parameters)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    connection.commit()
    return rows


def _number(value) -> str:
    return "-" if value is None else f"{value:,}"


def _percent(value) -> str:
    return "-" if value is None else f"{value:+.2f}%"


def thai_date(date) -> str:
    return f"{date.day} {THAI_MONTHS[date.month - 1]} {date.year + 543}"


def _totals_blocks(change_rows: list[dict]) -> list[Block]:
    national = next((row for row in change_rows if row["scope"] == "national"), None)
    blocks: list[Block] = [Heading("1. จำนวนนักเรียนและการเปลี่ยนแปลง")]
    if national is None:
        return [*blocks, Paragraph("ยังไม่มีนักเรียนที่นับได้ในภาคเรียนนี้")]

    summary = f"นักเรียนทั้งหมด (นับคนละหนึ่งครั้ง) {_number(national['students'])} คน"
    if national["previous_students"] is not None:
        summary += (
            f" ภาคเรียนก่อน {_number(national['previous_students'])} คน"
            f" เปลี่ยนแปลง {national['change']:+,} คน ({_percent(national['change_percent'])})"
        )
    else:
        summary += " ไม่มีข้อมูลภาคเรียนก่อนสำหรับเปรียบเทียบ"
    blocks.append(Paragraph(summary))

    agencies = [row for row in change_rows if row["scope"] == "agency"]
    series = [Series("ภาคเรียนนี้", tuple(row["students"] for row in agencies))]
    if national["previous_students"] is not None:
        series.append(Series("ภาคเรียนก่อน", tuple(row["previous_students"] or 0 for row in agencies)))
    blocks.append(
        Chart(
            BarChart("จำนวนนักเรียนจำแนกตามสังกัด", tuple(row["scope_code"] for row in agencies), tuple(series))
        )
    )

    for scope, label in (("agency", "สังกัด"), ("level", "ระดับการศึกษา")):
        rows = tuple(
            (
                row["name_th"],
                _number(row["students"]),
                _number(row["previous_students"]),
                _percent(row["change_percent"]),
            )
            for row in change_rows
            if row["scope"] == scope
        )
        blocks.append(
            Table(
                (label, "ภาคเรียนนี้", "ภาคเรียนก่อน", "เปลี่ยนแปลง"),
                rows,
                (0.52, 0.16, 0.16, 0.16),
                (False, True, True, True),
            )
        )
    return blocks


def _quality_blocks(issue_rows: list[dict], exclusions: list[tuple]) -> list[Block]:
    blocks: list[Block] = [Heading("2. คุณภาพข้อมูลรายหน่วยงาน")]
    if not issue_rows:
        blocks.append(Paragraph("ไม่มีประเด็นคุณภาพข้อมูลที่ยังค้างอยู่"))
    else:
        per_agency: dict[str, dict[str, int]] = defaultdict(lambda: {"error": 0, "query": 0})
        for row in issue_rows:
            per_agency[row["agency"]][row["severity"]] += row["records"]
        agencies = tuple(sorted(per_agency))
        blocks.append(
            Chart(
                BarChart(
                    "จำนวนระเบียนที่มีประเด็นจำแนกตามหน่วยงานและความรุนแรง",
                    agencies,
                    tuple(
                        Series(
                            SEVERITY_TH[severity], tuple(per_agency[agency][severity] for agency in agencies)
                        )
                        for severity in ("error", "query")
                    ),
                    stacked=True,
                )
            )
        )
        rows = tuple(
            (
                row["agency"],
                row["dataset"],
                row["rule_id"],
                SEVERITY_TH.get(row["severity"], row["severity"]),
                _number(row["issues"]),
                _number(row["records"]),
            )
            for row in issue_rows
        )
        blocks.append(
            Table(
                ("หน่วยงาน", "ชุดข้อมูล", "กฎ", "ความรุนแรง", "ประเด็น", "ระเบียน"),
                rows,
                (0.14, 0.22, 0.2, 0.16, 0.14, 0.14),
                (False, False, False, False, True, True),
            )
        )
    if exclusions:
        rows = tuple(
            (agency, rule_id or reason, _number(records)) for agency, reason, rule_id, records in exclusions
        )
        blocks.append(Paragraph("ระเบียนนักเรียนที่ไม่นับในยอดส่งสำนักงบประมาณ"))
        blocks.append(Table(("หน่วยงาน", "กฎหรือเหตุผล", "ระเบียน"), rows, (0.3, 0.5, 0.2), (False, False, True)))
    return blocks


def _duplicate_blocks(case_rows: list[dict]) -> list[Block]:
    blocks: list[Block] = [Heading("3. ความคืบหน้าการตรวจสอบนักเรียนซ้ำซ้อน")]
    if not case_rows:
        return [*blocks, Paragraph("ไม่พบกรณีนักเรียนซ้ำซ้อนในภาคเรียนนี้")]

    total = sum(row["cases"] for row in case_rows)
    settled = sum(row["cases"] for row in case_rows if row["status"] in ("resolved", "decided"))
    blocks.append(Paragraph(f"กรณีทั้งหมด {total:,} กรณี ยุติแล้ว {settled:,} กรณี ({100 * settled / total:.1f}%)"))

    levels = tuple(level for level in LEVEL_TH if any(row["level"] == level for row in case_rows))
    statuses = tuple(status for status in STATUS_TH if any(row["status"] == status for row in case_rows))
    counts = defaultdict(int)
    for row in case_rows:
        counts[(row["level"], row["status"])] += row["cases"]
    blocks.append(
        Chart(
            BarChart(
                "กรณีซ้ำซ้อนจำแนกตามขอบเขตและสถานะ",
                tuple(LEVEL_TH[level] for level in levels),
                tuple(
                    Series(STATUS_TH[status], tuple(counts[(level, status)] for level in levels))
                    for status in statuses
                ),
                stacked=True,
            )
        )
    )

    rows = tuple(
        (
            KIND_TH.get(row["kind"], row["kind"]),
            LEVEL_TH.get(row["level"], row["level"]),
            STATUS_TH.get(row["status"], row["status"]),
            _number(row["cases"]),
        )
        for row in case_rows
    )
    blocks.append(
        Table(("ประเภท", "ขอบเขต", "สถานะ", "กรณี"), rows, (0.3, 0.25, 0.3, 0.15), (False, False, False, True))
    )
    return blocks


def _ranking_blocks(ranking_rows: list[tuple]) -> list[Block]:
    blocks: list[Block] = [Heading("4. อันดับสำนักงานตามความครบถ้วนของการตรวจสอบ")]
    if not ranking_rows:
        return [*blocks, Paragraph("ยังไม่ได้จัดอันดับสำนักงานสำหรับภาคเรียนนี้")]
    blocks.append(
        Paragraph("เรียงตามร้อยละของกรณีที่ยุติแล้ว แล้วร้อยละที่ตอบทันกำหนด แล้วจำนวนกรณีที่ได้รับมากกว่า แล้วรหัสสำนักงานที่น้อยกว่า")
    )
    regional = [row for row in ranking_rows if row[0] == "regional_office" and row[1] is not None]
    if regional:
        blocks.append(
            Chart(
                BarChart(
                    "ร้อยละของกรณีที่ยุติแล้ว สำนักงานศึกษาธิการภาค",
                    tuple("ภาค " + row[2].split(":")[1] for row in regional),
                    (Series("ยุติแล้ว", tuple(float(row[7] or 0) for row in regional)),),
                    percent=True,
                )
            )
        )
    for office_type, title in (
        ("provincial_office", "สำนักงานศึกษาธิการจังหวัด"),
        ("regional_office", "สำนักงานศึกษาธิการภาค"),
    ):
        ranked = [row for row in ranking_rows if row[0] == office_type and row[1] is not None]
        listed = ranked if len(ranked) <= 2 * RANKED_SHOWN else ranked[:RANKED_SHOWN] + ranked[-RANKED_SHOWN:]
        blocks.append(
            Paragraph(
                f"{title}: จัดอันดับ {len(ranked)} แห่ง"
                + (f" (แสดง {RANKED_SHOWN} อันดับแรกและสุดท้าย)" if len(listed) < len(ranked) else "")
            )
        )
        if not listed:
            continue
        rows = tuple(
            (
                str(row[1]),
                row[3],
                _number(row[4]),
                _number(row[5]),
                _number(row[6]),
                f"{row[7]:.1f}%",
                f"{row[8]:.1f}%",
            )
            for row in listed
        )
        blocks.append(
            Table(
                ("อันดับ", "สำนักงาน", "ได้รับ", "ยุติ", "ทันกำหนด", "ยุติ %", "ทัน %"),
                rows,
                (0.08, 0.4, 0.1, 0.1, 0.12, 0.1, 0.1),
                (True, False, True, True, True, True, True),
            )
        )
    return blocks


def write_ministry_report(connection, academic_year: int, term: int, out_dir: Path) -> list[Path]:
    """Write `report_<year>_<term>.html` and `.pdf` under `<out_dir>/report/`; return their paths."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parameters = counting.term_parameters(academic_year, term)

    change_rows = _rows(connection, "outputs/report_student_change.sql", parameters)
    if not change_rows:
        refresh_statistics(connection, academic_year, term)
        change_rows = _rows(connection, "outputs/report_student_change.sql", parameters)

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT agency, reason, rule_id, records FROM mart.budget_exclusion
            WHERE academic_year = %(academic_year)s AND term = %(term)s
            ORDER BY agency, reason, rule_id NULLS FIRST
            """,
            parameters,
        )
        exclusions = cursor.fetchall()
        cursor.execute(
            """
            SELECT office_type, rank, office_id, office_name_th, cases_received, cases_resolved,
                   cases_answered_on_time, 100 * resolved_share, 100 * on_time_share
            FROM mart.office_ranking
            WHERE academic_year = %(academic_year)s AND term = %(term)s
            ORDER BY office_type, rank NULLS LAST, office_id
            """,
            parameters,
        )
        ranking_rows = cursor.fetchall()
    connection.commit()

    blocks: list[Block] = [
        Paragraph(
            f"ข้อมูล ณ วันที่ {thai_date(parameters['as_of_date'])} "
            f"สำหรับคณะกรรมการบริหารข้อมูลสารสนเทศด้านการศึกษาและรัฐมนตรีว่าการกระทรวงศึกษาธิการ"
        ),
        *_totals_blocks(change_rows),
        *_quality_blocks(_rows(connection, "outputs/report_issues.sql", parameters), exclusions),
        *_duplicate_blocks(_rows(connection, "outputs/report_duplicate_cases.sql", parameters)),
        *_ranking_blocks(ranking_rows),
    ]

    title = f"รายงานข้อมูลการศึกษา ปีการศึกษา {academic_year} ภาคเรียนที่ {term}"
    html_path = folder / f"report_{academic_year}_{term}.html"
    pdf_path = folder / f"report_{academic_year}_{term}.pdf"
    html_path.write_text(render_html(title, blocks), encoding="utf-8")
    pdf_path.write_bytes(render_pdf(title, blocks, document_date=parameters["as_of_date"]))
    log.info("Ministry report for term %s of %s written to %s", term, academic_year, folder)
    return [html_path, pdf_path]
