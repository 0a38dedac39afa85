"""Area statistics: the inspection zones, totals per region, zone and province, children followed
from the previous term, and the area open data with its linked suppression."""

from __future__ import annotations

import csv

import pytest
from exchange.documents import load_inspection_zones, publish_area_open_data, refresh_area_statistics
from exchange.documents.area_statistics import read_inspection_zones
from exchange.outputs import publish_open_data

from tests.outputs_data import TermData, thai_id


def _rows(connection, statement: str, parameters: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall()
    connection.commit()
    return rows


def test_inspection_zones_cover_every_province(connection):
    rows = read_inspection_zones()
    assert len(rows) == 77
    assert len({row["province_code"] for row in rows}) == 77
    zones = {row["inspection_zone"] for row in rows}
    assert zones == {str(number) for number in range(1, 19)} | {"central"}
    assert load_inspection_zones(connection) == 77
    assert _rows(
        connection, "SELECT inspection_zone FROM reference.inspection_zone WHERE province_code = '10'"
    ) == [("central",)]
    assert _rows(
        connection, "SELECT inspection_zone FROM reference.inspection_zone WHERE province_code = '30'"
    ) == [("13",)]


@pytest.fixture
def two_provinces(clean_warehouse):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1050000001", "โรงเรียนเชียงใหม่", "50")
    data.school("OVEC", "1351000002", "วิทยาลัยลำพูน", "51")
    for serial in range(1, 9):
        data.student("OBEC", "1050000001", thai_id(serial))
    for serial in range(10, 16):
        data.student("OVEC", "1351000002", thai_id(serial), grade="ปวช.1", birth_date="2007-03-01")
    for serial in range(20, 23):
        data.student("OBEC", "1050000001", thai_id(serial), grade="ปวช.1", birth_date="2007-03-01")
    data.teacher("OBEC", "1050000001", thai_id(900))
    return clean_warehouse


def test_area_totals_equal_student_statistics(two_provinces):
    result = refresh_area_statistics(two_provinces, 2566, 1)
    assert result["students"] == 17
    [(national,)] = _rows(two_provinces, "SELECT sum(students) FROM mart.student_statistic WHERE term = 1")
    totals = dict(
        _rows(
            two_provinces,
            "SELECT area_type || ':' || area_code, sum(students)::integer FROM mart.area_student_statistic "
            "GROUP BY area_type, area_code",
        )
    )
    assert totals == {
        "national:all": national,
        "region:15": 17,
        "inspection_zone:15": 17,
        "province:50": 11,
        "province:51": 6,
    }
    schools = _rows(
        two_provinces,
        "SELECT area_code, schools, small_schools, teachers FROM mart.area_school_statistic "
        "WHERE area_type = 'province' ORDER BY area_code",
    )
    assert schools == [("50", 1, 1, 1), ("51", 1, 1, 0)]


def test_children_followed_from_previous_term(clean_warehouse):
    previous = TermData(clean_warehouse, academic_year=2565, term=2)
    previous.school("OBEC", "1051000001", "โรงเรียนบ้านหนึ่ง", "51")
    for serial in (1, 2, 3):
        previous.student("OBEC", "1051000001", thai_id(serial), grade="ม.3", birth_date="2009-03-01")
    current = TermData(clean_warehouse)
    current.school("OBEC", "1051000001", "โรงเรียนบ้านหนึ่ง", "51")
    current.student("OBEC", "1051000001", thai_id(1), grade="ม.3", birth_date="2009-03-01")
    current._insert(
        "OBEC",
        "graduates",
        {
            "school_code": "1051000001",
            "personal_id": thai_id(2),
            "grade_completed": "ม.3",
            "graduation_year": "2565",
        },
    )
    refresh_area_statistics(clean_warehouse, 2566, 1)
    rows = _rows(
        clean_warehouse,
        "SELECT province_code, age, previous_students, enrolled, completed_lower_secondary, not_found "
        "FROM mart.district_student_continuity",
    )
    assert rows == [("51", 14, 3, 1, 1, 1)]


def test_area_open_data_links_suppressed_province_cells(two_provinces, tmp_path):
    refresh_area_statistics(two_provinces, 2566, 1)
    publish_open_data(two_provinces, 2566, 1, tmp_path)
    manifest = publish_area_open_data(two_provinces, 2566, 1, tmp_path)
    with (tmp_path / "open_data/students_by_region_level.csv").open(encoding="utf-8-sig") as handle:
        region = {row["area_code"]: row for row in csv.DictReader(handle)}
    # Vocational: Chiang Mai 3 (suppressed in the province table), Lamphun 6. Region 15 has 9, which
    # would give Chiang Mai's 3 back as 9 - 6, so it is suppressed too.
    assert region["15"]["vocational"] == "[c]"
    assert region["15"]["total"] != "[c]"
    assert region["1"]["vocational"] == "0"
    assert manifest["suppressed_cells"]["students_by_region_level"]["linked"] >= 1
    [(kind,)] = _rows(
        two_provinces,
        "SELECT suppression FROM mart.area_published_cell WHERE table_name = 'students_by_region_level' "
        "AND row_key = '15' AND column_key = 'vocational'",
    )
    assert kind == "linked"
    with (tmp_path / "open_data/schools_by_area.csv").open(encoding="utf-8-sig") as handle:
        schools = list(csv.DictReader(handle))
    assert [(row["area_type"], row["area_code"], row["schools"]) for row in schools] == [
        ("national", "all", "2"),
        ("region", "15", "2"),
        ("inspection_zone", "15", "2"),
        ("province", "50", "1"),
        ("province", "51", "1"),
    ]
    # One teacher: a ratio over fewer than five teachers is not published.
    assert schools[0]["students_per_teacher"] == "[c]"


def test_area_open_data_needs_statistics(clean_warehouse, tmp_path):
    with pytest.raises(RuntimeError, match="run refresh_area_statistics first"):
        publish_area_open_data(clean_warehouse, 2566, 1, tmp_path)
