"""`exchange check`: the school's pre-check gives the warehouse's findings for the same file."""

from __future__ import annotations

import json

import openpyxl
import psycopg2
import pytest
from exchange import cli, warehouse
from exchange.rules import validate_submission
from exchange.rules.gx_runner import GreatExpectationsRunner

from tests.rules_data import SCHOOL_A, load, open_issues, schools_file, thai_id, write_csv, wrong_check_digit

ROWS = [
    {
        "school_code": SCHOOL_A,
        "personal_id": thai_id(1),
        "first_name": "ดวงใจ",
        "last_name": "ดี",
        "gender": "F",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    },
    {
        "school_code": SCHOOL_A,
        "personal_id": wrong_check_digit(thai_id(2)),
        "first_name": "ก้อง",
        "last_name": "ดี",
        "gender": "M",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    },
    {
        "school_code": SCHOOL_A,
        "personal_id": thai_id(3),
        "first_name": "",
        "last_name": "ดี",
        "gender": "M",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    },
    {
        "school_code": SCHOOL_A,
        "personal_id": thai_id(1),
        "first_name": "ดวงใจ",
        "last_name": "ดี",
        "gender": "F",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    },
    {
        "school_code": SCHOOL_A,
        "personal_id": thai_id(5),
        "first_name": "ภูมิ",
        "last_name": "ดี",
        "gender": "M",
        "birth_date": "10/01/2551",
        "grade": "ป.1",
    },
]


def _check(capsys, *arguments) -> tuple[int, list[dict], str]:
    status = cli.main(["check", *map(str, arguments)])
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.startswith("{")]
    return status, lines, captured.err


def _check_databases() -> set[str]:
    admin = warehouse.start_embedded_server()
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'exchange_check_%'")
            return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_check_matches_warehouse_run(clean_warehouse, warehouse_address, tmp_path, capsys):
    path = write_csv(tmp_path / "students.csv", "students", ROWS)
    status, lines, _ = _check(
        capsys, path, "--dataset", "students", "--year", 2566, "--term", 1, "--format", "json"
    )
    load(clean_warehouse, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    submission_id = load(clean_warehouse, path, "students")
    validate_submission(
        clean_warehouse,
        warehouse_address,
        submission_id,
        runner=GreatExpectationsRunner(warehouse_address, tmp_path / "docs"),
    )
    in_warehouse = {
        (row, *issue) for row, found in open_issues(clean_warehouse, submission_id).items() for issue in found
    }
    in_check = {(line["row"], line["column"], line["rule_id"], line["severity"]) for line in lines}
    assert status == 1
    assert in_check == in_warehouse
    assert in_check == {
        (3, "personal_id", "STU-011", "error"),
        (4, "first_name", "STU-003", "error"),
        (5, "personal_id", "STU-014", "error"),
        (6, "grade", "STU-013", "query"),
    }
    assert {line["file"] for line in lines} == {"students.csv"}


def test_check_rows_as_xlsx_numbers_them(tmp_path, capsys):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ข้อมูลนักเรียน ภาคเรียนที่ 1/2566"])
    sheet.append([])
    sheet.append(["รหัสสถานศึกษา", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "ชั้น"])
    sheet.append([SCHOOL_A, thai_id(1), "ดวงใจ", "ดี", "หญิง", "02/03/2559", "ป.1"])
    sheet.append([SCHOOL_A, thai_id(2), "ก้อง", "", "ชาย", "02/03/2559", "ป.1"])
    workbook.save(tmp_path / "students.xlsx")
    status, lines, errors = _check(
        capsys, tmp_path / "students.xlsx", "--dataset", "students", "--year", 2566, "--format", "json"
    )
    assert status == 1
    assert [(line["row"], line["column"], line["rule_id"]) for line in lines] == [(5, "last_name", "STU-004")]
    assert "STU-012" in errors


def test_check_clean_file_exits_zero(tmp_path, capsys):
    path = write_csv(tmp_path / "students.csv", "students", [ROWS[0], ROWS[4]])
    status, lines, _ = _check(capsys, path, "--dataset", "students", "--year", 2566, "--format", "json")
    # A query (the age rule) does not make the check fail.
    assert status == 0
    assert [line["rule_id"] for line in lines] == ["STU-013"]


def test_check_unreadable_file_exits_two(tmp_path, capsys):
    path = tmp_path / "students.csv"
    path.write_text("name,age\nสมชาย,7\n", encoding="utf-8")
    status, lines, errors = _check(capsys, path, "--dataset", "students", "--year", 2566)
    assert status == 2
    assert lines == []
    assert "no header row names a column" in errors


def test_check_missing_file_exits_two(tmp_path, capsys):
    status, _, errors = _check(capsys, tmp_path / "absent.csv", "--dataset", "students")
    assert status == 2
    assert "file not found" in errors


def test_check_drops_its_database(tmp_path, capsys):
    before = _check_databases()
    path = write_csv(tmp_path / "students.csv", "students", ROWS[:1])
    _check(capsys, path, "--dataset", "students", "--year", 2566)
    assert _check_databases() == before


@pytest.mark.parametrize(("agency", "expected"), [("OBEC", {"SCH-011"}), (None, set())])
def test_check_schools_affiliation_needs_agency(tmp_path, capsys, agency, expected):
    path = write_csv(
        tmp_path / "schools.csv",
        "schools",
        [
            {
                "school_code": "1110000001",
                "school_name": "โรงเรียนเอกชน",
                "affiliation_code": "11",
                "province_code": "10",
            },
        ],
    )
    arguments = [path, "--dataset", "schools", "--year", 2566, "--format", "json"]
    status, lines, _ = _check(capsys, *arguments, *(["--agency", agency] if agency else []))
    assert {line["rule_id"] for line in lines} == expected
    assert status == (1 if expected else 0)
