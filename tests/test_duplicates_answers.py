"""Work packages, answer import, escalation, committee decisions and office reports."""

from __future__ import annotations

import csv
import datetime as dt
import os

import openpyxl
import pytest
from exchange.calendar import get_term
from exchange.duplicates import (
    decide,
    detect_term,
    escalate,
    import_answers,
    route_term,
    write_office_reports,
    write_work_packages,
)
from exchange.duplicates.packages import HEADER

from tests.duplicates_data import TERM, YEAR, TermData, case_of, query, thai_id

CASE_ID, SCHOOL_CODE, ANSWER, NOTE = (
    HEADER.index(title) for title in ("รหัสกรณี", "รหัสสถานศึกษา", "ผลการตรวจสอบ", "หมายเหตุ")
)
WINDOW = get_term(YEAR, TERM).step("duplicate_verification")


@pytest.fixture
def routed_term(clean_warehouse, tmp_path):
    """Three routed cases: one inside Bangkok (10), one across Bangkok and Samut Prakan (11) in
    region 1, and one across regions 1, 2 and 15."""
    data = TermData(clean_warehouse)
    data.schools()
    for school in ("1010000001", "1010000002"):
        data.student(school, thai_id(21))
    for school in ("1010000001", "1111000003"):
        data.student(school, thai_id(22), first_name="สมหญิง", gender="F")
    for school in ("1010000001", "1014000004", "3050000005"):
        data.student(school, thai_id(23))
    detect_term(clean_warehouse, YEAR, TERM)
    route_term(clean_warehouse, YEAR, TERM)
    return {
        "province": case_of(clean_warehouse, ["1010000001", "1010000002"]),
        "region": case_of(clean_warehouse, ["1010000001", "1111000003"]),
        "national": case_of(clean_warehouse, ["1010000001", "1014000004", "3050000005"]),
        "ids": [thai_id(21), thai_id(22), thai_id(23)],
        "data": data,
    }


def read_package(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def answer_file(packages, answers_dir, office_file: str, answers: dict, extra_rows: list[list[str]] = ()):
    """Copy an office's CSV work package into answers_dir with answers filled in:
    answers maps (case_id, school_code) to the answer text."""
    rows = read_package(packages / f"{office_file}.csv")
    for row in rows[1:]:
        row[ANSWER] = answers.get((int(row[CASE_ID]), row[SCHOOL_CODE]), "")
    rows.extend(extra_rows)
    answers_dir.mkdir(exist_ok=True)
    path = answers_dir / f"{office_file}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    moment = (WINDOW.window_start + dt.timedelta(days=3)).timestamp()
    os.utime(path, (moment, moment))
    return path


def status(connection, case_id: int) -> tuple:
    return query(
        connection,
        "SELECT status, confirmed_school_code, escalation_reason FROM dedup.duplicate_case "
        "WHERE case_id = %s",
        (case_id,),
    )[0]


def test_packages_hold_only_own_cases(routed_term, connection, tmp_path):
    paths = write_work_packages(connection, YEAR, TERM, tmp_path)
    names = sorted(path.name for path in paths)
    assert "provincial_office-10.xlsx" in names
    assert "provincial_office-14.csv" not in names
    expected_cases = {
        "provincial_office-10": {routed_term["province"], routed_term["region"]},
        "provincial_office-11": {routed_term["region"]},
        "regional_office-1": {routed_term["region"], routed_term["national"]},
        "regional_office-15": {routed_term["national"]},
        "agency-OPEC": {routed_term["region"]},
        "ict_centre": {routed_term["province"], routed_term["region"], routed_term["national"]},
    }
    for stem, cases in expected_cases.items():
        rows = read_package(tmp_path / "work_packages" / f"{stem}.csv")
        assert rows[0] == HEADER
        assert {int(row[CASE_ID]) for row in rows[1:]} == cases, stem


def test_packages_never_hold_full_id(routed_term, connection, tmp_path):
    paths = write_work_packages(connection, YEAR, TERM, tmp_path)
    for path in paths:
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
        else:
            book = openpyxl.load_workbook(path, read_only=True)
            text = "\n".join(
                str(cell)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
            )
            book.close()
        for personal_id in routed_term["ids"]:
            assert personal_id not in text, path.name
        assert "ใจดี" not in text
        assert "2016-03-01" not in text
    rows = read_package(tmp_path / "work_packages" / "provincial_office-10.csv")
    masked = HEADER.index("เลขประจำตัว (ปิดบัง)")
    assert {row[masked] for row in rows[1:]} == {
        f"1-xxxx-xxxxx-xx-{pid[-1]}" for pid in routed_term["ids"][:2]
    }
    assert rows[1][HEADER.index("เดือนปีเกิด (พ.ศ.)")] == "03/2559"


def test_packages_are_formula_safe(clean_warehouse, connection, tmp_path):
    data = TermData(clean_warehouse)
    data._insert(
        "OBEC",
        "schools",
        {
            "school_code": "1010000007",
            "school_name": '=HYPERLINK("http://x")',
            "affiliation_code": "10",
            "province_code": "10",
        },
    )
    data.student("1010000007", thai_id(30), first_name="@SUM(A1)")
    data.student("1010000008", thai_id(30))
    detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    write_work_packages(connection, YEAR, TERM, tmp_path)
    rows = read_package(tmp_path / "work_packages" / "provincial_office-10.csv")
    school_name = HEADER.index("ชื่อสถานศึกษา")
    assert '\'=HYPERLINK("http://x")' in [row[school_name] for row in rows]
    book = openpyxl.load_workbook(tmp_path / "work_packages" / "provincial_office-10.xlsx")
    sheet = book.worksheets[0]
    cells = [row[school_name] for row in sheet.iter_rows(min_row=2)]
    formula_cells = [cell for cell in cells if str(cell.value).startswith("'=")]
    assert len(formula_cells) == 1
    assert formula_cells[0].data_type == "s"
    assert all(
        cell.data_type == "s"
        for row in sheet.iter_rows(min_row=2)
        for cell in row[SCHOOL_CODE : SCHOOL_CODE + 1]
    )


@pytest.mark.parametrize(
    "other_answer", ["201", "202 สำเร็จการศึกษา", "ย้ายหรือออกจากสถานศึกษา", "unreachable", "205", "other"]
)
def test_one_studying_resolves_case(routed_term, connection, tmp_path, other_answer):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    case_id = routed_term["province"]
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(case_id, "1010000001"): "100 กำลังศึกษาอยู่", (case_id, "1010000002"): other_answer},
    )
    result = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert result["errors"] == []
    assert result["rows_accepted"] == 2
    assert status(connection, case_id) == ("resolved", "1010000001", None)
    assert query(
        connection,
        "SELECT actor, from_status, to_status FROM dedup.case_event WHERE case_id = %s ORDER BY event_id",
        (case_id,),
    ) == [("ict_centre", None, "open"), ("provincial_office:10", "open", "resolved")]


