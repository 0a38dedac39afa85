"""Area data items: bad definitions are rejected with their reason before they run, the run is
read-only and confined to the `area` views, and good items store their rows and CSV files."""

from __future__ import annotations

import csv
import textwrap

import psycopg2
import pytest
import yaml
from exchange.documents import compute_area_items, refresh_area_statistics
from exchange.documents.area_item_run import AreaItemFailed, reader_role_usable, run_query
from exchange.documents.area_items import ITEMS_DIR, AreaItemRejected, load_item, load_items, parse_item

from tests.outputs_data import TermData, thai_id

GOOD = {
    "name": "students_per_district",
    "title_th": "นักเรียนรายอำเภอ",
    "description_th": "จำนวนนักเรียนรายอำเภอ",
    "area_type": "province",
    "areas": ["51"],
    "sql": "SELECT academic_year, term, province_code AS area_code, sum(students) AS students "
    "FROM area.district_student_count GROUP BY academic_year, term, province_code",
}
TERM = {"academic_year": 2566, "term": 1, "area_codes": ["51"]}


def _reason(sql: str) -> str:
    with pytest.raises(AreaItemRejected) as rejected:
        parse_item(GOOD | {"sql": sql}, "bad.yaml")
    return rejected.value.reason


def test_good_definition_is_accepted():
    item = parse_item(GOOD, "students_per_district.yaml")
    assert item.areas == ("51",)
    assert item.sql.startswith("SELECT academic_year, term, province_code AS area_code")


def test_write_statement_is_rejected():
    assert _reason("DELETE FROM area.school") == "the SQL must be a SELECT; found DELETE"


def test_write_inside_with_is_rejected():
    reason = _reason("WITH gone AS (DELETE FROM area.school RETURNING *) SELECT * FROM gone")
    assert reason == "DELETE is not allowed: an item may only read"


def test_two_statements_are_rejected():
    reason = _reason("SELECT 1 AS area_code; DROP TABLE area.school")
    assert reason == "the SQL must be one SELECT statement; found 2 statements"


def test_personal_column_is_rejected():
    reason = _reason("SELECT academic_year, term, school_code AS area_code, personal_id FROM area.school")
    assert reason == "column personal_id is personal data and may not be read"


def test_table_outside_safe_schema_is_rejected():
    reason = _reason("SELECT academic_year, term, agency AS area_code FROM core.current_students")
    assert reason == "table core.current_students is outside the area schema; read only its views"


def test_unknown_table_is_rejected():
    assert _reason("SELECT * FROM pg_authid").startswith("table pg_authid is not a view of the area schema")


def test_file_reading_function_is_rejected():
    assert (
        _reason("SELECT pg_read_file('/etc/passwd') AS area_code") == "function pg_read_file is not allowed"
    )
    assert _reason("SELECT pg_catalog.pg_read_file('/etc/passwd')") == "function pg_read_file is not allowed"
    assert _reason("SELECT lo_import('/etc/passwd')") == "function lo_import is not allowed"


def test_setting_function_is_rejected():
    assert _reason("SELECT set_config('search_path', 'core', false)") == "function set_config is not allowed"


def test_select_into_is_rejected():
    assert _reason("SELECT * INTO area.copy FROM area.school") == "INTO is not allowed: an item may only read"


def test_invalid_fields_are_rejected():
    with pytest.raises(AreaItemRejected, match="invalid area_type 'district'"):
        parse_item(GOOD | {"area_type": "district"}, "bad.yaml")
    with pytest.raises(AreaItemRejected, match="title_th is missing"):
        parse_item({key: value for key, value in GOOD.items() if key != "title_th"}, "bad.yaml")


def test_file_name_must_match_name(tmp_path):
    path = tmp_path / "other_name.yaml"
    path.write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")
    with pytest.raises(AreaItemRejected, match="name the file students_per_district.yaml"):
        load_item(path)


def test_shipped_definitions_are_valid():
    items, rejected = load_items(ITEMS_DIR)
    assert rejected == []
    assert {item.name for item in items} >= {
        "out_of_school_children_by_district",
        "small_school_students_per_teacher",
        "students_by_province_and_level",
    }


