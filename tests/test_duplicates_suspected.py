"""Suspected duplicates: one child under two personal IDs, found with Splink."""

from __future__ import annotations

import pytest
from exchange.duplicates import match_suspected, route_term

from tests.duplicates_data import TERM, YEAR, TermData, query, thai_id


def mistype_third_digit(personal_id: str) -> str:
    """Change the third digit: its check-digit weight is 11, so the ID stays valid."""
    return personal_id[:2] + str((int(personal_id[2]) + 3) % 10) + personal_id[3:]


def suspected_cases(connection) -> dict[tuple[str, ...], tuple]:
    rows = query(
        connection,
        """
        SELECT array_agg(school.school_code ORDER BY school.school_code), duplicate.case_id,
               duplicate.match_probability, duplicate.status
        FROM dedup.duplicate_case AS duplicate
        JOIN dedup.case_school AS school USING (case_id)
        WHERE duplicate.kind = 'suspected'
        GROUP BY duplicate.case_id
        """,
    )
    return {tuple(schools): (case_id, probability, status) for schools, case_id, probability, status in rows}


@pytest.fixture
def near_duplicates(clean_warehouse):
    data = TermData(clean_warehouse)
    data.schools()
    # A G-code child with another G code and a one-letter spelling variant at the second school.
    data.student("1010000001", "G661000000011", first_name="ธาม", last_name="แก้วเจริญ",
                 birth_date="2015-10-23")
    data.student("1111000003", "G661100000025", first_name="ทาม", last_name="แก้วเจริญ",
                 birth_date="2015-10-23")
    # A Thai ID with two neighbouring digits swapped, which breaks the check digit.
    correct = thai_id(4411)  # 1000000044111: digits 10 and 11 (4 and 1) differ
    swapped = correct[:9] + correct[10] + correct[9] + correct[11:]
    data.student("1010000002", correct, first_name="วิภาวดี", last_name="ชาญสวัสดิ์", gender="F",
                 birth_date="2011-03-13")
    mistyped = data.student("1014000004", swapped, first_name="วิภาวดี", last_name="ชาญสวัสดิ์", gender="F",
                            birth_date="2011-03-13")
    data.issue(mistyped, "STU-011", "error")
    # A changed third digit, which keeps the ID valid.
    data.student("1010000001", thai_id(5522), first_name="กันตภณ", last_name="เรืองกุล", birth_date="2007-07-31")
    data.student("3050000005", mistype_third_digit(thai_id(5522)), first_name="กันตภณ", last_name="เรืองกุล",
                 birth_date="2007-07-31")
    # Namesakes born on the same day with unrelated valid IDs: two children.
    data.student("1010000002", thai_id(6601), first_name="ศิริพร", last_name="เงินพันธ์", gender="F",
                 birth_date="2007-01-30")
    data.student("1111000003", thai_id(9907), first_name="ศิริพร", last_name="เงินพันธ์", gender="F",
                 birth_date="2007-01-30")
    # G-code twins at two schools: same surname and birth date, different first names.
    data.student("1010000001", "G661000000033", first_name="สมศักดิ์", last_name="บัวยิ่ง",
                 birth_date="2012-06-01")
    data.student("1010000002", "G661000000047", first_name="ประเสริฐ", last_name="บัวยิ่ง",
                 birth_date="2012-06-01")
    return data


def test_near_duplicates_become_cases(near_duplicates, connection, warehouse_address):
    result = match_suspected(connection, warehouse_address, YEAR, TERM)
    cases = suspected_cases(connection)
    assert set(cases) == {
        ("1010000001", "1111000003"),
        ("1010000002", "1014000004"),
        ("1010000001", "3050000005"),
    }
    assert result["cases"] == 3
    assert result["candidates"] == 10
    assert result["by_level"] == {"province": 0, "region": 1, "national": 2, "unknown": 0}
    for _case_id, probability, status in cases.values():
        assert probability >= 0.95
        assert status == "open"


def test_suspected_cases_are_routed(near_duplicates, connection, warehouse_address):
    match_suspected(connection, warehouse_address, YEAR, TERM)
    route_term(connection, YEAR, TERM)
    case_id = suspected_cases(connection)[("1010000001", "1111000003")][0]
    assert [row[0] for row in query(connection, "SELECT office_id FROM dedup.case_route WHERE case_id = %s "
                                    "ORDER BY office_id", (case_id,))] == [
        "agency:OBEC", "agency:OPEC", "ict_centre", "provincial_office:10", "provincial_office:11",
        "regional_office:1"]


def test_matching_rerun_keeps_case_ids(near_duplicates, connection, warehouse_address):
    match_suspected(connection, warehouse_address, YEAR, TERM)
    first = suspected_cases(connection)
    again = match_suspected(connection, warehouse_address, YEAR, TERM)
    assert suspected_cases(connection) == first
    assert again["opened"] == 0
    assert again["closed"] == 0


def test_no_candidates_closes_cases(near_duplicates, connection, warehouse_address):
    match_suspected(connection, warehouse_address, YEAR, TERM)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core.students WHERE school_code <> '1010000001'")
    connection.commit()
    result = match_suspected(connection, warehouse_address, YEAR, TERM)
    assert result["cases"] == 0
    assert result["closed"] == 3
    assert {status for _id, _p, status in suspected_cases(connection).values()} == {"closed"}