def test_partial_answer_marks_answered(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    case_id = routed_term["region"]
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(case_id, "1010000001"): "100"},
    )
    import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert status(connection, case_id) == ("answered", None, None)
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers2",
        "provincial_office-11",
        {(case_id, "1111000003"): "201"},
    )
    import_answers(connection, YEAR, TERM, tmp_path / "answers2")
    assert status(connection, case_id) == ("resolved", "1010000001", None)


def test_reimport_same_file_changes_nothing(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    case_id = routed_term["province"]
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(case_id, "1010000001"): "100", (case_id, "1010000002"): "201"},
    )
    import_answers(connection, YEAR, TERM, tmp_path / "answers")
    again = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert again["rows_accepted"] == 0
    assert again["rows_unchanged"] == 2
    assert query(connection, "SELECT count(*) FROM dedup.case_answer") == [(2,)]


def test_bad_rows_rejected_valid_kept(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    province, region, national = routed_term["province"], routed_term["region"], routed_term["national"]
    blank = [""] * len(HEADER)

    def row(case_id, school_code, answer):
        values = list(blank)
        values[CASE_ID], values[SCHOOL_CODE], values[ANSWER] = str(case_id), school_code, answer
        return values

    path = answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(province, "1010000001"): "100", (province, "1010000002"): "201"},
        extra_rows=[
            row(999999, "1010000001", "100"),
            row(province, "1014000004", "100"),
            row(region, "1010000001", "yes"),
            row(national, "1010000001", "100"),
            row(region, "1111000003", "100"),
        ],
    )
    rows = len(read_package(path))
    result = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    name = "provincial_office-10.csv"
    assert result["errors"] == [
        f"{name} row {rows - 4}, column รหัสกรณี (case_id): case 999999 not found in term 1 of 2566; "
        "copy the case id from the work package",
        f"{name} row {rows - 3}, column รหัสสถานศึกษา (school_code): school 1014000004 is not part of "
        f"case {province}",
        f"{name} row {rows - 2}, column ผลการตรวจสอบ (answer): invalid answer 'yes'; expected a code 100 or "
        "201-206 or its Thai label, for example 100 กำลังศึกษาอยู่",
        f"{name} row {rows - 1}, column รหัสกรณี (case_id): case {national} was not sent to "
        "provincial_office:10; an office may answer only the cases in its own work package",
        f"{name} row {rows}, column รหัสสถานศึกษา (school_code): school 1111000003 of case {region} is "
        "outside the area of provincial_office:10; the office of that school's area answers for it",
    ]
    assert result["rows_rejected"] == 5
    assert result["rows_accepted"] == 2
    assert status(connection, province) == ("resolved", "1010000001", None)
    assert query(
        connection, "SELECT case_id, school_code, answer_code FROM dedup.case_answer ORDER BY answer_id"
    ) == [(province, "1010000001", 100), (province, "1010000002", 201)]


