"""The Budget Bureau export: each child once, error records left out, stable files."""

from __future__ import annotations

import csv
import json
import time

import openpyxl
import pytest
from exchange.outputs import export_budget

from tests.outputs_data import TermData, thai_id

SCHOOL_A = "1010000001"  # OBEC, Bangkok
SCHOOL_B = "1010000002"  # OBEC, Bangkok
SCHOOL_C = "1050000003"  # OBEC, Chiang Mai
SCHOOL_D = "1110000004"  # OPEC, Bangkok
ERROR_ID = "1234567890123"


@pytest.fixture
def term(clean_warehouse):
    """A term with every kind of child the counting rule distinguishes; see each comment."""
    data = TermData(clean_warehouse)
    data.school("OBEC", SCHOOL_A, "โรงเรียนบ้านเอ", "10")
    data.school("OBEC", SCHOOL_B, "โรงเรียนบ้านบี", "10")
    data.school("OBEC", SCHOOL_C, '=HYPERLINK("http://example.invalid")', "50")
    data.school("OPEC", SCHOOL_D, "โรงเรียนเอกชนดี", "10")

    # Five children on one roll each, three boys and two girls in ป.1.
    for serial, gender in enumerate(["M", "M", "M", "F", "F"], start=1):
        data.student("OBEC", SCHOOL_A, thai_id(serial), gender=gender)

    # An open exact case: counted once, at B, whose enrolment date is the later one.
    x_at_a = data.student("OBEC", SCHOOL_A, thai_id(100), enrolment_date="2023-05-16")
    x_at_b = data.student("OBEC", SCHOOL_B, thai_id(100), enrolment_date="2023-06-01")
    data.duplicate_case("exact", thai_id(100), [(*x_at_a, SCHOOL_A, "OBEC"), (*x_at_b, SCHOOL_B, "OBEC")])

    # A resolved exact case across regions: counted at the confirmed school C only.
    y_at_a = data.student("OBEC", SCHOOL_A, thai_id(200), grade="ป.2")
    y_at_c = data.student("OBEC", SCHOOL_C, thai_id(200), grade="ป.2")
    data.duplicate_case(
        "exact",
        thai_id(200),
        [(*y_at_a, SCHOOL_A, "OBEC"), (*y_at_c, SCHOOL_C, "OBEC")],
        status="resolved",
        confirmed_school_code=SCHOOL_C,
        level="national",
    )

    # A decided case with no confirmed school: the child studies at neither, so counts nowhere.
    w_at_a = data.student("OBEC", SCHOOL_A, thai_id(400))
    w_at_b = data.student("OBEC", SCHOOL_B, thai_id(400))
    data.duplicate_case(
        "exact", thai_id(400), [(*w_at_a, SCHOOL_A, "OBEC"), (*w_at_b, SCHOOL_B, "OBEC")], status="decided"
    )

    # An open suspected case between two G codes: two children until settled, both flagged.
    z_at_a = data.student("OBEC", SCHOOL_A, "G661000000001", gender="F")
    z_at_d = data.student("OPEC", SCHOOL_D, "G661000000002", gender="F")
    data.duplicate_case("suspected", "pair-z", [(*z_at_a, SCHOOL_A, "OBEC"), (*z_at_d, SCHOOL_D, "OPEC")])

    # One ID at two schools before detection has run: counted once, at the lower school code A.
    data.student("OBEC", SCHOOL_A, thai_id(500))
    data.student("OBEC", SCHOOL_B, thai_id(500))

    # Left out: an error-severity issue, and an enrolment after the as-of date (10 June 2023).
    data.issue(data.student("OBEC", SCHOOL_B, ERROR_ID), "STU-010", "personal_id")
    data.student("OBEC", SCHOOL_B, thai_id(600), enrolment_date="2023-07-01")
    # A query-severity issue does not leave the record out.
    data.issue(data.student("OPEC", SCHOOL_D, thai_id(700)), "STU-013", "grade", severity="query")
    return data


# 5 single-roll children + X + Y + Z twice + the undetected one + the query-issue child.
EXPECTED_TOTAL = 11


