"""Validation runs over time: re-runs, corrections, the term order, Data Docs and safeguards."""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange.rules import correction_rates, validate_submission, validate_term
from exchange.rules.frames import build_frame, drop_frame
from exchange.rules.gx_runner import ExpectationFailedToRun, ExpectationOutcome, GreatExpectationsRunner
from exchange.rules.issues import IssueCountMismatch, check_counts
from exchange.rules.suites import parse_suite

from tests.rules_data import (
    ON_TIME,
    SCHOOL_A,
    UNLISTED_SCHOOL,
    load,
    open_issues,
    schools_file,
    thai_id,
    write_csv,
    wrong_check_digit,
)

LATER = ON_TIME.replace(day=21)


def student(number: int, **changes) -> dict:
    row = {
        "school_code": SCHOOL_A,
        "personal_id": thai_id(number),
        "first_name": "ปิติ",
        "last_name": "มีสุข",
        "gender": "M",
        "birth_date": "02/03/2559",
        "grade": "ป.1",
    }
    row.update(changes)
    return row


@pytest.fixture
def output_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "output"
    monkeypatch.setenv("EXCHANGE_OUTPUT_ROOT", str(root))
    return root


@pytest.fixture
def runner(warehouse_address, tmp_path):
    return GreatExpectationsRunner(warehouse_address, tmp_path / "data_docs")


def _issue_rows(connection, submission_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT issue_id, source_row, rule_id, resolved_at IS NULL FROM quality.issue "
            "WHERE submission_id = %s ORDER BY source_row, rule_id",
            (submission_id,),
        )
        rows = cursor.fetchall()
    connection.commit()
    return rows


def test_revalidation_keeps_same_issue_rows(clean_warehouse, warehouse_address, runner, tmp_path):
    connection = clean_warehouse
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    rows = [student(1), student(2, first_name=""), student(3, personal_id=wrong_check_digit(thai_id(3)))]
    submission_id = load(connection, write_csv(tmp_path / "students.csv", "students", rows), "students")
    first = validate_submission(connection, warehouse_address, submission_id, runner=runner)
    before = _issue_rows(connection, submission_id)
    second = validate_submission(connection, warehouse_address, submission_id, runner=runner)
    assert before == [(before[0][0], 3, "STU-003", True), (before[1][0], 4, "STU-011", True)]
    assert _issue_rows(connection, submission_id) == before
    assert second["run_id"] == first["run_id"] + 1
    assert second["issues_resolved"] == 0


def test_frame_dropped_after_run(clean_warehouse, warehouse_address, runner, tmp_path):
    submission_id = load(
        clean_warehouse, write_csv(tmp_path / "students.csv", "students", [student(1)]), "students"
    )
    validate_submission(clean_warehouse, warehouse_address, submission_id, runner=runner)
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'quality' AND tablename LIKE 'frame%%'"
        )
        assert cursor.fetchone()[0] == 0


def test_school_listed_later_resolves_issue(clean_warehouse, warehouse_address, output_root, tmp_path):
    connection = clean_warehouse
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    rows = [student(1, school_code=UNLISTED_SCHOOL), student(2, last_name="")]
    students_id = load(connection, write_csv(tmp_path / "students.csv", "students", rows), "students")
    validate_term(connection, warehouse_address, 2566, 1)
    assert open_issues(connection, students_id) == {
        2: {("school_code", "STU-012", "error")},
        3: {("last_name", "STU-004", "error")},
    }
    corrected_schools = schools_file(tmp_path / "schools_v2.csv", [SCHOOL_A, UNLISTED_SCHOOL])
    load(connection, corrected_schools, "schools", modified=LATER)
    result = validate_term(connection, warehouse_address, 2566, 1)
    assert result["validated"] == 2
    assert open_issues(connection, students_id) == {3: {("last_name", "STU-004", "error")}}