@pytest.fixture
def small_term(clean_warehouse):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1051000001", "โรงเรียนบ้านหนึ่ง", "51")
    for serial in range(1, 9):
        data.student("OBEC", "1051000001", thai_id(serial))
    data.teacher("OBEC", "1051000001", thai_id(900))
    refresh_area_statistics(clean_warehouse, 2566, 1)
    return clean_warehouse


def test_reader_role_exists_here(connection):
    # The embedded server lets the migration create the role; without it items still run read-only.
    assert reader_role_usable(connection)


def test_query_cannot_read_core_tables(small_term):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        run_query(
            small_term,
            "SELECT 2566 AS academic_year, 1 AS term, '51' AS area_code, count(*) FROM core.students",
            TERM,
            5,
            use_role=True,
        )


def test_query_cannot_write(small_term):
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        run_query(
            small_term,
            "SELECT 2566 AS academic_year, 1 AS term, '51' AS area_code, "
            "nextval('mart.area_item_run_run_id_seq')",
            TERM,
            5,
            use_role=False,
        )


def test_query_search_path_is_area_only(small_term):
    with pytest.raises(psycopg2.errors.UndefinedTable):
        run_query(
            small_term,
            "SELECT 2566 AS academic_year, 1 AS term, '51' AS area_code FROM current_students",
            TERM,
            5,
            use_role=False,
        )


def test_query_times_out(small_term):
    with pytest.raises(psycopg2.errors.QueryCanceled):
        run_query(
            small_term,
            "SELECT 2566 AS academic_year, 1 AS term, '51' AS area_code, pg_sleep(3)",
            TERM,
            1,
            use_role=True,
        )


def test_query_must_return_area_code(small_term):
    with pytest.raises(AreaItemFailed, match="no column area_code"):
        run_query(small_term, "SELECT academic_year, term FROM area.school", TERM, 5, use_role=True)


def test_compute_stores_rows_and_writes_csv(small_term, tmp_path):
    items_dir = tmp_path / "items"
    items_dir.mkdir()
    (items_dir / "students_per_district.yaml").write_text(
        yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8"
    )
    (items_dir / "reads_core.yaml").write_text(
        textwrap.dedent(
            """
            name: reads_core
            title_th: อ่านข้อมูลรายบุคคล
            description_th: ไม่ควรผ่าน
            area_type: province
            sql: >-
              SELECT academic_year, term, agency AS area_code, count(*)
              FROM core.current_students GROUP BY 1, 2, 3
            """
        ),
        encoding="utf-8",
    )
    result = compute_area_items(small_term, 2566, 1, tmp_path / "out", items_dir)
    assert result["items"]["students_per_district"] == {"status": "succeeded", "areas": 1, "rows": 1}
    assert result["items"]["reads_core"]["status"] == "rejected"
    assert result["items"]["reads_core"]["message"] == (
        "table core.current_students is outside the area schema; read only its views"
    )
    with small_term.cursor() as cursor:
        cursor.execute(
            "SELECT area_code, value FROM mart.area_item_value WHERE item_name = 'students_per_district'"
        )
        assert cursor.fetchall() == [
            ("51", {"academic_year": 2566, "term": 1, "area_code": "51", "students": 8})
        ]
        cursor.execute("SELECT item_name, status FROM mart.area_item_run ORDER BY item_name")
        assert cursor.fetchall() == [("reads_core", "rejected"), ("students_per_district", "succeeded")]
    with (tmp_path / "out/area_items/students_per_district/province_51.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        assert list(csv.reader(handle)) == [
            ["academic_year", "term", "area_code", "students"],
            ["2566", "1", "51", "8"],
        ]


def test_shipped_items_run(small_term, tmp_path):
    result = compute_area_items(small_term, 2566, 1, tmp_path)
    assert {name: item["status"] for name, item in result["items"].items()} == {
        "out_of_school_children_by_district": "succeeded",
        "small_school_students_per_teacher": "succeeded",
        "students_by_province_and_level": "succeeded",
    }
    assert result["items"]["small_school_students_per_teacher"]["rows"] == 1
    assert result["items"]["students_by_province_and_level"]["rows"] == 1