def test_xlsx_answers_import(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    case_id = routed_term["national"]
    source = tmp_path / "work_packages" / "regional_office-2.xlsx"
    book = openpyxl.load_workbook(source)
    sheet = book.worksheets[0]
    for cells in sheet.iter_rows(min_row=2):
        if cells[SCHOOL_CODE].value == "1014000004":
            cells[ANSWER].value = "100 กำลังศึกษาอยู่"
            cells[NOTE].value = "'=พบตัวที่โรงเรียน"  # protected as a work package writes it
    (tmp_path / "answers").mkdir()
    book.save(tmp_path / "answers" / "regional_office-2.xlsx")
    result = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert result["errors"] == []
    assert query(
        connection,
        "SELECT school_code, answer_code, note, answered_by FROM dedup.case_answer WHERE case_id = %s",
        (case_id,),
    ) == [("1014000004", 100, "=พบตัวที่โรงเรียน", "regional_office:2")]


def test_unnamed_answer_file_rejected(routed_term, connection, tmp_path):
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "answers.csv").write_text("รหัสกรณี,รหัสสถานศึกษา,ผลการตรวจสอบ\n", encoding="utf-8")
    result = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert result["errors"] == [
        "answers.csv: the file name names no office; name it as its work package, "
        "for example provincial_office-10.xlsx"
    ]


def test_escalation_two_studying_and_no_answer(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    province, region = routed_term["province"], routed_term["region"]
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(province, "1010000001"): "100", (province, "1010000002"): "100"},
    )
    import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert status(connection, province) == ("answered", None, None)
    with pytest.raises(ValueError, match="too early"):
        escalate(connection, YEAR, TERM, WINDOW.window_end - dt.timedelta(hours=1))
    result = escalate(connection, YEAR, TERM, WINDOW.window_end)
    assert result["by_reason"] == {"several_schools_studying": 1, "no_answer": 2}
    assert status(connection, province) == ("escalated", None, "several_schools_studying")
    assert status(connection, region) == ("escalated", None, "no_answer")
    committees = "SELECT committee_id FROM dedup.case_committee WHERE case_id = %s ORDER BY committee_id"
    assert query(connection, committees, (province,)) == [("provincial_committee:10",)]
    assert query(connection, committees, (region,)) == [
        ("provincial_committee:10",),
        ("provincial_committee:11",),
    ]
    paths = write_work_packages(connection, YEAR, TERM, tmp_path / "after")
    assert tmp_path / "after" / "work_packages" / "provincial_committee-11.csv" in paths

    with pytest.raises(ValueError, match="school 1014000004 is not part of case"):
        decide(connection, province, "1014000004", "provincial_committee:10")
    with pytest.raises(ValueError, match="not provincial_committee:11"):
        decide(connection, province, "1010000002", "provincial_committee:11")
    decision = decide(connection, province, "1010000002", "provincial_committee:10")
    assert decision["status"] == "decided"
    assert status(connection, province) == ("decided", "1010000002", "several_schools_studying")
    assert query(
        connection,
        "SELECT actor, from_status, to_status FROM dedup.case_event WHERE case_id = %s ORDER BY event_id",
        (province,),
    ) == [
        ("ict_centre", None, "open"),
        ("provincial_office:10", "open", "answered"),
        ("ict_centre", "answered", "escalated"),
        ("provincial_committee:10", "escalated", "decided"),
    ]
    with pytest.raises(ValueError, match="is decided"):
        decide(connection, province, "1010000001", "provincial_committee:10")


