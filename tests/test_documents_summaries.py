"""Submission summaries: the numbers of an agency's and a school's summary equal the warehouse's for
a generated term, the files are written, and datasets not received are missing or not due yet."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest
from exchange import calendar, intake
from exchange.contracts import DATASETS
from exchange.documents import (
    agency_summaries,
    school_provinces,
    school_summaries,
    write_agency_summaries,
    write_school_summaries,
)
from exchange.generate import generate_term
from openpyxl import load_workbook

from tests.outputs_data import TermData, thai_id

BANGKOK = calendar.BANGKOK
END_OF_JUNE = dt.datetime(2023, 6, 30, 23, 0, tzinfo=BANGKOK)
TERM_TABLES = """
    SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
    WHERE schemaname IN ('intake', 'core', 'quality', 'dedup', 'mart', 'audit')
"""


def _truncate(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(TERM_TABLES)
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    connection.commit()


@pytest.fixture(scope="module")
def generated_term(warehouse_address, tmp_path_factory):
    """A small generated term (Lamphun, about 8 students per school), loaded and validated."""
    rules = pytest.importorskip("exchange.rules")
    landing = tmp_path_factory.mktemp("landing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXCHANGE_OUTPUT_ROOT", str(tmp_path_factory.mktemp("output")))
        connection = psycopg2.connect(warehouse_address.dsn())
        _truncate(connection)
        generate_term(landing, seed=11, provinces=["51"], students_per_school=6, formats="plain")
        term = calendar.get_term(2566, 1)
        intake.run_intake(connection, str(landing), term, term.step("submission_intake"))
        rules.validate_term(connection, warehouse_address, 2566, 1)
        yield connection
        _truncate(connection)
        connection.close()


def _scalar(connection, statement: str, parameters: tuple):
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        value = cursor.fetchone()[0]
    connection.commit()
    return value


def test_agency_summary_counts_equal_warehouse(generated_term):
    summaries = agency_summaries(generated_term, 2566, 1, at=END_OF_JUNE)
    agencies = {summary.agency for summary in summaries}
    assert agencies == set(
        _scalar(
            generated_term, "SELECT array_agg(DISTINCT agency) FROM intake.submission WHERE term = %s", (1,)
        )
    )
    for summary in summaries:
        for line in summary.datasets:
            with generated_term.cursor() as cursor:
                cursor.execute(
                    "SELECT rows, on_time FROM intake.submission "
                    "WHERE agency = %s AND dataset = %s AND status = 'accepted'",
                    (summary.agency, line.dataset),
                )
                found = cursor.fetchone()
            generated_term.commit()
            if found is None:
                assert line.status != "accepted"
                continue
            expected_rows, on_time = found
            assert line.records == expected_rows, (summary.agency, line.dataset)
            assert line.on_time == on_time
            assert line.errors == _scalar(
                generated_term,
                "SELECT count(*) FROM quality.open_issue "
                "WHERE agency = %s AND dataset = %s AND severity = 'error'",
                (summary.agency, line.dataset),
            )
            assert line.queries == _scalar(
                generated_term,
                "SELECT count(*) FROM quality.open_issue "
                "WHERE agency = %s AND dataset = %s AND severity = 'query'",
                (summary.agency, line.dataset),
            )
            assert line.records_with_errors == _scalar(
                generated_term,
                "SELECT count(DISTINCT source_row) FROM quality.open_issue "
                "WHERE agency = %s AND dataset = %s AND severity = 'error'",
                (summary.agency, line.dataset),
            )


def test_agency_summary_issues_by_rule_equal_warehouse(generated_term):
    summaries = {
        summary.agency: summary for summary in agency_summaries(generated_term, 2566, 1, at=END_OF_JUNE)
    }
    with generated_term.cursor() as cursor:
        cursor.execute("SELECT agency, rule_id, count(*) FROM quality.open_issue GROUP BY agency, rule_id")
        expected = {(agency, rule_id): issues for agency, rule_id, issues in cursor.fetchall()}
    generated_term.commit()
    assert expected, "the generated term should have faults that the rules find"
    found = {
        (agency, rule.rule_id): rule.issues for agency, summary in summaries.items() for rule in summary.rules
    }
    assert found == expected


def test_school_summary_counts_equal_warehouse(generated_term):
    summaries = school_summaries(generated_term, 2566, 1, at=END_OF_JUNE)
    assert len(summaries) == _scalar(
        generated_term,
        "SELECT count(*) FROM (SELECT DISTINCT agency, school_code FROM core.current_students "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_schools "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_teachers "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_other_personnel "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_graduates "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_curricula "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_academic_results "
        "UNION SELECT DISTINCT agency, school_code FROM core.current_land) AS school "
        "WHERE school_code IS NOT NULL",
        (),
    )
    with_errors = [summary for summary in summaries if summary.rules][:5]
    assert with_errors
    for summary in [*summaries[:5], *with_errors]:
        students = next(line for line in summary.datasets if line.dataset == "students")
        assert students.records == _scalar(
            generated_term,
            "SELECT count(*) FROM core.current_students WHERE agency = %s AND school_code = %s",
            (summary.agency, summary.school_code),
        )
        student_errors = _scalar(
            generated_term,
            "SELECT count(*) FROM quality.open_issue AS issue JOIN core.students AS record "
            "USING (submission_id, source_row) WHERE issue.agency = %s AND record.school_code = %s "
            "AND issue.severity = 'error'",
            (summary.agency, summary.school_code),
        )
        assert students.errors == student_errors


def test_school_summaries_by_province_cover_every_school(generated_term):
    everyone = {
        (summary.agency, summary.school_code) for summary in school_summaries(generated_term, 2566, 1)
    }
    provinces = school_provinces(generated_term, 2566, 1)
    assert "51" in provinces
    by_province = [
        (summary.agency, summary.school_code)
        for province in provinces
        for summary in school_summaries(generated_term, 2566, 1, province=province)
    ]
    assert len(by_province) == len(everyone)
    assert set(by_province) == everyone


def test_agency_summary_files_match_summary(generated_term, tmp_path):
    manifest = write_agency_summaries(generated_term, 2566, 1, tmp_path, at=END_OF_JUNE)
    summary = agency_summaries(generated_term, 2566, 1, at=END_OF_JUNE, agency="OBEC")[0]
    names = {entry["file"] for entry in manifest["files"]}
    assert "summaries/agencies/OBEC/summary_OBEC_2566_1.pdf" in names
    assert "summaries/agencies/OBEC/summary_OBEC_2566_1.xlsx" in names
    pdf = (tmp_path / "summaries/agencies/OBEC/summary_OBEC_2566_1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    workbook = load_workbook(tmp_path / "summaries/agencies/OBEC/summary_OBEC_2566_1.xlsx", read_only=True)
    assert workbook.sheetnames == ["ชุดข้อมูล", "ประเด็นตามกฎ"]
    rows = list(workbook["ชุดข้อมูล"].iter_rows(values_only=True))
    assert rows[0][4] == "ระเบียน"
    assert [row[4] for row in rows[1:]] == [line.records for line in summary.datasets]
    assert [row[6] for row in rows[1:]] == [line.errors for line in summary.datasets]
    rule_rows = list(workbook["ประเด็นตามกฎ"].iter_rows(values_only=True))[1:]
    assert [(row[1], row[4]) for row in rule_rows] == [(rule.rule_id, rule.issues) for rule in summary.rules]


def test_school_summary_files_hold_one_school(generated_term, tmp_path):
    result = write_school_summaries(generated_term, 2566, 1, tmp_path, at=END_OF_JUNE, province="51")
    files = sorted((tmp_path / "summaries/schools").rglob("*.xlsx"))
    assert len(files) == result["schools"]
    workbook = load_workbook(files[0], read_only=True)
    school_code = files[0].name.split("_")[1]
    records = [row[4] for row in list(workbook["ชุดข้อมูล"].iter_rows(values_only=True))[1:]]
    agency = files[0].parent.name
    assert records[1] == _scalar(
        generated_term,
        "SELECT count(*) FROM core.current_students WHERE agency = %s AND school_code = %s",
        (agency, school_code),
    )


def test_missing_and_not_yet_due_datasets(clean_warehouse):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1051000001", "โรงเรียนบ้านทดสอบ", "51")
    data.student("OBEC", "1051000001", thai_id(1))
    [june] = agency_summaries(clean_warehouse, 2566, 1, at=END_OF_JUNE)
    status = {line.dataset: line.status for line in june.datasets}
    assert status == {
        "schools": "accepted",
        "students": "accepted",
        "teachers": "missing",
        "other_personnel": "missing",
        "graduates": "missing",
        "curricula": "not_yet_due",
        "academic_results": "not_yet_due",
        "land": "not_yet_due",
    }
    assert {line.due_date for line in june.not_yet_due} == {dt.date(2023, 8, 31)}
    [september] = agency_summaries(clean_warehouse, 2566, 1, at=dt.datetime(2023, 9, 1, tzinfo=BANGKOK))
    assert [line.dataset for line in september.missing] == [
        "teachers",
        "other_personnel",
        "graduates",
        "curricula",
        "academic_results",
        "land",
    ]
    assert list(DATASETS) == [line.dataset for line in september.datasets]


def test_school_without_rows_in_accepted_file(clean_warehouse):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1051000001", "โรงเรียนบ้านหนึ่ง", "51")
    data.school("OBEC", "1051000002", "โรงเรียนบ้านสอง", "51")
    data.student("OBEC", "1051000001", thai_id(1))
    summaries = {
        summary.school_code: summary for summary in school_summaries(clean_warehouse, 2566, 1, at=END_OF_JUNE)
    }
    second = {line.dataset: line.status for line in summaries["1051000002"].datasets}
    assert second["students"] == "no_records"
    assert second["schools"] == "accepted"
    assert summaries["1051000002"].school_name == "โรงเรียนบ้านสอง"
