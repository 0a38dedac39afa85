"""Correction packages: only the agency's own issues, personal values masked, no formulas."""

from __future__ import annotations

import csv
import zipfile

import openpyxl
import pytest
from exchange.rules import validate_term, write_correction_packages

from tests.rules_data import SCHOOL_A, load, schools_file, thai_id, write_csv, wrong_check_digit

OBEC_ID = wrong_check_digit(thai_id(11))
OPEC_ID = wrong_check_digit(thai_id(12))
OPEC_SCHOOL = "1110000001"


def student(personal_id: str, **changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "personal_id": personal_id,
        "first_name": "อนุชา",
        "last_name": "ทองดี",
        "gender": "M",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    }
    row.update(changes)
    return row


@pytest.fixture
def packages(clean_warehouse, warehouse_address, tmp_path, monkeypatch):
    monkeypatch.setenv("EXCHANGE_OUTPUT_ROOT", str(tmp_path / "output"))
    connection = clean_warehouse
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    load(connection, schools_file(tmp_path / "opec_schools.csv", [OPEC_SCHOOL]), "schools", "OPEC")
    obec_rows = [
        student(OBEC_ID),
        student("=SUM(1+2)"),
        student(thai_id(14), grade="=1+2"),
        student(thai_id(15), birth_date="31/02/2559"),
        student(thai_id(16), last_name=""),
    ]
    load(connection, write_csv(tmp_path / "obec.csv", "students", obec_rows), "students")
    opec_rows = [student(OPEC_ID, school_code=OPEC_SCHOOL, first_name="วิไลวรรณ")]
    load(connection, write_csv(tmp_path / "opec.csv", "students", opec_rows), "students", "OPEC")
    validate_term(connection, warehouse_address, 2566, 1)
    paths = write_correction_packages(connection, 2566, 1, tmp_path / "output" / "2566" / "1")
    return {path.name: path for path in paths}


def _sheet_rows(path, title):
    workbook = openpyxl.load_workbook(path)
    return [[cell for cell in row] for row in workbook[title].iter_rows(min_row=2)]


def test_one_package_pair_per_agency(packages):
    assert sorted(packages) == ["OBEC.csv", "OBEC.xlsx", "OPEC.csv", "OPEC.xlsx"]
    assert all(path.parent.name == "corrections" for path in packages.values())


def test_package_holds_only_own_issues(packages):
    rows = _sheet_rows(packages["OBEC.xlsx"], "ข้อมูลนักเรียน นักศึกษา")
    assert {row[0].value for row in rows} == {"OBEC/obec.csv"}
    assert [(row[1].value, row[3].value, row[5].value) for row in rows] == [
        (2, "personal_id", "STU-011"),
        (3, "personal_id", "STU-010"),
        (4, "grade", "STU-007"),
        (5, "birth_date", "STU-006"),
        (6, "last_name", "STU-004"),
    ]
    opec = _sheet_rows(packages["OPEC.xlsx"], "ข้อมูลนักเรียน นักศึกษา")
    assert [(row[0].value, row[1].value, row[5].value) for row in opec] == [("OPEC/opec.csv", 2, "STU-011")]


def test_personal_values_masked(packages):
    rows = _sheet_rows(packages["OBEC.xlsx"], "ข้อมูลนักเรียน นักศึกษา")
    shown = {(row[3].value, row[5].value): row[4].value for row in rows}
    assert shown[("personal_id", "STU-011")] == f"{OBEC_ID[0]}-xxxx-xxxxx-xx-{OBEC_ID[-1]}"
    assert shown[("personal_id", "STU-010")] == "'=xxxxxxx)"
    assert shown[("birth_date", "STU-006")] == "2559"
    assert shown[("last_name", "STU-004")] is None
    texts = []
    for path in packages.values():
        if path.suffix == ".csv":
            texts.append(path.read_text(encoding="utf-8-sig"))
        else:
            with zipfile.ZipFile(path) as archive:
                texts.extend(archive.read(name).decode("utf-8") for name in archive.namelist())
    everything = "\n".join(texts)
    for personal in (OBEC_ID, OPEC_ID, "อนุชา", "ทองดี", "วิไลวรรณ", "SUM(1+2)", "31/02"):
        assert personal not in everything


def test_formula_values_stored_as_text(packages):
    rows = _sheet_rows(packages["OBEC.xlsx"], "ข้อมูลนักเรียน นักศึกษา")
    grade = next(row[4] for row in rows if row[3].value == "grade")
    assert grade.data_type == "s"
    assert grade.value == "'=1+2"
    with packages["OBEC.csv"].open(encoding="utf-8-sig", newline="") as handle:
        values = [row[5] for row in csv.reader(handle)][1:]
    assert "'=1+2" in values
    assert "=1+2" not in values


def test_summary_sheet_counts(packages):
    workbook = openpyxl.load_workbook(packages["OBEC.xlsx"])
    assert workbook.sheetnames == ["สรุป", "ข้อมูลนักเรียน นักศึกษา"]
    summary = [tuple(cell.value for cell in row) for row in workbook["สรุป"].iter_rows(min_row=2)]
    assert [(row[0], row[2], row[3], row[5]) for row in summary] == [
        ("ข้อมูลนักเรียน นักศึกษา", "STU-004", "ข้อผิดพลาด (ต้องแก้)", 1),
        ("ข้อมูลนักเรียน นักศึกษา", "STU-006", "ข้อผิดพลาด (ต้องแก้)", 1),
        ("ข้อมูลนักเรียน นักศึกษา", "STU-007", "ข้อผิดพลาด (ต้องแก้)", 1),
        ("ข้อมูลนักเรียน นักศึกษา", "STU-010", "ข้อผิดพลาด (ต้องแก้)", 1),
        ("ข้อมูลนักเรียน นักศึกษา", "STU-011", "ข้อผิดพลาด (ต้องแก้)", 1),
    ]


def test_agency_without_issues_gets_empty_package(clean_warehouse, warehouse_address, tmp_path, monkeypatch):
    monkeypatch.setenv("EXCHANGE_OUTPUT_ROOT", str(tmp_path / "output"))
    load(clean_warehouse, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools", "OBEC")
    validate_term(clean_warehouse, warehouse_address, 2566, 1)
    paths = write_correction_packages(clean_warehouse, 2566, 1, tmp_path / "out")
    workbook = openpyxl.load_workbook(paths[0])
    assert workbook.sheetnames == ["สรุป"]
    assert workbook["สรุป"]["A2"].value == "ไม่มีรายการที่ต้องแก้ไขในภาคเรียนนี้"
    assert workbook["สรุป"]["F2"].value == 0
