"""The statistics yearbook: a PDF with a cover, table of contents, tables and charts that renders,
and its tables as XLSX, from the mart of one term."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest
from exchange.documents import refresh_area_statistics, write_yearbook
from exchange.documents.yearbook import yearbook_blocks
from exchange.documents.yearbook_data import YearbookDataMissing, load_yearbook_data
from exchange.outputs.report_blocks import Chart, Heading, Table
from openpyxl import load_workbook
from PIL import Image

from tests.outputs_data import TermData, thai_id


@pytest.fixture
def yearbook(clean_warehouse, tmp_path):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1050000001", "โรงเรียนเชียงใหม่", "50")
    data.school("OPEC", "1110000002", "โรงเรียนเอกชนกรุงเทพ", "10")
    for serial in range(1, 40):
        data.student("OBEC", "1050000001", thai_id(serial), gender="M" if serial % 2 else "F")
    for serial in range(40, 52):
        data.student("OPEC", "1110000002", thai_id(serial), grade="ม.1", birth_date="2010-02-01")
    data.student("OPEC", "1110000002", thai_id(60), grade="ปวช.1", birth_date="2007-02-01")
    for serial in range(900, 906):
        data.teacher("OBEC", "1050000001", thai_id(serial))
    refresh_area_statistics(clean_warehouse, 2566, 1)
    manifest = write_yearbook(clean_warehouse, 2566, tmp_path)
    return manifest, tmp_path / "yearbook" / "yearbook_2566.pdf", tmp_path / "yearbook" / "yearbook_2566.xlsx"


def _page_count(pdf: bytes) -> int:
    [count] = re.findall(rb"/Count (\d+)\n/Kids", pdf)
    return int(count)


def test_yearbook_has_chapters_tables_and_charts(clean_warehouse, yearbook):
    manifest, _, _ = yearbook
    assert manifest["tables"] == 9
    assert manifest["charts"] == 5
    blocks = yearbook_blocks(load_yearbook_data(clean_warehouse, 2566, 1))
    chapters = [block.text for block in blocks if isinstance(block, Heading) and block.level == 1]
    assert chapters == [
        "บทที่ 1 ภาพรวมระดับประเทศ",
        "บทที่ 2 ระดับภาคและเขตตรวจราชการ",
        "บทที่ 3 ระดับจังหวัด",
        "หมายเหตุ",
    ]
    level_gender = next(block for block in blocks if isinstance(block, Table))
    assert level_gender.header == ("ระดับการศึกษา", "ชาย", "หญิง", "รวม")
    # ป.1: 20 boys, 19 girls; ม.1: 12 boys; ปวช.1: one boy, suppressed with what protects it.
    rows = {row[0]: row for row in level_gender.rows}
    assert rows["ปวช."] == ("ปวช.", "[c]", "0", "[c]")
    assert rows["รวม"][2:] == ("19", "52")
    columns = list(zip(*level_gender.rows, strict=True))[1:]
    for line in [*level_gender.rows, *columns]:
        assert list(line).count("[c]") != 1, line
    assert sum(isinstance(block, Chart) for block in blocks) == 5


def test_yearbook_pdf_structure(yearbook):
    _, pdf_path, _ = yearbook
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    pages = _page_count(pdf)
    assert pages >= 6  # cover, contents, three chapters, notes
    assert len(re.findall(rb"/Type /Page\n", pdf)) == pages
    xref_at = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    for number, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", pdf[xref_at:]), start=1):
        assert pdf[int(offset) :].startswith(f"{number} 0 obj".encode())
    # The outline (bookmarks) lists the chapters, and contents entries link to their pages.
    assert b"/Outlines" in pdf
    titles = [
        bytes.fromhex(hex_text.decode()).decode("utf-16")
        for hex_text in re.findall(rb"/Title <([0-9a-f]+)>", pdf)
    ]
    assert "บทที่ 3 ระดับจังหวัด" in titles
    assert "2.3 นักเรียนจำแนกตามเขตตรวจราชการและระดับการศึกษา" in titles
    assert len(re.findall(rb"/Subtype /Link", pdf)) >= 10
    # Charts are drawn as filled rectangles in the page content streams.
    streams = [
        zlib.decompress(body)
        for body in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S)
        if body[:2] in (b"x\x9c", b"x\xda")
    ]
    assert sum(stream.count(b" re f") for stream in streams) >= 10


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_yearbook_pages_render(yearbook, tmp_path):
    _, pdf_path, _ = yearbook
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf_path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == _page_count(pdf_path.read_bytes())
    for page in pages:
        low, high = Image.open(page).convert("L").getextrema()
        assert low < 100 < high, f"{page.name} is blank"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_yearbook_text_has_contents_and_tables(yearbook):
    _, pdf_path, _ = yearbook
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "สารบัญ" in text
    assert "สถิติการศึกษา ปีการศึกษา 2566" in text
    assert "เขตตรวจราชการที่ 15" in text
    assert "เชียงใหม่" in text


def test_yearbook_xlsx_tables(yearbook):
    _, _, xlsx_path = yearbook
    workbook = load_workbook(xlsx_path, read_only=True)
    assert workbook.sheetnames == [
        "ระดับและเพศ",
        "สังกัดและระดับ",
        "ภาค",
        "เขตตรวจราชการ",
        "จังหวัด",
        "สถานศึกษาและครู",
    ]
    provinces = {row[0]: row for row in workbook["จังหวัด"].iter_rows(values_only=True)}
    assert provinces["50"][1] == "เชียงใหม่"
    assert provinces["50"][-1] == 39
    assert provinces["total"][-1] == 52


def test_yearbook_needs_statistics(clean_warehouse, tmp_path):
    with pytest.raises(YearbookDataMissing, match="no statistics for term 1 of 2565"):
        write_yearbook(clean_warehouse, 2565, tmp_path)
