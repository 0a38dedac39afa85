"""Area statistics (term 1 steps 11–12, term 2 steps 6–7): students, schools and teachers per
region, inspection zone and province, and per district for the area data items.

Students are the children the budget counts (each child once, by the rule in docs/outputs.md), so
every area table adds up to the national total of mart.student_statistic.
"""

from __future__ import annotations

import csv
import logging

from exchange import settings
from exchange.outputs import counting
from exchange.outputs.statistics import refresh_statistics
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

ZONES_FILE = settings.REFERENCE_DIR / "inspection-zones.csv"
AREA_TABLES = (
    "area_student_statistic",
    "area_school_statistic",
    "school_profile",
    "district_student_statistic",
    "district_student_continuity",
)
AREA_TYPES = ("national", "region", "inspection_zone", "province")
# In this order: the district and area tables read mart.school_profile.
INSERTS = (
    ("school_profile", "school_profiles_insert.sql"),
    ("district_student_statistic", "district_student_statistics_insert.sql"),
    ("area_student_statistic", "area_student_statistics_insert.sql"),
    ("area_school_statistic", "area_school_statistics_insert.sql"),
    ("district_student_continuity", "district_continuity_insert.sql"),
)


def read_inspection_zones() -> list[dict]:
    """Return the rows of include/reference/inspection-zones.csv, checking that every code is given."""
    with ZONES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if not (row["province_code"] and row["inspection_zone"] and row["zone_name_th"]):
            raise ValueError(
                f"{ZONES_FILE.name} row {number}: "
                "province_code, inspection_zone and zone_name_th are required"
            )
    return rows


def load_inspection_zones(connection) -> int:
    """Replace reference.inspection_zone with the CSV file's mapping; return the provinces loaded.

    Raises ValueError when a province of reference.province has no zone, because its students
    would fall out of every zone total.
    """
    rows = read_inspection_zones()
    with transaction(connection) as cursor:
        cursor.execute("DELETE FROM reference.inspection_zone")
        cursor.executemany(
            """
            INSERT INTO reference.inspection_zone (province_code, inspection_zone, zone_name_th, sort_order)
            VALUES (%s, %s, %s, %s)
            """,
            [
                (row["province_code"], row["inspection_zone"], row["zone_name_th"], int(row["sort_order"]))
                for row in rows
            ],
        )
        cursor.execute(
            """
            SELECT array_agg(province_code ORDER BY province_code) FROM reference.province
            WHERE province_code NOT IN (SELECT province_code FROM reference.inspection_zone)
            """
        )
        missing = cursor.fetchone()[0]
        if missing:
            raise ValueError(
                f"provinces {', '.join(missing)} have no inspection zone in {ZONES_FILE.name}; "
                "add a row for each"
            )
    return len(rows)


def refresh_area_statistics(
    connection, academic_year: int, term: int, refresh_term_statistics: bool = True
) -> dict:
    """Replace the term's area statistics in the mart schema, in one transaction.

    With `refresh_term_statistics` it first runs `refresh_statistics`, so the views that area data
    items read (area.student_count, area.teacher_ratio, area.student_change) describe the same
    records. A caller that has just run it passes False. Then it loads the inspection zones,
    counts the students by the counting rule and fills mart.school_profile, mart.district_student_statistic,
    mart.area_student_statistic, mart.area_school_statistic and mart.district_student_continuity
    (children of the previous term followed into this one). Returns the rows written per table.
    """
    if refresh_term_statistics:
        refresh_statistics(connection, academic_year, term)
    zones = load_inspection_zones(connection)
    parameters = counting.term_parameters(academic_year, term)
    previous_year, previous_term = counting.previous_term(academic_year, term)
    parameters |= {"previous_academic_year": previous_year, "previous_term": previous_term}

    rows: dict[str, int] = {}
    with transaction(connection) as cursor:
        counting.delete_term_rows(cursor, AREA_TABLES, parameters)
        counts = counting.prepare_counted_students(cursor, parameters)
        cursor.execute("DROP TABLE IF EXISTS pg_temp.school_teacher")
        cursor.execute(read_sql("outputs/school_teachers.sql"), parameters)
        for table, file_name in INSERTS:
            cursor.execute(read_sql(f"documents/{file_name}"), parameters)
            rows[table] = cursor.rowcount
    log.info("Area statistics for term %s of %s: %s zones loaded, rows %s", term, academic_year, zones, rows)
    return {
        "academic_year": academic_year,
        "term": term,
        "students": counts["counted_students"],
        "inspection_zone_provinces": zones,
        "rows": rows,
    }
