"""The ministry report: HTML with charts, a PDF with pages and Thai text, and its building blocks."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
import uharfbuzz
from exchange.outputs import rank_offices, write_ministry_report
from exchange.outputs.fonts import REGULAR
from fontTools.ttLib import TTFont

from tests.outputs_data import BANGKOK, TermData, thai_id


@pytest.fixture
def report_files(clean_warehouse, tmp_path):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1010000001", "โรงเรียนบ้านเอ", "10")
    data.school("OPEC", "1150000002", "โรงเรียนเอกชนบี", "50")
    for serial in range(1, 8):
        data.student("OBEC", "1010000001", thai_id(serial))
    first = data.student("OPEC", "1150000002", thai_id(100))
    second = data.student("OBEC", "1010000001", thai_id(100))
    data.issue(data.student("OPEC", "1150000002", "99"), "STU-010", "personal_id")
    data.issue(first, "STU-013", "grade", severity="query")
    case_id = data.duplicate_case(
        "exact",
        thai_id(100),
        [(*first, "1150000002", "OPEC"), (*second, "1010000001", "OBEC")],
        level="national",
    )
    data.route(case_id, "regional_office:1")
    data.route(case_id, "regional_office:15")
    data.answer(case_id, "1010000001", "regional_office:1", dt.datetime(2023, 8, 10, tzinfo=BANGKOK))
    rank_offices(clean_warehouse, 2566, 1, tmp_path)
    return write_ministry_report(clean_warehouse, 2566, 1, tmp_path)


def test_report_writes_html_and_pdf(report_files, tmp_path):
    assert [path.relative_to(tmp_path).as_posix() for path in report_files] == [
        "report/report_2566_1.html",
        "report/report_2566_1.pdf",
    ]


def test_report_html_contains_charts(report_files):
    page = report_files[0].read_text(encoding="utf-8")
    assert page.count("<svg") == 4  # students by agency, issues, duplicates, regional ranking
    assert "รายงานข้อมูลการศึกษา ปีการศึกษา 2566 ภาคเรียนที่ 1" in page
    assert "10 มิถุนายน 2566" in page
    assert "STU-010" in page
    assert "ภาค 1" in page
    assert "@font-face" in page


def test_report_pdf_has_pages_and_fonts(report_files):
    pdf = report_files[1].read_bytes()
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    [page_count] = re.findall(rb"/Count (\d+)\n/Kids", pdf)
    assert int(page_count) >= 1
    assert len(re.findall(rb"/Type /Page\n", pdf)) == int(page_count)
    # Every offset in the cross-reference table points at the object it names.
    xref_at = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    offsets = re.findall(rb"(\d{10}) 00000 n", pdf[xref_at:])
    for number, offset in enumerate(offsets, start=1):
        assert pdf[int(offset) :].startswith(f"{number} 0 obj".encode())
    # Both weights of Sarabun are embedded (as subsets), with ToUnicode maps for searchable text.
    assert len(re.findall(rb"/BaseFont /[A-Z]{6}\+Sarabun\n", pdf)) >= 1
    assert len(re.findall(rb"/BaseFont /[A-Z]{6}\+SarabunBold\n", pdf)) >= 1
    assert b"/ToUnicode" in pdf


def test_report_pdf_is_byte_identical_again(clean_warehouse, report_files, tmp_path):
    first = report_files[1].read_bytes()
    again = write_ministry_report(clean_warehouse, 2566, 1, tmp_path / "again")
    assert again[1].read_bytes() == first


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_report_pdf_text_is_thai(report_files):
    text = subprocess.run(
        ["pdftotext", str(report_files[1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ปีการศึกษา 2566 ภาคเรียนที่ 1" in text
    assert "STU-010" in text


def _shaped_glyph_names(text: str) -> list[str]:
    font_bytes = REGULAR.read_bytes()
    face = uharfbuzz.Face(font_bytes)
    font = uharfbuzz.Font(face)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {})
    order = TTFont(REGULAR, lazy=True).getGlyphOrder()
    return [order[info.codepoint] for info in buffer.glyph_infos]


def test_shaping_raises_tone_over_upper_vowel():
    # The PDF writer shapes with HarfBuzz: over ี the tone mark takes Sarabun's raised form.
    assert _shaped_glyph_names("ที่") == ["uni0E17", "uni0E35", "uni0E48.small"]


def test_shaping_moves_marks_off_tall_consonant():
    names = _shaped_glyph_names("ปี่")
    assert names[1] == "uni0E35.narrow"
    assert names[2] == "uni0E48.small"
