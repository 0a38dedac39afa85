"""The numbers of the statistics yearbook, read from the mart and suppressed as the open data is.

Every table of counts of students goes through exchange.outputs.suppression (counts from 1 to 4
and the cells that protect them). The region, inspection-zone and province tables are those of
the area open data, with the same suppressed cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from exchange.documents.area_open_data import (
    area_names,
    load_area_data,
    province_table,
    suppressed_area_tables,
)
from exchange.outputs.suppression import THRESHOLD, TOTAL, CountTable, SuppressedTable, suppress
from exchange.warehouse import read_sql

GENDERS = ("M", "F")


class YearbookDataMissing(RuntimeError):
    """The year has no statistics in the mart, so there is nothing to print."""


@dataclass
class YearbookData:
    academic_year: int
    term: int
    as_of_date: object
    level_gender: SuppressedTable
    agency_level: SuppressedTable
    region_level: SuppressedTable
    zone_level: SuppressedTable
    province_level: SuppressedTable
    level_labels: dict
    agency_names: dict
    names: dict
    schools_by_band: list[tuple]
    school_rows: list[tuple]

    def school_row(self, area_type: str, area_code: str) -> tuple | None:
        return next((row for row in self.school_rows if row[0] == area_type and row[1] == area_code), None)


def _fetch(connection, statement: str, parameters: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall()
    connection.commit()
    return rows


def _keys(known: list[str], present: set[str]) -> list[str]:
    return [key for key in known if key in present] + sorted(present - set(known))


def shown_ratio(staffed_students: int, teachers: int, ratio) -> object:
    """Return students per teacher when both counts reach the threshold, else None."""
    return ratio if staffed_students >= THRESHOLD and teachers >= THRESHOLD else None


def has_statistics(connection, academic_year: int, term: int) -> bool:
    """Return True when the mart has both the statistics and the area statistics of the term."""
    rows = _fetch(
        connection,
        """
        SELECT EXISTS (SELECT 1 FROM mart.student_statistic
                       WHERE academic_year = %(academic_year)s AND term = %(term)s),
               EXISTS (SELECT 1 FROM mart.area_school_statistic
                       WHERE academic_year = %(academic_year)s AND term = %(term)s)
        """,
        {"academic_year": academic_year, "term": term},
    )
    return all(rows[0])


def load_yearbook_data(connection, academic_year: int, term: int) -> YearbookData:
    """Read and suppress every table of the yearbook; raise YearbookDataMissing without statistics."""
    if not has_statistics(connection, academic_year, term):
        raise YearbookDataMissing(
            f"no statistics for term {term} of {academic_year} in the mart: run refresh_statistics and "
            "refresh_area_statistics for that term first"
        )
    parameters = {"academic_year": academic_year, "term": term}
    data = load_area_data(connection, parameters)
    area_tables, province_suppressed = suppressed_area_tables(data)
    levels = data["levels"]

    national: dict[str, dict[tuple[str, str], int]] = {"level_gender": {}, "agency_level": {}}
    for table_name, row_key, column_key, students in _fetch(
        connection, read_sql("documents/yearbook_counts.sql"), parameters
    ):
        national[table_name][(row_key, column_key)] = students
    level_rows = _keys(levels, {row for row, _ in national["level_gender"]})
    genders = [*GENDERS, *sorted({column for _, column in national["level_gender"]} - set(GENDERS))]
    # A level total suppressed in the province table stays suppressed here.
    forced = {(level, TOTAL) for row, level in province_suppressed if row == TOTAL and level in level_rows}
    forced |= {(TOTAL, TOTAL)} if (TOTAL, TOTAL) in province_suppressed else set()
    level_gender = suppress(CountTable("level_gender", level_rows, genders, national["level_gender"]), forced)
    agencies = sorted({row for row, _ in national["agency_level"]})
    agency_columns = _keys(levels, {column for _, column in national["agency_level"]})
    agency_level = suppress(CountTable("agency_level", agencies, agency_columns, national["agency_level"]))

    as_of = _fetch(
        connection,
        "SELECT max(as_of_date) FROM intake.submission "
        "WHERE academic_year = %(academic_year)s AND term = %(term)s",
        parameters,
    )[0][0]
    return YearbookData(
        academic_year=academic_year,
        term=term,
        as_of_date=as_of,
        level_gender=level_gender,
        agency_level=agency_level,
        region_level=area_tables["students_by_region_level"],
        zone_level=area_tables["students_by_inspection_zone_level"],
        province_level=province_table(data),
        level_labels=data["level_labels"],
        agency_names=dict(_fetch(connection, "SELECT agency, name_th FROM reference.agency", {})),
        names=area_names(data),
        schools_by_band=_fetch(connection, read_sql("documents/yearbook_schools.sql"), parameters),
        school_rows=data["schools"],
    )