def test_correcting_version_resolves_fixed_records(clean_warehouse, warehouse_address, output_root, tmp_path):
    connection = clean_warehouse
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    first_rows = [
        student(1, personal_id=wrong_check_digit(thai_id(1))),
        student(2, first_name=""),
        student(3, birth_date="10/01/2551"),
        student(4),
    ]
    first_id = load(connection, write_csv(tmp_path / "v1.csv", "students", first_rows), "students")
    validate_term(connection, warehouse_address, 2566, 1)
    # The correction fixes the ID and the name, and leaves the age query; the rows move.
    second_rows = [student(4), student(3, birth_date="10/01/2551"), student(2), student(1)]
    second_id = load(
        connection, write_csv(tmp_path / "v2.csv", "students", second_rows), "students", modified=LATER
    )
    validate_term(connection, warehouse_address, 2566, 1)
    assert [(row, rule, is_open) for _, row, rule, is_open in _issue_rows(connection, first_id)] == [
        (2, "STU-011", False),
        (3, "STU-003", False),
        (4, "STU-013", True),
    ]
    assert open_issues(connection, second_id) == {3: {("grade", "STU-013", "query")}}
    assert correction_rates(connection, 2566, 1) == [
        {"agency": "OBEC", "issues_resolved": 2, "issues_open": 1, "correction_rate": 0.6667}
    ]


def test_validate_term_order_and_skips(clean_warehouse, warehouse_address, output_root, tmp_path):
    connection = clean_warehouse
    load(connection, write_csv(tmp_path / "students.csv", "students", [student(1)]), "students")
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    first = validate_term(connection, warehouse_address, 2566, 1)
    assert [summary["dataset"] for summary in first["submissions"]] == ["schools", "students"]
    again = validate_term(connection, warehouse_address, 2566, 1)
    assert (again["validated"], again["skipped"]) == (0, 2)
    forced = validate_term(connection, warehouse_address, 2566, 1, force=True)
    assert (forced["validated"], forced["skipped"]) == (2, 0)
    assert Path(first["data_docs"]) == output_root / "2566" / "1" / "data_docs" / "index.html"
    assert Path(first["data_docs"]).is_file()


def test_data_docs_hold_no_personal_values(clean_warehouse, warehouse_address, tmp_path):
    docs = tmp_path / "docs"
    runner = GreatExpectationsRunner(warehouse_address, docs)
    faulty_id = wrong_check_digit(thai_id(77))
    rows = [student(76, first_name="ประเสริฐศักดิ์"), student(77, personal_id=faulty_id, last_name="วงศ์สวัสดิ์")]
    submission_id = load(clean_warehouse, write_csv(tmp_path / "students.csv", "students", rows), "students")
    summary = validate_submission(clean_warehouse, warehouse_address, submission_id, runner=runner)
    assert runner.build_docs() == docs / "index.html"
    pages = [path for path in docs.rglob("*") if path.is_file()]
    assert summary["data_docs"] == str(docs / "index.html")
    assert any(path.suffix == ".html" and "validations" in path.parts for path in pages)
    text = "\n".join(path.read_text(encoding="utf-8", errors="ignore") for path in pages)
    for personal in (thai_id(76), faulty_id, "ประเสริฐศักดิ์", "วงศ์สวัสดิ์", "2016-03-02"):
        assert personal not in text


def test_validation_run_recorded(clean_warehouse, warehouse_address, runner, tmp_path):
    rows = [student(1), student(2, gender="")]
    submission_id = load(clean_warehouse, write_csv(tmp_path / "students.csv", "students", rows), "students")
    summary = validate_submission(clean_warehouse, warehouse_address, submission_id, runner=runner)
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            "SELECT suite_name, success, expectations_evaluated, expectations_failed, issues_open, "
            "finished_at IS NOT NULL, data_docs_path FROM quality.validation_run WHERE run_id = %s",
            (summary["run_id"],),
        )
        # STU-005 (gender missing) and STU-012 (no schools dataset in this term) fail.
        assert cursor.fetchone() == (
            "students",
            False,
            14,
            2,
            3,
            True,
            str(tmp_path / "data_docs" / "index.html"),
        )


