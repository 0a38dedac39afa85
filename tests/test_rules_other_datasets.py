"""The graduates, curricula, academic-results and land suites: each rule on a breaking row."""

from __future__ import annotations

import pytest

from tests.rules_data import SCHOOL_A, SCHOOL_B, UNLISTED_SCHOOL, ValidatedFile, thai_id, wrong_check_digit

REPEATED = thai_id(601)


def graduate(**changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "first_name": "วิภา",
        "last_name": "เรียนจบ",
        "gender": "F",
        "birth_date": "05/06/2553",
        "grade_completed": "ป.6",
        "graduation_year": "2565",
    }
    row.update(changes)
    return row


def curriculum(**changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "curriculum_code": "C-01",
        "curriculum_name": "หลักสูตรแกนกลาง",
        "education_level": "ประถมศึกษา",
        "programme_type": "ปกติ",
    }
    row.update(changes)
    return row


def result(**changes) -> dict:
    row = {"school_code": SCHOOL_A, "result_year": "2565", "grade": "ป.5", "gpa": "3.25"}
    row.update(changes)
    return row


def parcel(**changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "deed_type": "โฉนด",
        "deed_number": "12345",
        "area_rai": "5",
        "area_ngan": "2",
        "area_square_wa": "45.5",
        "ownership": "กรมธนารักษ์",
    }
    row.update(changes)
    return row


GRADUATE_CASES = [
    (2, graduate(personal_id=REPEATED), None),
    (3, graduate(school_code=""), ("school_code", "GRD-001", "error")),
    (4, graduate(personal_id=""), ("personal_id", "GRD-002", "error")),
    (5, graduate(first_name=""), ("first_name", "GRD-003", "error")),
    (6, graduate(last_name=""), ("last_name", "GRD-004", "error")),
    (7, graduate(gender="2"), None),
    (8, graduate(gender="Q"), ("gender", "GRD-005", "error")),
    (9, graduate(birth_date="32/13/2553"), ("birth_date", "GRD-006", "error")),
    (10, graduate(birth_date=""), None),
    (11, graduate(grade_completed=""), ("grade_completed", "GRD-007", "error")),
    (12, graduate(grade_completed="ป.7"), ("grade_completed", "GRD-007", "error")),
    (13, graduate(graduation_year=""), ("graduation_year", "GRD-008", "error")),
    (14, graduate(personal_id="G25661"), ("personal_id", "GRD-010", "error")),
    (15, graduate(personal_id=wrong_check_digit(thai_id(602))), ("personal_id", "GRD-011", "error")),
    (16, graduate(school_code=UNLISTED_SCHOOL), ("school_code", "GRD-012", "error")),
    (17, graduate(personal_id=REPEATED), ("personal_id", "GRD-014", "error")),
    (18, graduate(graduation_year="2564"), ("graduation_year", "GRD-015", "error")),
    (19, graduate(graduation_year="25x5"), ("graduation_year", "GRD-015", "error")),
    (20, graduate(personal_id=REPEATED, school_code=SCHOOL_B), None),
]

CURRICULUM_CASES = [
    (2, curriculum(), None),
    (3, curriculum(school_code="", curriculum_code="C-02"), ("school_code", "CUR-001", "error")),
    (4, curriculum(curriculum_code=""), ("curriculum_code", "CUR-002", "error")),
    (5, curriculum(curriculum_code="C-03", curriculum_name=""), ("curriculum_name", "CUR-003", "error")),
    (6, curriculum(curriculum_code="C-04", education_level=""), ("education_level", "CUR-004", "error")),
    (7, curriculum(curriculum_code="C-05", school_code=UNLISTED_SCHOOL), ("school_code", "CUR-012", "error")),
    (8, curriculum(curriculum_name="หลักสูตรซ้ำ"), ("curriculum_code", "CUR-014", "error")),
    (9, curriculum(school_code=SCHOOL_B), None),
]

