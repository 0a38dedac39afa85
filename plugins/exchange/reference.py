"""Loads the reference tables (agencies, geography, regional offices, grades) into the warehouse."""

from __future__ import annotations

import csv
import json
import logging

from exchange import settings
from exchange.warehouse import transaction

log = logging.getLogger(__name__)


def _csv_rows(name: str) -> list[dict]:
    with (settings.REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _json_rows(name: str) -> list[dict]:
    return json.loads((settings.REFERENCE_DIR / "geography" / name).read_text(encoding="utf-8"))


def _upsert(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    key = columns[0]
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    statement = (
        f"INSERT INTO reference.{table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )
    cursor.executemany(statement, rows)


def load_reference(connection) -> dict[str, int]:
    """Insert or update every reference table in one transaction; return rows per table."""
    regional = _csv_rows("regional-offices.csv")
    offices = sorted({(int(row["region"]), f"{int(row['seat_province_code']):02d}") for row in regional})
    region_of = {f"{int(row['province_code']):02d}": int(row["region"]) for row in regional}
    provinces = [
        (
            f"{row['provinceCode']:02d}",
            row["provinceNameTh"],
            row["provinceNameEn"],
            region_of[f"{row['provinceCode']:02d}"],
        )
        for row in _json_rows("provinces.json")
    ]
    districts = [
        (str(row["districtCode"]), f"{row['provinceCode']:02d}", row["districtNameTh"], row["districtNameEn"])
        for row in _json_rows("districts.json")
    ]
    subdistricts = [
        (
            str(row["subdistrictCode"]),
            str(row["districtCode"]),
            row["subdistrictNameTh"],
            row["subdistrictNameEn"],
        )
        for row in _json_rows("subdistricts.json")
    ]
    agencies = [
        (row["agency"], row["affiliation_code"], row["name_th"], row["name_en"])
        for row in _csv_rows("agencies.csv")
    ]
    grades = [
        (
            row["grade"],
            row["level"],
            row["level_th"],
            int(row["expected_age"]),
            int(row["min_age"]),
            int(row["max_age"]),
            int(row["sort_order"]),
        )
        for row in _csv_rows("grades.csv")
    ]
    with transaction(connection) as cursor:
        _upsert(cursor, "regional_office", ["region", "seat_province_code"], offices)
        _upsert(cursor, "province", ["province_code", "name_th", "name_en", "region"], provinces)
        _upsert(cursor, "district", ["district_code", "province_code", "name_th", "name_en"], districts)
        _upsert(
            cursor, "subdistrict", ["subdistrict_code", "district_code", "name_th", "name_en"], subdistricts
        )
        _upsert(cursor, "agency", ["agency", "affiliation_code", "name_th", "name_en"], agencies)
        _upsert(
            cursor,
            "grade",
            ["grade", "level", "level_th", "expected_age", "min_age", "max_age", "sort_order"],
            grades,
        )
    counts = {
        "regional_office": len(offices),
        "province": len(provinces),
        "district": len(districts),
        "subdistrict": len(subdistricts),
        "agency": len(agencies),
        "grade": len(grades),
    }
    log.info("Reference tables loaded: %s", counts)
    return counts


def known_agencies(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT agency FROM reference.agency")
        return {row[0] for row in cursor.fetchall()}
