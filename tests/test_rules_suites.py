"""The suite files, the SQL they rely on, and the checks on their metadata."""

from __future__ import annotations

import json
import random
from pathlib import Path

import psycopg2
import pytest
from exchange import ids, settings
from exchange.contracts import DATASETS, load_contract
from exchange.rules.conditions import SUPPORTED_TYPES
from exchange.rules.suites import load_suite, parse_suite
from exchange.warehouse import read_sql
from psycopg2 import sql

STUDENT_RULES = {
    "STU-001": ("school_code", "error"),
    "STU-002": ("personal_id", "error"),
    "STU-003": ("first_name", "error"),
    "STU-004": ("last_name", "error"),
    "STU-005": ("gender", "error"),
    "STU-006": ("birth_date", "error"),
    "STU-007": ("grade", "error"),
    "STU-010": ("personal_id", "error"),
    "STU-011": ("personal_id", "error"),
    "STU-012": ("school_code", "error"),
    "STU-013": ("grade", "query"),
    "STU-014": ("personal_id", "error"),
}


def _document(dataset: str) -> dict:
    return json.loads((settings.EXPECTATIONS_DIR / f"{dataset}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("dataset", DATASETS)
def test_suite_loads_every_expectation(dataset):
    import exchange.rules.expectations  # noqa: F401  registers the custom types
    import great_expectations as gx

    document = _document(dataset)
    suite = gx.ExpectationSuite(name=document["name"], expectations=document["expectations"])
    assert len(suite.expectations) == len(document["expectations"])
    assert len(load_suite(dataset).expectations) == len(document["expectations"])


@pytest.mark.parametrize("dataset", DATASETS)
def test_suite_types_have_sql_conditions(dataset):
    assert {expectation.type for expectation in load_suite(dataset).expectations} <= SUPPORTED_TYPES


@pytest.mark.parametrize("dataset", DATASETS)
def test_issue_columns_are_contract_columns(dataset):
    columns = set(load_contract(dataset).column_names)
    assert {rule.column_name for rule in load_suite(dataset).rules()} <= columns


@pytest.mark.parametrize("dataset", DATASETS)
def test_rule_ids_carry_dataset_prefix(dataset):
    prefixes = {rule.rule_id[:3] for rule in load_suite(dataset).rules()}
    assert len(prefixes) == 1


def test_rule_ids_unique_across_suites():
    rule_ids = [rule.rule_id for dataset in DATASETS for rule in load_suite(dataset).rules()]
    assert len(rule_ids) == len(set(rule_ids))


def test_student_rule_ids_fixed():
    rules = {rule.rule_id: (rule.column_name, rule.severity) for rule in load_suite("students").rules()}
    assert rules == STUDENT_RULES


@pytest.mark.parametrize("dataset", DATASETS)
def test_expectation_columns_exist_in_frame(warehouse_address, dataset):
    connection = psycopg2.connect(warehouse_address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("SELECT * FROM ({}) AS frame LIMIT 0").format(
                    sql.SQL(read_sql(f"rules/frames/{dataset}.sql"))
                ),
                {"submission_id": 0, "academic_year": 2566, "term": 1, "age_reference_date": "2023-05-16"},
            )
            frame_columns = {column.name for column in cursor.description}
    finally:
        connection.close()
    used = set()
    for expectation in load_suite(dataset).expectations:
        used.add(expectation.column)
        used.update(
            expectation.kwargs[key] for key in ("min_column", "max_column") if key in expectation.kwargs
        )
    assert "source_row" in frame_columns
    assert used <= frame_columns


def _suite_with(expectations: list[dict]) -> dict:
    return {"name": "students", "expectations": expectations}


def _entry(rule_id="STU-001", severity="error", message_th="ไม่มี", column="school_code", **meta) -> dict:
    return {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": column},
        "meta": {
            "rule_id": rule_id,
            "severity": severity,
            "message_th": message_th,
            "message_en": "missing",
            "fix_th": "กรอก",
            "fix_en": "enter",
            **meta,
        },
    }


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (_entry(rule_id="STU1"), "rule_id"),
        (_entry(severity="warning"), "severity"),
        (_entry(message_th=""), "message_th"),
    ],
)
def test_parse_suite_rejects_bad_meta(entry, problem):
    with pytest.raises(ValueError, match=problem):
        parse_suite("students", _suite_with([entry]), Path("students.json"), "0")


def test_parse_suite_rejects_rule_disagreement():
    first, second = _entry(), _entry(severity="query")
    with pytest.raises(ValueError, match="share rule STU-001"):
        parse_suite("students", _suite_with([first, second]), Path("students.json"), "0")


def test_sql_check_digit_matches_python(connection):
    source = random.Random(2566)
    first_twelves = [f"{source.randrange(10**12):012d}" for _ in range(500)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quality.thai_id_check_digit(value::bigint) FROM unnest(%s::text[]) AS value",
            (first_twelves,),
        )
        in_sql = [row[0] for row in cursor.fetchall()]
    assert in_sql == [ids.thai_id_check_digit(value) for value in first_twelves]


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        (ids.make_thai_id("110370001234"), True),
        ("1103700012345", False),
        ("G256610000001", True),
        ("110370001234", True),
        ("11037000123456", True),
        ("1103700O12345", True),
        (None, True),
    ],
)
def test_sql_check_digit_matches(connection, value, matches):
    with connection.cursor() as cursor:
        cursor.execute("SELECT quality.thai_id_check_digit_matches(%s)", (value,))
        assert cursor.fetchone()[0] is matches


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (ids.make_thai_id("110370001234"), "thai_id"),
        ("1103700012345", "thai_id_wrong_check_digit"),
        ("0000000000001", "thai_id"),
        ("G256610000001", "g_code"),
        ("G25661000000X", "unrecognised"),
        ("X256610000001", "unrecognised"),
        ("110370001234", "unrecognised"),
        ("11037000123456", "unrecognised"),
        ("๑๑๐๓๗๐๐๐๑๒๓๔๕", "unrecognised"),
        (None, None),
    ],
)
def test_sql_personal_id_kind(connection, value, kind):
    with connection.cursor() as cursor:
        cursor.execute("SELECT quality.personal_id_kind(%s)", (value,))
        assert cursor.fetchone()[0] == kind


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("personal_id", "1103700012345", "1-xxxx-xxxxx-xx-5"),
        ("personal_id", "G256610000001", "Gxxxxxxxxxxx1"),
        ("personal_id", "12", "xx"),
        ("name", "สมชาย", "ส***"),
        ("date", "02/03/2559", "2559"),
        ("date", "2016-03-02", "2016"),
        ("date", "ไม่ทราบ", "***"),
        (None, "ป.1", "ป.1"),
        ("name", None, None),
    ],
)
def test_masked_value(connection, kind, value, shown):
    with connection.cursor() as cursor:
        cursor.execute("SELECT quality.masked_value(%s, %s)", (kind, value))
        assert cursor.fetchone()[0] == shown


def test_rule_catalogue_is_current():
    from exchange.rules.catalogue import CATALOGUE_PATH, render_catalogue

    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/rules.md is out of date; run python -m exchange.rules.catalogue"
    )
