"""Formula safety: text from the agencies' and offices' files that starts with = + - @ (or a tab or
carriage return) reaches the files people open (work packages, correction packages, office
reports, budget files, ranking, open data) only as text.

The agencies' school names, grades, genders and nationalities and the offices' answer notes carry
formula payloads; every produced XLSX cell must be a value, never a formula, and no text cell
of an XLSX or CSV file may start with a formula character unless an apostrophe protects it.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import psycopg2
import pytest
from exchange import documents, duplicates
from exchange.generate.answers import simulate_answers

from tests.reliability_support import Pipeline, generated_term, scratch_warehouse, steps_after, steps_before

pytestmark = pytest.mark.slow

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SCHOOL_NAME_PAYLOADS = [
    '=HYPERLINK("http://example.invalid","x") ',
    "+66 ",
    "-2+3 ",
    "@SUM(1,1) ",
    "\t=1+1 ",
    "\r=1+1 ",
]
GRADE_PAYLOADS = ["=1+1", "+1", "@A1"]
NOTE_PAYLOADS = ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1)", "\t=2+2"]


def rewrite_csv(path: Path, change) -> None:
    """Apply `change(header, row)` to every data row of a generated CSV file, keeping its mtime."""
    stat = path.stat()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    for number, row in enumerate(rows):
        change(header, row, number)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def poison_landing(source: Path, target: Path) -> None:
    shutil.copytree(source, target)
    term_dir = target / "2566" / "1"

    def school(header, row, number):
        column = header.index("school_name")
        row[column] = SCHOOL_NAME_PAYLOADS[number % len(SCHOOL_NAME_PAYLOADS)] + row[column]

    def student(header, row, number):
        if number % 40 == 0:
            row[header.index("grade")] = GRADE_PAYLOADS[number // 40 % len(GRADE_PAYLOADS)]
        if number % 40 == 13:
            row[header.index("gender")] = "-F"
        if number % 40 == 27:
            row[header.index("nationality")] = "=ไทย"

    for path in sorted(term_dir.glob("*/schools.csv")):
        rewrite_csv(path, school)
    for path in sorted(term_dir.glob("*/students.csv")):
        rewrite_csv(path, student)


def answer_with_notes(pipeline: Pipeline, connection) -> dict:
    """Simulate the offices' answers, with a formula payload in every answered row's note."""
    simulate_answers(
        pipeline.term_dir / "work_packages",
        pipeline.answers_dir,
        7,
        pipeline.window("duplicate_verification"),
    )

    def note(header, row, number):
        if row[header.index("ผลการตรวจสอบ")]:
            row[header.index("หมายเหตุ")] = NOTE_PAYLOADS[number % len(NOTE_PAYLOADS)]

    for path in sorted(pipeline.answers_dir.glob("*.csv")):
        rewrite_csv(path, note)
    return duplicates.import_answers(connection, pipeline.academic_year, pipeline.term, pipeline.answers_dir)


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def unsafe_cells(folder: Path) -> tuple[list[str], Counter]:
    """Return the cells that a spreadsheet could read as a formula, and the protected text cells
    per formula character."""
    unsafe: list[str] = []
    protected: Counter = Counter()
    for path in sorted(folder.rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    where = f"{path.relative_to(folder)} {sheet.title}!{cell.coordinate}"
                    if cell.data_type == "f":
                        unsafe.append(f"{where}: formula {cell.value!r}")
                    elif isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
                        unsafe.append(f"{where}: text {cell.value!r}")
                    elif (
                        isinstance(cell.value, str) and cell.value[1:2] in TRIGGERS and cell.value[:1] == "'"
                    ):
                        protected[cell.value[1]] += 1
    for path in sorted(folder.rglob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                for text in row:
                    if text.startswith(TRIGGERS) and not is_number(text):
                        unsafe.append(f"{path.relative_to(folder)} row {number}: {text!r}")
                    elif text[1:2] in TRIGGERS and text[:1] == "'":
                        protected[text[1]] += 1
    return unsafe, protected


def write_documents(pipeline: Pipeline, connection) -> None:
    """Write the agencies' summaries, the area open data and the yearbook, which show school names.

    The schools' summaries go through the same writer as the agencies' (summary_render), and
    writing one for each of a term's hundreds of schools takes minutes, so they are left out.
    """
    year, term, folder = pipeline.academic_year, pipeline.term, pipeline.term_dir
    documents.write_agency_summaries(
        connection, year, term, folder, at=pipeline.window("agency_summary").window_end
    )
    documents.refresh_area_statistics(connection, year, term)
    documents.publish_area_open_data(connection, year, term, folder)
    documents.write_yearbook(connection, year, folder, term=term)


def test_formula_text_reaches_outputs_only_as_text(tmp_path):
    landing = tmp_path / "landing"
    poison_landing(generated_term(formats="plain"), landing)
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, tmp_path / "output")
        pipeline.run(*steps_before("answers"))
        connection = psycopg2.connect(address.dsn())
        try:
            summary = answer_with_notes(pipeline, connection)
            assert summary["rows_accepted"] > 0
            pipeline.run(*steps_after("answers"), "work_packages")
            write_documents(pipeline, connection)
        finally:
            connection.close()

        unsafe, protected = unsafe_cells(pipeline.term_dir)
        assert unsafe == []
        # The payloads did reach the files (tabs and carriage returns are trimmed at intake).
        assert {"=", "+", "-", "@"} <= set(protected), protected
        written = {path.relative_to(pipeline.term_dir).parts[0] for path in pipeline.term_dir.rglob("*.xlsx")}
        assert {"work_packages", "corrections", "office_reports", "budget", "ranking", "summaries"} <= written
