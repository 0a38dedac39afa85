"""The annual education statistics of the previous academic year (term 1 step 25): one PDF in Thai
with a table of contents, national, regional and provincial tables and charts, and its tables as
an XLSX workbook, under `<out_dir>/yearbook/`.

The yearbook reads the mart: mart.student_statistic, mart.school_size and the area statistics of
the year's term 1, the count as of 10 June. It computes nothing from the individual records.
Counts of students are suppressed as in the open data (see yearbook_data.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

from exchange.documents.thai import thai_date
from exchange.documents.yearbook_data import YearbookData, load_yearbook_data, shown_ratio
from exchange.outputs.charts import BarChart, Series
from exchange.outputs.files import file_entry, write_xlsx_workbook
from exchange.outputs.open_data import SUPPRESSED_MARK
from exchange.outputs.pdf_render import render_pdf
from exchange.outputs.report_blocks import Block, Chart, Heading, Paragraph, Table
from exchange.outputs.suppression import TOTAL, SuppressedTable

log = logging.getLogger(__name__)

FOLDER = "yearbook"
SHORT_LEVEL = {
    "pre_primary": "ก่อนประถม",
    "primary": "ประถม",
    "lower_secondary": "ม.ต้น",
    "upper_secondary": "ม.ปลาย",
    "vocational": "ปวช.",
    "higher_vocational": "ปวส.",
    "non_formal": "กศน.",
    "unknown": "ไม่ทราบ",
}
GENDER_TH = {"M": "ชาย", "F": "หญิง", "unknown": "ไม่ระบุ", TOTAL: "รวม"}
TOP_PROVINCES = 20


def _cell(value) -> str:
    if value is None:
        return SUPPRESSED_MARK
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _grid(result: SuppressedTable, label) -> tuple[list[str], list[list]]:
    """Return the header and rows of a suppressed table, totals last, labels from `label(key)`."""
    table = result.table
    columns = [*table.column_keys, TOTAL]
    rows = [
        [label(row), *(result.published(row, column) for column in columns)]
        for row in [*table.row_keys, TOTAL]
    ]
    return columns, rows


def _table_block(
    first_header: str, columns: list[str], rows: list[list], column_label, first_width=0.22
) -> Table:
    width = (1 - first_width) / len(columns)
    return Table(
        (first_header, *(column_label(column) for column in columns)),
        tuple((str(row[0]), *(_cell(value) for value in row[1:])) for row in rows),
        (first_width, *([width] * len(columns))),
        (False, *([True] * len(columns))),
    )


def _bar(title: str, pairs: list[tuple[str, object]], percent: bool = False) -> Chart:
    published = [(name, float(value)) for name, value in pairs if value is not None]
    return Chart(
        BarChart(
            title,
            tuple(name for name, _ in published),
            (Series(title, tuple(value for _, value in published)),),
            percent=percent,
        )
    )


def _level(key: str) -> str:
    return SHORT_LEVEL.get(key, key)


def _national(data: YearbookData) -> list[Block]:
    national = data.school_row("national", "all")
    total = data.level_gender.published(TOTAL, TOTAL)
    summary = f"นักเรียนทั้งหมด (นับคนละหนึ่งครั้ง) {_cell(total)} คน"
    if national:
        _, _, schools, _, small, staffed, teachers, ratio = national
        summary += f" สถานศึกษา {schools:,} แห่ง (ขนาดเล็ก {small:,} แห่ง)"
        published_ratio = shown_ratio(staffed, teachers, ratio)
        if published_ratio is not None:
            summary += f" ครู {teachers:,} คน นักเรียนต่อครู {published_ratio} คน"
    columns, rows = _grid(data.level_gender, lambda key: "รวม" if key == TOTAL else _level(key))
    agency_columns, agency_rows = _grid(data.agency_level, lambda key: "รวม" if key == TOTAL else key)
    return [
        Heading("บทที่ 1 ภาพรวมระดับประเทศ", 1),
        Paragraph(summary),
        Heading("1.1 นักเรียนจำแนกตามระดับการศึกษาและเพศ"),
        _table_block("ระดับการศึกษา", columns, rows, lambda key: GENDER_TH.get(key, key), 0.4),
        _bar("นักเรียนจำแนกตามระดับการศึกษา", [(row[0], row[-1]) for row in rows[:-1]]),
        Heading("1.2 นักเรียนจำแนกตามสังกัดและระดับการศึกษา"),
        _table_block(
            "สังกัด", agency_columns, agency_rows, lambda key: "รวม" if key == TOTAL else _level(key), 0.12
        ),
        Paragraph(
            " ".join(
                f"{code} = {data.agency_names.get(code, code)}" for code in data.agency_level.table.row_keys
            )
        ),
        _bar("นักเรียนจำแนกตามสังกัด", [(row[0], row[-1]) for row in agency_rows[:-1]]),
        Heading("1.3 สถานศึกษาจำแนกตามขนาด"),
        Table(
            ("ขนาด", "สถานศึกษา", "นักเรียน"),
            tuple(
                (label, f"{schools:,}", f"{students:,}")
                for _, label, schools, students in data.schools_by_band
            ),
            (0.5, 0.25, 0.25),
            (False, True, True),
        ),
    ]


def _school_table(data: YearbookData, area_type: str, codes: list[str]) -> Table:
    rows = []
    for code in codes:
        row = data.school_row(area_type, code)
        if row is None:
            continue
        _, _, schools, empty, small, staffed, teachers, ratio = row
        published_ratio = shown_ratio(staffed, teachers, ratio)
        rows.append(
            (
                data.names.get((area_type, code), code),
                f"{schools:,}",
                f"{small:,}",
                f"{empty:,}",
                _cell(teachers if published_ratio is not None else None),
                _cell(published_ratio),
            )
        )
    return Table(
        ("พื้นที่", "สถานศึกษา", "ขนาดเล็ก", "ไม่มีนักเรียน", "ครู", "นักเรียนต่อครู"),
        tuple(rows),
        (0.36, 0.13, 0.13, 0.13, 0.12, 0.13),
        (False, True, True, True, True, True),
    )


def _areas(data: YearbookData) -> list[Block]:
    def name(area_type):
        return lambda key: "รวมทั้งประเทศ" if key == TOTAL else data.names.get((area_type, key), key)

    region_columns, region_rows = _grid(data.region_level, name("region"))
    zone_columns, zone_rows = _grid(data.zone_level, name("inspection_zone"))
    regions = data.region_level.table.row_keys
    ratios = []
    for code in regions:
        row = data.school_row("region", code)
        if row is not None:
            ratios.append((f"ภาค {code}", shown_ratio(row[5], row[6], row[7])))
    return [
        Heading("บทที่ 2 ระดับภาคและเขตตรวจราชการ", 1),
        Heading("2.1 นักเรียนจำแนกตามภาคและระดับการศึกษา"),
        _table_block(
            "ภาค", region_columns, region_rows, lambda key: "รวม" if key == TOTAL else _level(key), 0.28
        ),
        _bar(
            "นักเรียนจำแนกตามภาค",
            [(f"ภาค {code}", row[-1]) for code, row in zip(regions, region_rows, strict=False)],
        ),
        Heading("2.2 สถานศึกษาและครูจำแนกตามภาค"),
        _school_table(data, "region", list(regions)),
        _bar("นักเรียนต่อครูจำแนกตามภาค", ratios),
        Heading("2.3 นักเรียนจำแนกตามเขตตรวจราชการและระดับการศึกษา"),
        _table_block(
            "เขตตรวจราชการ", zone_columns, zone_rows, lambda key: "รวม" if key == TOTAL else _level(key), 0.28
        ),
        Heading("2.4 สถานศึกษาและครูจำแนกตามเขตตรวจราชการ"),
        _school_table(data, "inspection_zone", list(data.zone_level.table.row_keys)),
    ]


def _provinces(data: YearbookData) -> list[Block]:
    def name(key):
        return "รวมทั้งประเทศ" if key == TOTAL else data.names.get(("province", key), key)

    columns, rows = _grid(data.province_level, name)
    codes = data.province_level.table.row_keys
    totals = [(name(code), row[-1]) for code, row in zip(codes, rows, strict=False) if row[-1]]
    largest = sorted(totals, key=lambda pair: -pair[1])[:TOP_PROVINCES]
    return [
        Heading("บทที่ 3 ระดับจังหวัด", 1),
        Heading("3.1 นักเรียนจำแนกตามจังหวัดและระดับการศึกษา"),
        _table_block("จังหวัด", columns, rows, lambda key: "รวม" if key == TOTAL else _level(key), 0.24),
        Heading("3.2 สถานศึกษาและครูจำแนกตามจังหวัด"),
        _school_table(data, "province", list(codes)),
        Heading(f"3.3 จังหวัดที่มีนักเรียนมากที่สุด {TOP_PROVINCES} จังหวัด"),
        _bar(f"นักเรียนใน {TOP_PROVINCES} จังหวัดที่มีนักเรียนมากที่สุด", largest),
    ]


def yearbook_blocks(data: YearbookData) -> list[Block]:
    """Return the yearbook's chapters: national, regions and inspection zones, provinces, notes."""
    return [
        *_national(data),
        *_areas(data),
        *_provinces(data),
        Heading("หมายเหตุ", 1),
        Paragraph(
            "นักเรียนนับคนละหนึ่งครั้ง จากระเบียนที่ไม่มีข้อผิดพลาดและเข้าเรียนไม่เกินวันที่ข้อมูล "
            "เด็กที่มีชื่อในสถานศึกษามากกว่าหนึ่งแห่งนับ ณ สถานศึกษาที่ยืนยันแล้ว"
        ),
        Paragraph(
            f"จำนวน 1 ถึง 4 คนแสดงเป็น {SUPPRESSED_MARK} และปกปิดเพิ่มอีกอย่างน้อยหนึ่งช่องในแถวและสดมภ์เดียวกัน "
            "เพื่อไม่ให้คำนวณย้อนกลับได้ ยอดรวมเป็นยอดจริง นักเรียนต่อครูแสดงเมื่อมีนักเรียนและครูอย่างละ 5 คนขึ้นไป"
        ),
    ]


