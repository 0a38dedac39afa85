"""Exact duplicate detection and routing against a real warehouse."""

from __future__ import annotations

import pytest
from exchange.duplicates import detect_term, route_term

from tests.duplicates_data import TERM, YEAR, TermData, case_of, query, thai_id


@pytest.fixture
def term_data(clean_warehouse):
    data = TermData(clean_warehouse)
    data.schools()
    return data


def routes(connection, case_id: int) -> list[str]:
    return [
        row[0]
        for row in query(
            connection,
            "SELECT office_id FROM dedup.case_route WHERE case_id = %s ORDER BY office_id",
            (case_id,),
        )
    ]


def level(connection, case_id: int) -> str:
    return query(connection, "SELECT level FROM dedup.duplicate_case WHERE case_id = %s", (case_id,))[0][0]


def test_one_province_routes_to_its_office(term_data, connection):
    term_data.student("1010000001", thai_id(1))
    term_data.student("1010000002", thai_id(1))
    counts = detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    case_id = case_of(connection, ["1010000001", "1010000002"])
    assert counts["by_level"]["province"] == 1
    assert level(connection, case_id) == "province"
    assert routes(connection, case_id) == ["agency:OBEC", "ict_centre", "provincial_office:10"]


def test_two_provinces_of_one_region(term_data, connection):
    term_data.student("1010000001", thai_id(2))
    term_data.student("1111000003", thai_id(2))
    counts = detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    case_id = case_of(connection, ["1010000001", "1111000003"])
    assert counts["by_level"]["region"] == 1
    assert level(connection, case_id) == "region"
    assert routes(connection, case_id) == [
        "agency:OBEC",
        "agency:OPEC",
        "ict_centre",
        "provincial_office:10",
        "provincial_office:11",
        "regional_office:1",
    ]


def test_two_regions_route_to_regional_offices(term_data, connection):
    term_data.student("1010000001", thai_id(3))
    term_data.student("1014000004", thai_id(3))
    term_data.student("3050000005", thai_id(3))
    counts = detect_term(connection, YEAR, TERM)
    result = route_term(connection, YEAR, TERM)
    case_id = case_of(connection, ["1010000001", "1014000004", "3050000005"])
    assert counts["by_level"]["national"] == 1
    assert level(connection, case_id) == "national"
    assert routes(connection, case_id) == [
        "agency:DLA",
        "agency:OBEC",
        "ict_centre",
        "regional_office:1",
        "regional_office:15",
        "regional_office:2",
    ]
    assert result["by_office_type"] == {
        "provincial_office": 0,
        "regional_office": 1,
        "agency": 1,
        "ict_centre": 1,
    }
    assert result["routes"] == 6


def test_province_from_schools_dataset(term_data, connection):
    # The school code carries province 10, but the schools dataset places the school in province 11.
    # The dataset wins, so this becomes a region-level case.
    term_data._insert(
        "OBEC",
        "schools",
        {
            "school_code": "1010000009",
            "school_name": "โรงเรียนย้ายจังหวัด",
            "affiliation_code": "10",
            "province_code": "11",
        },
    )
    term_data.student("1010000001", thai_id(4))
    term_data.student("1010000009", thai_id(4))
    detect_term(connection, YEAR, TERM)
    case_id = case_of(connection, ["1010000001", "1010000009"])
    assert level(connection, case_id) == "region"
    assert query(
        connection,
        "SELECT province_code FROM dedup.case_school WHERE case_id = %s AND school_code = %s",
        (case_id, "1010000009"),
    ) == [("11",)]


def test_same_school_twice_is_no_case(term_data, connection):
    term_data.student("1010000001", thai_id(5))
    term_data.student("1010000001", thai_id(5))
    counts = detect_term(connection, YEAR, TERM)
    assert counts["cases"] == 0


def test_error_on_id_excludes_record(term_data, connection):
    term_data.student("1010000001", thai_id(6))
    second = term_data.student("1010000002", thai_id(6))
    term_data.issue(second, "STU-011", "error")
    counts = detect_term(connection, YEAR, TERM)
    assert counts["cases"] == 0


def test_query_on_id_keeps_record(term_data, connection):
    term_data.student("1010000001", thai_id(7))
    second = term_data.student("1010000002", thai_id(7))
    term_data.issue(second, "STU-099", "query")
    counts = detect_term(connection, YEAR, TERM)
    assert counts["cases"] == 1


def test_g_code_shared_is_exact_case(term_data, connection):
    term_data.student("1010000001", "G66100000001")
    term_data.student("1111000003", "G66100000001")
    counts = detect_term(connection, YEAR, TERM)
    assert counts["cases"] == 1


def test_detection_rerun_is_idempotent(term_data, connection):
    term_data.student("1010000001", thai_id(8))
    term_data.student("1010000002", thai_id(8))
    term_data.student("1010000001", thai_id(9))
    term_data.student("1014000004", thai_id(9))
    first = detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    before = query(connection, "SELECT case_id, match_key, status FROM dedup.duplicate_case ORDER BY case_id")
    route_before = query(
        connection, "SELECT case_id, office_id, routed_at FROM dedup.case_route ORDER BY 1, 2"
    )
    second = detect_term(connection, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    assert first["opened"] == 2
    assert second["opened"] == 0
    assert second["cases"] == 2
    assert (
        query(connection, "SELECT case_id, match_key, status FROM dedup.duplicate_case ORDER BY case_id")
        == before
    )
    assert (
        query(connection, "SELECT case_id, office_id, routed_at FROM dedup.case_route ORDER BY 1, 2")
        == route_before
    )
    assert query(connection, "SELECT count(*) FROM dedup.case_event") == [(2,)]
    assert query(connection, "SELECT count(*) FROM dedup.case_record") == [(4,)]


def test_vanished_case_is_closed_then_reopened(term_data, connection):
    term_data.student("1010000001", thai_id(10))
    second = term_data.student("1010000002", thai_id(10))
    detect_term(connection, YEAR, TERM)
    case_id = case_of(connection, ["1010000001", "1010000002"])
    term_data.remove(second)
    counts = detect_term(connection, YEAR, TERM)
    assert counts["closed"] == 1
    assert query(connection, "SELECT status FROM dedup.duplicate_case WHERE case_id = %s", (case_id,)) == [
        ("closed",)
    ]
    route_term(connection, YEAR, TERM)
    assert routes(connection, case_id) == []
    term_data.student("1010000002", thai_id(10))
    counts = detect_term(connection, YEAR, TERM)
    assert counts["reopened"] == 1
    assert query(
        connection,
        "SELECT from_status, to_status FROM dedup.case_event WHERE case_id = %s ORDER BY event_id",
        (case_id,),
    ) == [(None, "open"), ("open", "closed"), ("closed", "open")]
