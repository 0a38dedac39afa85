"""The teachers and other-personnel suites: each rule on a row that breaks it, and passing rows."""

from __future__ import annotations

import pytest

from tests.rules_data import SCHOOL_A, SCHOOL_B, UNLISTED_SCHOOL, ValidatedFile, thai_id, wrong_check_digit

REPEATED = thai_id(501)


def teacher(**changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "first_name": "สมศักดิ์",
        "last_name": "สอนดี",
        "gender": "F",
        "birth_date": "15/08/2520",
        "position": "ครู",
        "academic_standing": "ชำนาญการ",
    }
    row.update(changes)
    return row


def other_person(**changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "first_name": "มานะ",
        "last_name": "ขยัน",
        "gender": "M",
        "birth_date": "01/01/2530",
        "position": "นักการภารโรง",
        "employment_type": "ลูกจ้างประจำ",
    }
    row.update(changes)
    return row


TEACHER_CASES = [
    (2, teacher(personal_id=REPEATED), None),
    (3, teacher(school_code=""), ("school_code", "TCH-001", "error")),
    (4, teacher(personal_id=""), ("personal_id", "TCH-002", "error")),
    (5, teacher(first_name=""), ("first_name", "TCH-003", "error")),
    (6, teacher(last_name=""), ("last_name", "TCH-004", "error")),
    (7, teacher(gender="ชาย หญิง"), ("gender", "TCH-005", "error")),
    (8, teacher(gender=""), ("gender", "TCH-005", "error")),
    (9, teacher(birth_date=""), ("birth_date", "TCH-006", "error")),
    (10, teacher(birth_date="2520"), ("birth_date", "TCH-006", "error")),
    (11, teacher(position=""), ("position", "TCH-007", "error")),
    # Staff have no G codes.
    (12, teacher(personal_id="G256610000001"), ("personal_id", "TCH-010", "error")),
    (13, teacher(personal_id=wrong_check_digit(thai_id(502))), ("personal_id", "TCH-011", "error")),
    (14, teacher(school_code=UNLISTED_SCHOOL), ("school_code", "TCH-012", "error")),
    # The same person twice in one agency's file, even at another school.
    (15, teacher(personal_id=REPEATED, school_code=SCHOOL_B), ("personal_id", "TCH-014", "error")),
    (16, teacher(school_code=SCHOOL_B), None),
]

OTHER_CASES = [
    (2, other_person(personal_id=REPEATED), None),
    (3, other_person(school_code=""), ("school_code", "OTH-001", "error")),
    (4, other_person(personal_id=""), ("personal_id", "OTH-002", "error")),
    (5, other_person(first_name=""), ("first_name", "OTH-003", "error")),
    (6, other_person(last_name=""), ("last_name", "OTH-004", "error")),
    (7, other_person(gender="U"), ("gender", "OTH-005", "error")),
    # The birth date is optional: empty passes, a text that is no date does not.
    (8, other_person(birth_date=""), None),
    (9, other_person(birth_date="ไม่ทราบ"), ("birth_date", "OTH-006", "error")),
    (10, other_person(position=""), ("position", "OTH-007", "error")),
    (11, other_person(personal_id="1234567890123X"), ("personal_id", "OTH-010", "error")),
    (12, other_person(personal_id=wrong_check_digit(thai_id(503))), ("personal_id", "OTH-011", "error")),
    (13, other_person(school_code=UNLISTED_SCHOOL), ("school_code", "OTH-012", "error")),
    (14, other_person(personal_id=REPEATED, school_code=SCHOOL_B), ("personal_id", "OTH-014", "error")),
]


def _rows(cases: list) -> list[dict]:
    return [{"personal_id": thai_id(2000 + row), **values} for row, values, _ in cases]


@pytest.fixture(scope="module")
def teachers(warehouse_address, tmp_path_factory):
    result = ValidatedFile(
        warehouse_address, tmp_path_factory.mktemp("teachers"), "teachers", _rows(TEACHER_CASES)
    )
    yield result
    result.close()


@pytest.fixture(scope="module")
def other_personnel(warehouse_address, tmp_path_factory):
    result = ValidatedFile(
        warehouse_address, tmp_path_factory.mktemp("other"), "other_personnel", _rows(OTHER_CASES)
    )
    yield result
    result.close()


def _ids(cases):
    return [f"row{row}-{expected[1] if expected else 'clean'}" for row, _, expected in cases]


@pytest.mark.parametrize(
    ("row", "expected"), [(row, expected) for row, _, expected in TEACHER_CASES], ids=_ids(TEACHER_CASES)
)
def test_teacher_row_issues(teachers, row, expected):
    assert teachers.issues.get(row, set()) == ({expected} if expected else set())


@pytest.mark.parametrize(
    ("row", "expected"), [(row, expected) for row, _, expected in OTHER_CASES], ids=_ids(OTHER_CASES)
)
def test_other_personnel_row_issues(other_personnel, row, expected):
    assert other_personnel.issues.get(row, set()) == ({expected} if expected else set())


def test_staff_issue_totals(teachers, other_personnel):
    assert teachers.summary["issues_open"] == sum(1 for _, _, expected in TEACHER_CASES if expected)
    assert other_personnel.summary["issues_open"] == sum(1 for _, _, expected in OTHER_CASES if expected)