RESULT_CASES = [
    (2, result(personal_id=REPEATED), None),
    (3, result(school_code=""), ("school_code", "RES-001", "error")),
    (4, result(personal_id=""), ("personal_id", "RES-002", "error")),
    (5, result(result_year=""), ("result_year", "RES-003", "error")),
    (6, result(grade=""), ("grade", "RES-004", "error")),
    (7, result(grade="ป.0"), ("grade", "RES-004", "error")),
    (8, result(personal_id="1234"), ("personal_id", "RES-010", "error")),
    (9, result(personal_id=wrong_check_digit(thai_id(603))), ("personal_id", "RES-011", "error")),
    (10, result(school_code=UNLISTED_SCHOOL), ("school_code", "RES-012", "error")),
    (11, result(personal_id=REPEATED, gpa="2.00"), ("personal_id", "RES-014", "error")),
    # The same student in another grade is another result.
    (12, result(personal_id=REPEATED, grade="ป.4", result_year="2565"), None),
    (13, result(result_year="2566"), ("result_year", "RES-015", "error")),
    (14, result(result_year="ปี 65"), ("result_year", "RES-015", "error")),
    (15, result(gpa="4.50"), ("gpa", "RES-016", "error")),
    (16, result(gpa="A"), ("gpa", "RES-016", "error")),
    (17, result(gpa=""), None),
    (18, result(gpa="4"), None),
    (19, result(gpa="0.00"), None),
]

LAND_CASES = [
    (2, parcel(), None),
    (3, parcel(school_code=""), ("school_code", "LND-001", "error")),
    (4, parcel(deed_type=""), ("deed_type", "LND-002", "error")),
    (5, parcel(deed_number=""), ("deed_number", "LND-003", "error")),
    (6, parcel(area_rai=""), ("area_rai", "LND-004", "error")),
    (7, parcel(school_code=UNLISTED_SCHOOL), ("school_code", "LND-012", "error")),
    (8, parcel(area_rai="1.5"), ("area_rai", "LND-015", "error")),
    (9, parcel(area_rai="-1"), ("area_rai", "LND-015", "error")),
    (10, parcel(area_ngan="4"), ("area_ngan", "LND-016", "error")),
    (11, parcel(area_ngan=""), None),
    (12, parcel(area_square_wa="100"), ("area_square_wa", "LND-017", "error")),
    (13, parcel(area_square_wa="ห้าสิบ"), ("area_square_wa", "LND-017", "error")),
    (14, parcel(area_square_wa="99.9", area_ngan="3", area_rai="0"), None),
    (15, parcel(area_square_wa="99.95"), ("area_square_wa", "LND-017", "error")),
]


def _needs_ids(dataset: str) -> bool:
    return dataset in ("graduates", "academic_results")


def _validated(address, folder, dataset, cases):
    rows = [
        ({"personal_id": thai_id(3000 + row)} if _needs_ids(dataset) else {}) | values
        for row, values, _ in cases
    ]
    return ValidatedFile(address, folder, dataset, rows)


@pytest.fixture(scope="module")
def validated(warehouse_address, tmp_path_factory):
    results = {}
    for dataset, cases in (
        ("graduates", GRADUATE_CASES),
        ("curricula", CURRICULUM_CASES),
        ("academic_results", RESULT_CASES),
        ("land", LAND_CASES),
    ):
        results[dataset] = _validated(warehouse_address, tmp_path_factory.mktemp(dataset), dataset, cases)
        results[dataset].close()
    return results


ALL_CASES = [
    (dataset, row, expected)
    for dataset, cases in (
        ("graduates", GRADUATE_CASES),
        ("curricula", CURRICULUM_CASES),
        ("academic_results", RESULT_CASES),
        ("land", LAND_CASES),
    )
    for row, _, expected in cases
]


@pytest.mark.parametrize(
    ("dataset", "row", "expected"),
    ALL_CASES,
    ids=[
        f"{dataset}-row{row}-{expected[1] if expected else 'clean'}" for dataset, row, expected in ALL_CASES
    ],
)
def test_row_issues(validated, dataset, row, expected):
    assert validated[dataset].issues.get(row, set()) == ({expected} if expected else set())


@pytest.mark.parametrize("dataset", ["graduates", "curricula", "academic_results", "land"])
def test_issue_totals(validated, dataset):
    cases = {
        "graduates": GRADUATE_CASES,
        "curricula": CURRICULUM_CASES,
        "academic_results": RESULT_CASES,
        "land": LAND_CASES,
    }[dataset]
    assert validated[dataset].summary["issues_open"] == sum(1 for _, _, expected in cases if expected)
