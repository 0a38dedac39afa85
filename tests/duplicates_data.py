"""A small term for the duplicate-student tests: accepted submissions with school and student
records inserted directly with SQL, numbered from source row 2 as a spreadsheet numbers rows
under a header.

Schools used (code, agency, province, region): 1010000001 and 1010000002 (OBEC, Bangkok 10,
region 1), 1111000003 (OPEC, Samut Prakan 11, region 1), 1014000004 (OBEC, Ayutthaya 14,
region 2) and 3050000005 (DLA, Chiang Mai 50, region 15).
"""

from __future__ import annotations

import datetime as dt
import itertools

from exchange.warehouse import transaction

YEAR = 2566
TERM = 1
BANGKOK = dt.timezone(dt.timedelta(hours=7))
SCHOOLS = (
    ("1010000001", "OBEC", "โรงเรียนวัดทดสอบหนึ่ง", "10"),
    ("1010000002", "OBEC", "โรงเรียนวัดทดสอบสอง", "10"),
    ("1111000003", "OPEC", "โรงเรียนเอกชนทดสอบ", "11"),
    ("1014000004", "OBEC", "โรงเรียนอยุธยาทดสอบ", "14"),
    ("3050000005", "DLA", "โรงเรียนเทศบาลทดสอบ", "50"),
)
AGENCY_OF = {code: agency for code, agency, _name, _province in SCHOOLS}

def thai_id(serial: int, person_type: int = 1) -> str:
    """Return a valid Thai personal ID (check digit included) built from a serial number."""
    digits = f"{person_type}{serial:011d}"
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits))
    return digits + str((11 - total % 11) % 10)


class TermData:
    """Inserts the term's submissions and records; one accepted submission per agency and dataset."""

    def __init__(self, connection, academic_year: int = YEAR, term: int = TERM):
        self.connection = connection
        self.academic_year = academic_year
        self.term = term
        self._submissions: dict[tuple[str, str], int] = {}
        self._next_row: dict[int, itertools.count] = {}

    def submission(self, agency: str, dataset: str) -> int:
        key = (agency, dataset)
        if key not in self._submissions:
            with transaction(self.connection) as cursor:
                cursor.execute(
                    """
                    INSERT INTO intake.submission (academic_year, term, agency, dataset, as_of_date,
                                                   file_name, sha256, bytes, rows, received_at, on_time,
                                                   status)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 0, %s, true, 'accepted')
                    RETURNING submission_id
                    """,
                    (self.academic_year, self.term, agency, dataset, dt.date(2023, 6, 10), f"{dataset}.csv",
                     f"{agency}-{dataset}-{self.academic_year}-{self.term}",
                     dt.datetime(2023, 6, 20, tzinfo=BANGKOK)),
                )
                submission_id = cursor.fetchone()[0]
            self._submissions[key] = submission_id
            self._next_row[submission_id] = itertools.count(2)
        return self._submissions[key]

    def schools(self) -> None:
        for code, agency, name, province in SCHOOLS:
            self._insert(agency, "schools", {"school_code": code, "school_name": name,
                                             "affiliation_code": code[:2], "province_code": province})

    def student(self, school_code: str, personal_id: str | None, first_name: str = "สมชาย",
                last_name: str = "ใจดี", gender: str = "M", birth_date: str = "2016-03-01",
                grade: str = "ป.1") -> tuple[int, int]:
        return self._insert(AGENCY_OF.get(school_code, "OBEC"), "students", {
            "school_code": school_code, "personal_id": personal_id, "first_name": first_name,
            "last_name": last_name, "gender": gender, "birth_date": birth_date, "grade": grade,
            "enrolment_date": "2023-05-16",
        })

    def issue(self, record: tuple[int, int], rule_id: str = "STU-011", severity: str = "error") -> None:
        """Record an open issue on the record's personal_id, under a validation run of its submission."""
        submission_id, source_row = record
        with transaction(self.connection) as cursor:
            cursor.execute(
                "INSERT INTO quality.validation_run (submission_id, suite_name, suite_sha256) "
                "VALUES (%s, 'students', 'test') RETURNING run_id",
                (submission_id,),
            )
            run_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO quality.issue (submission_id, run_id, source_row, column_name, rule_id, severity) "
                "VALUES (%s, %s, %s, 'personal_id', %s, %s)",
                (submission_id, run_id, source_row, rule_id, severity),
            )

    def remove(self, record: tuple[int, int]) -> None:
        with transaction(self.connection) as cursor:
            cursor.execute("DELETE FROM core.students WHERE submission_id = %s AND source_row = %s", record)

    def _insert(self, agency: str, dataset: str, columns: dict) -> tuple[int, int]:
        submission_id = self.submission(agency, dataset)
        source_row = next(self._next_row[submission_id])
        names = ["submission_id", "source_row", *columns]
        with transaction(self.connection) as cursor:
            cursor.execute(
                f"INSERT INTO core.{dataset} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                (submission_id, source_row, *columns.values()),
            )
        return submission_id, source_row


def case_of(connection, school_codes: list[str]) -> int:
    """Return the id of the one open case whose schools are exactly `school_codes`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT case_id FROM dedup.case_school GROUP BY case_id
            HAVING array_agg(school_code ORDER BY school_code) = %s::text[]
            """,
            (sorted(school_codes),),
        )
        rows = cursor.fetchall()
    connection.rollback()
    assert len(rows) == 1, f"expected one case for {school_codes}, found {len(rows)}"
    return rows[0][0]


def query(connection, statement: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    connection.rollback()
    return rows
