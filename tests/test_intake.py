"""Submission intake: readers, receipts, versions and whole-file rejection, on a real PostgreSQL."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from exchange import calendar, intake
from exchange.landing import LandingFile

TERM = calendar.get_term(2566, 1)
WINDOW = TERM.step("submission_intake")
ON_TIME = dt.datetime(2023, 6, 20, 10, 0, tzinfo=calendar.BANGKOK)
LATE = dt.datetime(2023, 6, 28, 9, 0, tzinfo=calendar.BANGKOK)
AGENCIES = {"OBEC", "OPEC", "BMA", "DLA", "ONIE", "OVEC"}

HEADER = (
    "school_code,personal_id,prefix,first_name,last_name,gender,birth_date,grade,nationality,enrolment_date"
)
ROW_A = "1010000001,1103700012345,เด็กชาย,สมชาย,ใจดี,M,2016-03-02,ป.1,ไทย,2023-05-16"
ROW_B = "1010000001,1103700012353,เด็กหญิง,สมหญิง,ใจงาม,F,2015-01-20,ป.2,ไทย,2022-05-16"


def landing(path, agency="OBEC", dataset="students", modified=ON_TIME) -> LandingFile:
    return LandingFile(agency, dataset, str(path), f"{agency}/{path.name}", modified, path.stat().st_size)


def load(connection, path, **kwargs) -> intake.Receipt:
    return intake.load_submission(connection, landing(path, **kwargs), TERM, WINDOW, AGENCIES)


def rows(
    connection, submission_id, columns="source_row, personal_id, first_name, gender, birth_date_value, grade"
):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM core.students WHERE submission_id = %s ORDER BY source_row",
            (submission_id,),
        )
        return cursor.fetchall()


def receipt_row(connection, submission_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, rows, encoding, header_row, on_time, reason, supersedes FROM intake.submission "
            "WHERE submission_id = %s",
            (submission_id,),
        )
        return cursor.fetchone()


def test_utf8_csv_loads_with_spreadsheet_row_numbers(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n{ROW_B}\n", encoding="utf-8")
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert receipt.rows == 2
    assert rows(clean_warehouse, receipt.submission_id) == [
        (2, "1103700012345", "สมชาย", "M", dt.date(2016, 3, 2), "ป.1"),
        (3, "1103700012353", "สมหญิง", "F", dt.date(2015, 1, 20), "ป.2"),
    ]
    assert receipt_row(clean_warehouse, receipt.submission_id) == (
        "accepted",
        2,
        "utf-8",
        1,
        True,
        None,
        None,
    )


def test_bom_thai_headers_be_dates_thai_digits(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    header = "รหัสสถานศึกษา,เลขประจำตัวประชาชน,คำนำหน้าชื่อ,ชื่อ,นามสกุล,เพศ,วันเกิด,ชั้น"
    row = "1010000001,1-1037-00012-34-5,เด็กชาย,สม\u200bชาย ,ใจดี,ชาย,๒/๓/๒๕๕๙,ป. 1"
    path.write_bytes(("\ufeff" + header + "\n" + row + "\n").encode("utf-8"))
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert rows(clean_warehouse, receipt.submission_id) == [
        (2, "1103700012345", "สมชาย", "M", dt.date(2016, 3, 2), "ป.1")
    ]
    assert receipt_row(clean_warehouse, receipt.submission_id)[2] == "utf-8-sig"


def test_tis620_csv_is_read_and_recorded(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    header = "รหัสสถานศึกษา,เลขประจำตัวประชาชน,ชื่อ,นามสกุล,เพศ,วันเกิด,ชั้น"
    row = "1010000001,1103700012345,สมชาย,ใจดี,หญิง,10 มิ.ย. 2559,ป.1"
    path.write_bytes((header + "\r\n" + row + "\r\n").encode("cp874"))
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert rows(clean_warehouse, receipt.submission_id) == [
        (2, "1103700012345", "สมชาย", "F", dt.date(2016, 6, 10), "ป.1")
    ]
    assert receipt_row(clean_warehouse, receipt.submission_id)[2] == "cp874"


def test_xlsx_header_below_title_and_numeric_ids(clean_warehouse, tmp_path):
    path = tmp_path / "students.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "คำอธิบาย"
    notes.append(["แบบฟอร์มข้อมูลนักเรียน"])
    sheet = workbook.create_sheet("นักเรียน")
    sheet.append(["ข้อมูลนักเรียน ภาคเรียนที่ 1/2566"])
    sheet.append([])
    sheet.append(["รหัสสถานศึกษา", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "ชั้น"])
    sheet.append(["1010000001", 1103700012345, "สมชาย", "ใจดี", "M", dt.datetime(2016, 3, 2), "ป.1"])
    sheet.append(["1010000001", 1103700012353.0, "สมหญิง", "ใจงาม", "F", "20/01/2558", "ป.2"])
    sheet.append(["1010000001", "1.10370001234E+12", "สมศรี", "ใจงาม", "F", "2558-01-20", "ป.2"])
    sheet.append([1010000001, 63700012345, "สมใจ", "ใจงาม", "F", "2558-01-20", "ป.2"])
    workbook.save(path)
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert rows(clean_warehouse, receipt.submission_id) == [
        (4, "1103700012345", "สมชาย", "M", dt.date(2016, 3, 2), "ป.1"),
        (5, "1103700012353", "สมหญิง", "F", dt.date(2015, 1, 20), "ป.2"),
        # Digits lost to scientific notation cannot be recovered; the ID format rule rejects the cell.
        (6, "1.10370001234E+12", "สมศรี", "F", dt.date(2015, 1, 20), "ป.2"),
        # An ID starting with 0, stored as a number, gets its leading zeros back.
        (7, "0063700012345", "สมใจ", "F", dt.date(2015, 1, 20), "ป.2"),
    ]
    assert receipt_row(clean_warehouse, receipt.submission_id)[2:4] == ("xlsx", 3)


def test_same_file_twice_is_a_no_op(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    first = load(clean_warehouse, path)
    second = load(clean_warehouse, path)
    assert second.submission_id == first.submission_id
    assert second.unchanged
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM intake.submission")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM core.students")
        assert cursor.fetchone()[0] == 1


def test_new_version_supersedes_and_old_stays_queryable(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    first = load(clean_warehouse, path)
    path.write_text(f"{HEADER}\n{ROW_A}\n{ROW_B}\n", encoding="utf-8")
    second = load(clean_warehouse, path)
    assert receipt_row(clean_warehouse, first.submission_id)[0] == "superseded"
    assert receipt_row(clean_warehouse, second.submission_id)[0] == "accepted"
    assert receipt_row(clean_warehouse, second.submission_id)[6] == first.submission_id
    assert len(rows(clean_warehouse, first.submission_id)) == 1
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core.current_students")
        assert cursor.fetchone()[0] == 2


@pytest.mark.parametrize(
    ("content", "expected_reason"),
    [
        (b"", "OBEC/students.csv: the file is empty"),
        (HEADER.encode() + b"\n", "OBEC/students.csv: the file has a header but no data rows"),
        (
            b"school_code,first_name,last_name\n1010000001,a,b\n",
            "OBEC/students.csv: required column missing for the students dataset: "
            "personal_id (เลขประจำตัวประชาชน), gender (เพศ), birth_date (วันเกิด), grade (ชั้น)",
        ),
        (
            f"{HEADER}\n{ROW_A},extra\n".encode(),
            "OBEC/students.csv row 2: extra data after last expected column",
        ),
        (
            f"{HEADER}\n{ROW_A}\n".encode() + b"\x00",
            "OBEC/students.csv: the file contains a NUL byte; it is not a text CSV file",
        ),
        (
            b"school_code\n\xff\xfe\xdb\n",
            "OBEC/students.csv: the file is neither UTF-8 nor TIS-620 (cp874) text; save it as UTF-8 CSV",
        ),
    ],
)
def test_rejected_file_keeps_previous_version(clean_warehouse, tmp_path, content, expected_reason):
    good = tmp_path / "students.csv"
    good.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    accepted = load(clean_warehouse, good)
    good.write_bytes(content)
    rejected = load(clean_warehouse, good)
    assert rejected.status == "rejected"
    assert rejected.reason == expected_reason
    assert receipt_row(clean_warehouse, accepted.submission_id)[0] == "accepted"
    assert len(rows(clean_warehouse, accepted.submission_id)) == 1
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core.students")
        assert cursor.fetchone()[0] == 1


def test_unknown_agency_is_rejected(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    receipt = load(clean_warehouse, path, agency="XYZ")
    assert receipt.status == "rejected"
    assert receipt.reason.startswith("XYZ/students.csv: unknown agency 'XYZ'; expected one of BMA, DLA")


def test_late_file_is_accepted_and_marked_late(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    receipt = load(clean_warehouse, path, modified=LATE)
    assert receipt.status == "accepted"
    assert receipt.on_time is False


def test_late_file_rejected_when_configured(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    receipt = intake.load_submission(
        clean_warehouse, landing(path, modified=LATE), TERM, WINDOW, AGENCIES, reject_late=True
    )
    assert receipt.status == "rejected"
    assert (
        receipt.reason == "OBEC/students.csv: received 2023-06-28 09:00 after the window closed on 2023-06-25"
    )


def test_error_messages_hold_no_personal_values(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n{ROW_B},x\n", encoding="utf-8")
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert "1103700012353" not in receipt.reason
    assert "สมหญิง" not in receipt.reason