def _sheets(data: YearbookData) -> list[tuple[str, list[str], list[list]]]:
    sheets = []
    for title, result, kind in (
        ("ระดับและเพศ", data.level_gender, None),
        ("สังกัดและระดับ", data.agency_level, None),
        ("ภาค", data.region_level, "region"),
        ("เขตตรวจราชการ", data.zone_level, "inspection_zone"),
        ("จังหวัด", data.province_level, "province"),
    ):
        columns, rows = _grid(result, lambda key: key)
        header = ["รหัส", *(["ชื่อ"] if kind else []), *columns]
        sheet_rows = []
        for row in rows:
            key = row[0]
            names = [data.names.get((kind, key), "รวมทั้งประเทศ" if key == TOTAL else "")] if kind else []
            sheet_rows.append(
                [key, *names, *(SUPPRESSED_MARK if value is None else value for value in row[1:])]
            )
        sheets.append((title, header, sheet_rows))
    school_header = ["area_type", "area_code", "ชื่อ", "สถานศึกษา", "ไม่มีนักเรียน", "ขนาดเล็ก", "นักเรียนต่อครู"]
    school_rows = [
        [
            area_type,
            code,
            data.names.get((area_type, code), ""),
            schools,
            empty,
            small,
            shown_ratio(staffed, teachers, ratio),
        ]
        for area_type, code, schools, empty, small, staffed, teachers, ratio in data.school_rows
    ]
    sheets.append(("สถานศึกษาและครู", school_header, school_rows))
    return sheets


