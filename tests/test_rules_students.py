"""The students suite: each rule on a row that breaks it, and rows that pass every rule.

The rule ids are fixed by the data generator's ground truth. The file is loaded through the real
intake path, so `row` is the row number a spreadsheet shows (header on row 1).
"""

from __future__ import annotations

import pytest

from tests.rules_data import SCHOOL_A, SCHOOL_B, UNLISTED_SCHOOL, ValidatedFile, thai_id, wrong_check_digit

FIRST = thai_id(1)


TYPED = thai_id(23)


def student(**changes) -> dict:
    """Return a student row that passes every rule, with `changes` applied (no personal_id yet)."""
    row = {
        "school_code": SCHOOL_A,
        "prefix": "เด็กชาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
        "gender": "M",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
        "nationality": "ไทย",
    }
    row.update(changes)
    return row


# (row as the spreadsheet numbers it, the row's values, the one issue expected or None)
CASES = [
    (2, student(personal_id=FIRST), None),
    (3, student(school_code=""), ("school_code", "STU-001", "error")),
    (4, student(personal_id=""), ("personal_id", "STU-002", "error")),
    (5, student(first_name=""), ("first_name", "STU-003", "error")),
    (6, student(last_name=""), ("last_name", "STU-004", "error")),
    (7, student(gender=""), ("gender", "STU-005", "error")),
    (8, student(gender="X"), ("gender", "STU-005", "error")),
    (9, student(birth_date=""), ("birth_date", "STU-006", "error")),
    (10, student(birth_date="31/02/2559"), ("birth_date", "STU-006", "error")),
    (11, student(grade=""), ("grade", "STU-007", "error")),
    # An unknown grade with an age no grade fits: STU-013 is skipped, only STU-007 fires.
    (12, student(grade="ป.9", birth_date="01/01/2540"), ("grade", "STU-007", "error")),
    (13, student(personal_id="12345"), ("personal_id", "STU-010", "error")),
    (14, student(personal_id="G12345"), ("personal_id", "STU-010", "error")),
    # Twelve digits: a format error, and no check digit to test.
    (15, student(personal_id="110370001234"), ("personal_id", "STU-010", "error")),
    (16, student(personal_id=wrong_check_digit(thai_id(7))), ("personal_id", "STU-011", "error")),
    (17, student(school_code=UNLISTED_SCHOOL), ("school_code", "STU-012", "error")),
    # Born 2008: 15 on 16 May 2023, outside ป.1's 5 to 9.
    (18, student(birth_date="10/01/2551"), ("grade", "STU-013", "query")),
    (19, student(personal_id=FIRST, first_name="สมศรี"), ("personal_id", "STU-014", "error")),
    # A G code has no check digit and passes.
    (20, student(personal_id="G256610000001"), None),
    # The same child at another school is a duplicate case, not a rule failure.
    (21, student(personal_id=FIRST, school_code=SCHOOL_B), None),
    # A missing birth date reports STU-006 only: the age rule is skipped.
    (22, student(birth_date="", grade="ม.6"), ("birth_date", "STU-006", "error")),
    # Thai digits, dashes and a Buddhist Era date are cleaned at intake and pass.
    (
        23,
        student(
            personal_id=f"๑-{TYPED[1:5]}-{TYPED[5:10]}-{TYPED[10:12]}-{TYPED[12]}", birth_date="๒/๓/๒๕๕๙"
        ),
        None,
    ),
    # Age 5 on the reference date: the lowest age ป.1 accepts.
    (24, student(birth_date="16/05/2561"), None),
    # One day younger than 5 on the reference date.
    (25, student(birth_date="17/05/2561"), ("grade", "STU-013", "query")),
    # Nine, one day before turning ten: the highest age ป.1 accepts.
    (26, student(birth_date="17/05/2556"), None),
    (27, student(birth_date="16/05/2556"), ("grade", "STU-013", "query")),
]


@pytest.fixture(scope="module")
def validated(warehouse_address, tmp_path_factory):
    # Rows that do not set a personal ID get a valid one of their own.
    rows = [{"personal_id": thai_id(1000 + row), **values} for row, values, _ in CASES]
    result = ValidatedFile(warehouse_address, tmp_path_factory.mktemp("students"), "students", rows)
    yield result
    result.close()


@pytest.mark.parametrize(
    ("row", "expected"),
    [(row, expected) for row, _, expected in CASES],
    ids=[f"row{row}-{expected[1] if expected else 'clean'}" for row, _, expected in CASES],
)
def test_student_row_issues(validated, row, expected):
    assert validated.issues.get(row, set()) == ({expected} if expected else set())


def test_students_no_issue_outside_cases(validated):
    assert set(validated.issues) <= {row for row, _, _ in CASES}


def test_students_run_summary(validated):
    faults = sum(1 for _, _, expected in CASES if expected)
    assert validated.summary["rows"] == len(CASES)
    assert validated.summary["issues_open"] == faults
    assert validated.summary["expectations_evaluated"] == 14
    assert validated.summary["success"] is False


def test_every_student_rule_is_exercised(validated):
    rules = {expected[1] for _, _, expected in CASES if expected}
    assert rules == {f"STU-{number:03d}" for number in (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14)}
