"""The schools suite: each rule on a row that breaks it, and passing rows.

SCH-015 needs a second agency: OPEC's schools file lists one of OBEC's codes, and both files get
the issue on that row.
"""

from __future__ import annotations

import psycopg2
import pytest
from exchange.rules import validate_submission
from exchange.rules.gx_runner import GreatExpectationsRunner

from tests.rules_data import load, open_issues, truncate_term_data, write_csv

SHARED = "1010000009"


def school(code: str, **changes) -> dict:
    row = {
        "school_code": code,
        "school_name": "โรงเรียนบ้านทดสอบ",
        "affiliation_code": "10",
        "province_code": "10",
    }
    row.update(changes)
    return row


CASES = [
    (2, school("1010000001"), None),
    (3, school(""), ("school_code", "SCH-001", "error")),
    (4, school("1010000003", school_name=""), ("school_name", "SCH-002", "error")),
    (5, school("1010000004", affiliation_code=""), ("affiliation_code", "SCH-003", "error")),
    (6, school("1010000005", province_code=""), ("province_code", "SCH-004", "error")),
    (7, school("10100006"), ("school_code", "SCH-010", "error")),
    # An OPEC affiliation in OBEC's file.
    (8, school("1110000007", affiliation_code="11"), ("affiliation_code", "SCH-011", "error")),
    (9, school("1099000008", province_code="99"), ("province_code", "SCH-012", "error")),
    (10, school(SHARED), ("school_code", "SCH-015", "error")),
    (11, school("1010000001", school_name="โรงเรียนซ้ำ"), ("school_code", "SCH-014", "error")),
    # Thai digits in the code are cleaned at intake.
    (12, school("๑๐๑๐๐๐๐๐๑๒", province_code="๑๐"), None),
]


@pytest.fixture(scope="module")
def schools(warehouse_address, tmp_path_factory):
    folder = tmp_path_factory.mktemp("schools")
    connection = psycopg2.connect(warehouse_address.dsn())
    truncate_term_data(connection)
    runner = GreatExpectationsRunner(warehouse_address, folder / "data_docs")
    obec = load(
        connection,
        write_csv(folder / "schools.csv", "schools", [values for _, values, _ in CASES]),
        "schools",
        "OBEC",
    )
    opec_rows = [school("1110000001", affiliation_code="11"), school(SHARED, affiliation_code="11")]
    opec = load(connection, write_csv(folder / "opec.csv", "schools", opec_rows), "schools", "OPEC")
    summaries = {
        "OBEC": validate_submission(connection, warehouse_address, obec, runner=runner),
        "OPEC": validate_submission(connection, warehouse_address, opec, runner=runner),
    }
    yield {
        "OBEC": open_issues(connection, obec),
        "OPEC": open_issues(connection, opec),
        "summaries": summaries,
    }
    connection.close()


@pytest.mark.parametrize(
    ("row", "expected"),
    [(row, expected) for row, _, expected in CASES],
    ids=[f"row{row}-{expected[1] if expected else 'clean'}" for row, _, expected in CASES],
)
def test_school_row_issues(schools, row, expected):
    assert schools["OBEC"].get(row, set()) == ({expected} if expected else set())


def test_other_agency_listing_shared_code(schools):
    # OPEC's row 3 lists the shared code; its affiliation 11 is OPEC's own, so it passes SCH-011.
    assert schools["OPEC"] == {3: {("school_code", "SCH-015", "error")}}
