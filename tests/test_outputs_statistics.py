"""Statistics from the individual records: the cube, teacher ratios, size bands, term change."""

from __future__ import annotations

import pytest
from exchange.outputs import export_budget, refresh_statistics

from tests.outputs_data import TermData, thai_id

SCHOOL_A = "1010000001"  # OBEC, Bangkok, region 1
SCHOOL_B = "1050000002"  # OBEC, Chiang Mai, region 15
SCHOOL_C = "1010000003"  # OBEC, Bangkok, in the schools dataset with no students


def _query(connection, statement: str, parameters: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall()
    connection.commit()
    return rows


@pytest.fixture
def term_one(clean_warehouse):
    data = TermData(clean_warehouse, 2566, 1)
    data.school("OBEC", SCHOOL_A, "โรงเรียนบ้านเอ", "10")
    data.school("OBEC", SCHOOL_B, "โรงเรียนบ้านบี", "50")
    data.school("OBEC", SCHOOL_C, "โรงเรียนบ้านซี", "10")
    # Born 1 March 2016: 7 on 16 May 2023. Born 20 May 2016: still 6 on 16 May 2023.
    data.student("OBEC", SCHOOL_A, thai_id(1), grade="ป.1", gender="M", birth_date="2016-03-01")
    data.student("OBEC", SCHOOL_A, thai_id(2), grade="ป.1", gender="F", birth_date="2016-05-20")
    data.student("OBEC", SCHOOL_A, thai_id(3), grade="ม.1", gender="F", birth_date="2010-01-15")
    data.student("OBEC", SCHOOL_A, thai_id(4), grade="ม.1", gender="F", birth_date=None)
    data.student("OBEC", SCHOOL_B, thai_id(5), grade="ป.1", gender="M", birth_date="2016-03-01")
    # The same child on both rolls, not yet settled: counted once, at A (the lower code).
    data.student("OBEC", SCHOOL_A, thai_id(6), grade="ป.2", gender="M", birth_date="2015-03-01")
    data.student("OBEC", SCHOOL_B, thai_id(6), grade="ป.2", gender="M", birth_date="2015-03-01")
    data.teacher("OBEC", SCHOOL_A, thai_id(901))
    data.teacher("OBEC", SCHOOL_A, thai_id(902))
    data.teacher("OBEC", SCHOOL_A, thai_id(902))  # listed twice, one person
    data.teacher("OBEC", SCHOOL_B, thai_id(903))
    data.issue(data.teacher("OBEC", SCHOOL_B, "1111111111111"), "TCH-011", "personal_id")
    return data


def test_statistics_cube_adds_up_to_budget(term_one, tmp_path):
    result = refresh_statistics(term_one.connection, 2566, 1)
    manifest = export_budget(term_one.connection, 2566, 1, tmp_path)
    assert result["students"] == 6
    assert manifest["totals"]["students"] == 6
    [(total,)] = _query(
        term_one.connection,
        "SELECT sum(students) FROM mart.student_statistic WHERE academic_year = 2566 AND term = 1",
    )
    assert total == 6


def test_statistics_by_province_grade_gender_age(term_one):
    refresh_statistics(term_one.connection, 2566, 1)
    rows = _query(
        term_one.connection,
        """
        SELECT region, province_code, agency, level, grade, gender, age, students
        FROM mart.student_statistic WHERE academic_year = 2566 AND term = 1
        ORDER BY province_code, grade, gender, age NULLS LAST
        """,
    )
    assert rows == [
        (1, "10", "OBEC", "primary", "ป.1", "F", 6, 1),
        (1, "10", "OBEC", "primary", "ป.1", "M", 7, 1),
        (1, "10", "OBEC", "primary", "ป.2", "M", 8, 1),
        (1, "10", "OBEC", "lower_secondary", "ม.1", "F", 13, 1),
        (1, "10", "OBEC", "lower_secondary", "ม.1", "F", None, 1),
        (15, "50", "OBEC", "primary", "ป.1", "M", 7, 1),
    ]


def test_statistics_teacher_ratios(term_one):
    refresh_statistics(term_one.connection, 2566, 1)
    rows = _query(
        term_one.connection,
        """
        SELECT scope, scope_code, students, teachers, students_per_teacher::text
        FROM mart.teacher_ratio WHERE academic_year = 2566 AND term = 1 ORDER BY scope, scope_code
        """,
    )
    assert rows == [
        ("agency", "OBEC", 6, 3, "2.00"),
        ("national", "all", 6, 3, "2.00"),
        ("province", "10", 5, 2, "2.50"),
        ("province", "50", 1, 1, "1.00"),
        ("school", SCHOOL_A, 5, 2, "2.50"),
        ("school", SCHOOL_B, 1, 1, "1.00"),
    ]


def test_statistics_school_size_bands(term_one):
    refresh_statistics(term_one.connection, 2566, 1)
    rows = _query(
        term_one.connection,
        "SELECT school_code, students, size_band FROM mart.school_size WHERE academic_year = 2566 ORDER BY 1",
    )
    assert rows == [(SCHOOL_A, 5, "small"), (SCHOOL_C, 0, "no_students"), (SCHOOL_B, 1, "small")]


def test_statistics_change_without_previous_term(term_one):
    result = refresh_statistics(term_one.connection, 2566, 1)
    assert result["previous_term"] == {"academic_year": 2565, "term": 2}
    assert result["previous_students"] is None
    rows = _query(
        term_one.connection,
        "SELECT students, previous_students, change FROM mart.student_change WHERE scope = 'national'",
    )
    assert rows == [(6, None, None)]


def test_statistics_change_against_term_one(term_one):
    refresh_statistics(term_one.connection, 2566, 1)
    term_two = TermData(term_one.connection, 2566, 2)
    term_two.school("OBEC", SCHOOL_A, "โรงเรียนบ้านเอ", "10")
    for serial in range(1, 5):
        term_two.student("OBEC", SCHOOL_A, thai_id(serial))
    result = refresh_statistics(term_one.connection, 2566, 2)
    assert result["previous_students"] == 6
    rows = _query(
        term_one.connection,
        """
        SELECT scope, scope_code, students, previous_students, change, change_percent::text
        FROM mart.student_change WHERE academic_year = 2566 AND term = 2 AND scope IN ('national', 'province')
        ORDER BY scope, scope_code
        """,
    )
    assert rows == [
        ("national", "all", 4, 6, -2, "-33.33"),
        ("province", "10", 4, 5, -1, "-20.00"),
        ("province", "50", 0, 1, -1, "-100.00"),
    ]


def test_statistics_refresh_is_idempotent(term_one):
    refresh_statistics(term_one.connection, 2566, 1)
    first = _query(term_one.connection, "SELECT * FROM mart.student_statistic ORDER BY 3, 4, 5, 7, 8, 9")
    second_result = refresh_statistics(term_one.connection, 2566, 1)
    second = _query(term_one.connection, "SELECT * FROM mart.student_statistic ORDER BY 3, 4, 5, 7, 8, 9")
    assert first == second
    assert second_result["rows"]["student_statistic"] == len(second)