def write_yearbook(connection, academic_year: int, out_dir: Path, term: int = 1) -> dict:
    """Write `yearbook_<year>.pdf` and `.xlsx` under `<out_dir>/yearbook/` for `academic_year`
    (the previous year of the run) from that year's term statistics; return a manifest.

    Raises YearbookDataMissing when the mart has no statistics for that term.
    """
    data = load_yearbook_data(connection, academic_year, term)
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    title = f"สถิติการศึกษา ปีการศึกษา {academic_year}"
    subtitle = "กระทรวงศึกษาธิการ ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร"
    if data.as_of_date:
        subtitle += f"\nข้อมูล ณ วันที่ {thai_date(data.as_of_date)} (ภาคเรียนที่ {term})"
    blocks = yearbook_blocks(data)
    pdf_path = folder / f"yearbook_{academic_year}.pdf"
    pdf_path.write_bytes(
        render_pdf(title, blocks, subtitle=subtitle, contents=True, document_date=data.as_of_date)
    )
    xlsx_path = folder / f"yearbook_{academic_year}.xlsx"
    sheets = _sheets(data)
    counts = write_xlsx_workbook(xlsx_path, sheets, data.as_of_date or dt.date(dt.MINYEAR, 1, 1))
    manifest = {
        "academic_year": academic_year,
        "term": term,
        "files": [
            file_entry(pdf_path, Path(out_dir), len(blocks)),
            file_entry(xlsx_path, Path(out_dir), sum(counts)),
        ],
        "charts": sum(isinstance(block, Chart) for block in blocks),
        "tables": sum(isinstance(block, Table) for block in blocks),
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log.info(
        "Yearbook of %s written to %s: %s tables, %s charts",
        academic_year,
        folder,
        manifest["tables"],
        manifest["charts"],
    )
    return manifest