def test_count_mismatch_raises(clean_warehouse, warehouse_address, tmp_path):
    submission_id = load(
        clean_warehouse, write_csv(tmp_path / "students.csv", "students", [student(1)]), "students"
    )
    expectation = parse_suite(
        "students",
        {
            "name": "students",
            "expectations": [
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "first_name"},
                    "meta": {
                        "rule_id": "STU-003",
                        "severity": "error",
                        "message_th": "ไม่มีชื่อ",
                        "message_en": "missing",
                        "fix_th": "กรอก",
                        "fix_en": "enter",
                    },
                }
            ],
        },
        Path("students.json"),
        "0",
    ).expectations[0]
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            "INSERT INTO quality.validation_run (submission_id, suite_name, suite_sha256) "
            "VALUES (%s, 'students', '0') RETURNING run_id",
            (submission_id,),
        )
        run_id = cursor.fetchone()[0]
        with pytest.raises(IssueCountMismatch, match="STU-003/first_name: 0 rows written, 1 unexpected"):
            check_counts(cursor, run_id, [ExpectationOutcome(expectation, False, 1)])
    clean_warehouse.rollback()


def test_broken_expectation_raises(clean_warehouse, warehouse_address, runner, tmp_path):
    submission_id = load(
        clean_warehouse, write_csv(tmp_path / "students.csv", "students", [student(1)]), "students"
    )
    suite = parse_suite(
        "students",
        {
            "name": "students",
            "expectations": [
                {
                    "type": "expect_column_values_to_be_between_columns",
                    "kwargs": {
                        "column": "birth_date_value",
                        "min_column": "no_such_column",
                        "max_column": "grade_birth_date_to",
                    },
                    "meta": {
                        "rule_id": "STU-013",
                        "severity": "query",
                        "message_th": "อายุ",
                        "message_en": "age",
                        "fix_th": "ตรวจ",
                        "fix_en": "check",
                    },
                }
            ],
        },
        Path("broken.json"),
        "broken",
    )
    import datetime as dt

    table, _ = build_frame(clean_warehouse, "students", submission_id, 2566, 1, dt.date(2023, 5, 16))
    try:
        with pytest.raises(ExpectationFailedToRun, match="STU-013"):
            runner.validate(suite, suite.expectations, table, "broken_students", {})
    finally:
        drop_frame(clean_warehouse, table)


def test_standalone_validation_writes_term_docs(clean_warehouse, warehouse_address, output_root, tmp_path):
    submission_id = load(
        clean_warehouse, write_csv(tmp_path / "students.csv", "students", [student(1)]), "students"
    )
    summary = validate_submission(clean_warehouse, warehouse_address, submission_id)
    index = output_root / "2566" / "1" / "data_docs" / "index.html"
    assert summary["data_docs"] == str(index)
    assert index.is_file()
    assert list((index.parent / "validation_results").rglob("*.json"))


def test_unvalidated_version_between_still_resolves(
    clean_warehouse, warehouse_address, output_root, tmp_path
):
    connection = clean_warehouse
    load(connection, schools_file(tmp_path / "schools.csv", [SCHOOL_A]), "schools")
    first_id = load(
        connection, write_csv(tmp_path / "v1.csv", "students", [student(1, gender="")]), "students"
    )
    validate_term(connection, warehouse_address, 2566, 1)
    # Version 2 is replaced before any validation runs on it; version 3 fixes the gender.
    load(
        connection,
        write_csv(tmp_path / "v2.csv", "students", [student(1, gender="X")]),
        "students",
        modified=LATER,
    )
    third_id = load(
        connection,
        write_csv(tmp_path / "v3.csv", "students", [student(1)]),
        "students",
        modified=LATER.replace(day=22),
    )
    validate_term(connection, warehouse_address, 2566, 1)
    assert [(row, rule, is_open) for _, row, rule, is_open in _issue_rows(connection, first_id)] == [
        (2, "STU-005", False)
    ]
    assert open_issues(connection, third_id) == {}