def test_office_reports_count_on_time(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    province, region = routed_term["province"], routed_term["region"]
    answer_file(
        tmp_path / "work_packages",
        tmp_path / "answers",
        "provincial_office-10",
        {(province, "1010000001"): "100", (province, "1010000002"): "201", (region, "1010000001"): "100"},
    )
    import_answers(connection, YEAR, TERM, tmp_path / "answers")
    late = answer_file(
        tmp_path / "work_packages", tmp_path / "late", "provincial_office-11", {(region, "1111000003"): "203"}
    )
    moment = (WINDOW.window_end + dt.timedelta(days=1)).timestamp()
    os.utime(late, (moment, moment))
    import_answers(connection, YEAR, TERM, tmp_path / "late")
    paths = write_office_reports(connection, YEAR, TERM, tmp_path)
    report = (
        "SELECT cases_received, cases_answered, cases_answered_on_time, cases_resolved, cases_escalated "
        "FROM dedup.office_report WHERE office_id = %s"
    )
    assert query(connection, report, ("provincial_office:10",)) == [(2, 2, 2, 2, 0)]
    assert query(connection, report, ("provincial_office:11",)) == [(1, 1, 0, 1, 0)]
    assert query(connection, report, ("regional_office:1",)) == [(2, 0, 0, 1, 0)]
    assert query(connection, report, ("provincial_office:50",)) == [(0, 0, 0, 0, 0)]
    assert query(connection, "SELECT count(*) FROM dedup.office_report") == [(77 + 18,)]
    rows = read_package(tmp_path / "office_reports" / "regional_office-1.csv")
    assert [row[0] for row in rows[1:]] == [
        "regional_office:1",
        "provincial_office:10",
        "provincial_office:11",
        "provincial_office:12",
        "provincial_office:13",
        "provincial_office:73",
    ]
    assert tmp_path / "office_reports" / "ict_centre.xlsx" in paths
    assert len(read_package(tmp_path / "office_reports" / "provincial_office-50.csv")) == 2


def test_answer_codes_match_warehouse(connection):
    from exchange.duplicates.labels import ANSWERS

    assert query(
        connection,
        "SELECT answer_code, answer_key, label_th, label_en FROM reference.duplicate_answer "
        "ORDER BY answer_code",
    ) == list(ANSWERS)


def test_stale_packages_removed(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    assert (tmp_path / "work_packages" / "regional_office-15.csv").exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core.students WHERE school_code IN ('1014000004', '3050000005')")
    connection.commit()
    detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    paths = write_work_packages(connection, YEAR, TERM, tmp_path)
    assert status(connection, routed_term["national"]) == ("closed", None, None)
    assert not (tmp_path / "work_packages" / "regional_office-15.csv").exists()
    assert not (tmp_path / "work_packages" / "agency-DLA.xlsx").exists()
    remaining = sorted(path.name for path in (tmp_path / "work_packages").iterdir())
    assert remaining == sorted(path.name for path in paths)


def test_new_school_reopens_resolved_case(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    case_id = routed_term["province"]
    answer_file(tmp_path / "work_packages", tmp_path / "answers", "provincial_office-10",
                {(case_id, "1010000001"): "100", (case_id, "1010000002"): "203"})
    import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert status(connection, case_id) == ("resolved", "1010000001", None)
    routed_term["data"].student("1111000003", thai_id(21))
    detect_term(connection, YEAR, TERM)
    assert status(connection, case_id) == ("answered", None, None)
    assert query(connection, "SELECT level FROM dedup.duplicate_case WHERE case_id = %s", (case_id,)) == [("region",)]


def test_missing_case_and_school_rejected(routed_term, connection, tmp_path):
    write_work_packages(connection, YEAR, TERM, tmp_path)
    missing_case = [""] * len(HEADER)
    missing_case[SCHOOL_CODE], missing_case[ANSWER] = "1010000001", "100"
    missing_school = [""] * len(HEADER)
    missing_school[CASE_ID], missing_school[ANSWER] = str(routed_term["province"]), "201"
    path = answer_file(tmp_path / "work_packages", tmp_path / "answers", "provincial_office-10", {},
                       extra_rows=[missing_case, missing_school])
    rows = len(read_package(path))
    result = import_answers(connection, YEAR, TERM, tmp_path / "answers")
    assert result["errors"] == [
        f"provincial_office-10.csv row {rows - 1}, column รหัสกรณี (case_id): missing case id; "
        "copy it from the work package",
        f"provincial_office-10.csv row {rows}, column รหัสสถานศึกษา (school_code): missing school code; "
        "copy it from the work package",
    ]
    assert result["rows_accepted"] == 0