def _counts(connection) -> dict[tuple, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT agency, school_code, grade, gender, students, unresolved_duplicate_count,
                   suspected_duplicate_count
            FROM mart.budget_count WHERE academic_year = 2566 AND term = 1
            """
        )
        return {row[:4]: row[4:] for row in cursor.fetchall()}


def test_budget_counts_each_child_once(term, tmp_path):
    manifest = export_budget(term.connection, 2566, 1, tmp_path)
    assert manifest["totals"]["students"] == EXPECTED_TOTAL
    assert _counts(term.connection) == {
        ("OBEC", SCHOOL_A, "ป.1", "M"): (4, 1, 0),  # three boys + the undetected duplicate, flagged
        ("OBEC", SCHOOL_A, "ป.1", "F"): (3, 0, 1),  # two girls + one side of the suspected pair
        ("OBEC", SCHOOL_B, "ป.1", "M"): (1, 1, 0),  # child X, open exact case, flagged
        ("OBEC", SCHOOL_C, "ป.2", "M"): (1, 0, 0),  # child Y at the confirmed school
        ("OPEC", SCHOOL_D, "ป.1", "F"): (1, 0, 1),  # the other side of the suspected pair
        ("OPEC", SCHOOL_D, "ป.1", "M"): (1, 0, 0),  # the record with only a query issue
    }


def test_budget_resolved_case_counts_at_confirmed_school(term, tmp_path):
    export_budget(term.connection, 2566, 1, tmp_path)
    counts = _counts(term.connection)
    assert ("OBEC", SCHOOL_A, "ป.2", "M") not in counts
    assert counts[("OBEC", SCHOOL_C, "ป.2", "M")] == (1, 0, 0)


def test_budget_manifest_lists_left_out_records(term, tmp_path):
    manifest = export_budget(term.connection, 2566, 1, tmp_path)
    assert manifest["left_out"] == [
        {"agency": "OBEC", "reason": "enrolled_after_as_of", "rule_id": None, "records": 1},
        {"agency": "OBEC", "reason": "error", "rule_id": "STU-010", "records": 1},
    ]
    assert manifest["records"]["OBEC"] == {"records": 16, "records_left_out": 2}
    assert manifest["records"]["OPEC"] == {"records": 2, "records_left_out": 0}
    assert manifest["totals"]["unresolved_duplicates"] == 2
    assert manifest["totals"]["suspected_duplicates"] == 2


def test_budget_files_have_thai_headers_and_totals(term, tmp_path):
    manifest = export_budget(term.connection, 2566, 1, tmp_path)
    csv_path = tmp_path / "budget" / "budget_2566_1.csv"
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(row["จำนวนนักเรียน"]) for row in rows) == EXPECTED_TOTAL
    assert sum(int(row["จำนวนซ้ำซ้อนที่ยังไม่ยุติ"]) for row in rows) == 2
    assert {row["เพศ"] for row in rows} == {"ชาย", "หญิง"}
    workbook = openpyxl.load_workbook(tmp_path / "budget" / "budget_2566_1.xlsx")
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    assert header[13] == "จำนวนนักเรียน"
    assert sum(row[13] for row in sheet.iter_rows(min_row=2, values_only=True)) == EXPECTED_TOTAL
    assert [entry["rows"] for entry in manifest["files"]] == [6, 6]


def test_budget_files_are_safe_against_formulas(term, tmp_path):
    export_budget(term.connection, 2566, 1, tmp_path)
    with (tmp_path / "budget" / "budget_2566_1.csv").open(encoding="utf-8-sig", newline="") as handle:
        names = {row["ชื่อสถานศึกษา"] for row in csv.DictReader(handle)}
    assert '\'=HYPERLINK("http://example.invalid")' in names
    sheet = openpyxl.load_workbook(tmp_path / "budget" / "budget_2566_1.xlsx").active
    cells = [row[9] for row in sheet.iter_rows(min_row=2)]
    injected = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    assert len(injected) == 1
    assert injected[0].data_type == "s"
    assert injected[0].value.startswith("'=")


def test_budget_files_hold_no_personal_data(term, tmp_path):
    export_budget(term.connection, 2566, 1, tmp_path)
    text = "".join(
        (tmp_path / "budget" / name).read_text(encoding="utf-8-sig")
        for name in ("budget_2566_1.csv", "manifest.json")
    )
    for personal_id in [thai_id(serial) for serial in (1, 100, 200, 400, 500, 600, 700)] + [ERROR_ID]:
        assert personal_id not in text
    assert "ทดสอบ" not in text  # the students' first name in the fixture


def test_budget_rerun_gives_identical_files(term, tmp_path):
    first = export_budget(term.connection, 2566, 1, tmp_path / "first")
    manifest_bytes = (tmp_path / "first" / "budget" / "manifest.json").read_bytes()
    # Zip entries record time to two seconds; wait so that a timestamp leaking in would show.
    time.sleep(2.1)
    second = export_budget(term.connection, 2566, 1, tmp_path / "second")
    assert [entry["sha256"] for entry in first["files"]] == [entry["sha256"] for entry in second["files"]]
    assert (tmp_path / "second" / "budget" / "manifest.json").read_bytes() == manifest_bytes
    assert json.loads(manifest_bytes)["totals"]["students"] == EXPECTED_TOTAL


def test_budget_export_replaces_term_rows(term, tmp_path):
    export_budget(term.connection, 2566, 1, tmp_path)
    term.student("OBEC", SCHOOL_C, thai_id(800), grade="ป.2")
    manifest = export_budget(term.connection, 2566, 1, tmp_path)
    assert manifest["totals"]["students"] == EXPECTED_TOTAL + 1
    assert _counts(term.connection)[("OBEC", SCHOOL_C, "ป.2", "M")] == (2, 0, 0)
