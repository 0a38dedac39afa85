"""Builds a small term in the warehouse for the output tests: accepted submissions, student,
school and teacher records, issues and duplicate cases, inserted directly with SQL.

Each student record gets the next source row of its agency's submission, starting at 2 as a
spreadsheet numbers rows under a header.
"""

from __future__ import annotations

import datetime as dt
import itertools

from exchange.warehouse import transaction

YEAR = 2566
TERM = 1
BANGKOK = dt.timezone(dt.timedelta(hours=7))
DATASET_OF_RULE = {"STU": "students", "TCH": "teachers", "SCH": "schools"}


def thai_id(serial: int) -> str:
    """Return a valid 13-digit Thai personal ID (check digit included) built from a serial number."""
    digits = f"1{serial:011d}"
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(digits))
    return digits + str((11 - total % 11) % 10)


class TermData:
    def __init__(self, connection, academic_year: int = YEAR, term: int = TERM):
        self.connection = connection
        self.academic_year = academic_year
        self.term = term
        self._submissions: dict[tuple[str, str], int] = {}
        self._next_row: dict[int, itertools.count] = {}
        self._runs: dict[int, int] = {}

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
                    (
                        self.academic_year,
                        self.term,
                        agency,
                        dataset,
                        dt.date(2023, 6, 10),
                        f"{dataset}.csv",
                        f"{agency}-{dataset}-{self.academic_year}-{self.term}",
                        dt.datetime(2023, 6, 20, tzinfo=BANGKOK),
                    ),
                )
                submission_id = cursor.fetchone()[0]
            self._submissions[key] = submission_id
            self._next_row[submission_id] = itertools.count(2)
        return self._submissions[key]

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

    def student(
        self,
        agency: str,
        school_code: str,
        personal_id: str | None,
        grade: str = "ป.1",
        gender: str = "M",
        birth_date: str | None = "2016-03-01",
        enrolment_date: str | None = "2023-05-16",
    ) -> tuple[int, int]:
        return self._insert(
            agency,
            "students",
            {
                "school_code": school_code,
                "personal_id": personal_id,
                "first_name": "ทดสอบ",
                "last_name": "ระบบ",
                "gender": gender,
                "birth_date": birth_date,
                "grade": grade,
                "enrolment_date": enrolment_date,
            },
        )

    def school(self, agency: str, school_code: str, school_name: str, province_code: str) -> tuple[int, int]:
        return self._insert(
            agency,
            "schools",
            {
                "school_code": school_code,
                "school_name": school_name,
                "affiliation_code": school_code[:2],
                "province_code": province_code,
            },
        )

    def teacher(self, agency: str, school_code: str, personal_id: str) -> tuple[int, int]:
        return self._insert(
            agency,
            "teachers",
            {
                "school_code": school_code,
                "personal_id": personal_id,
                "first_name": "ครู",
                "last_name": "ทดสอบ",
                "gender": "F",
                "birth_date": "1985-01-01",
                "position": "ครู",
            },
        )

    def issue(self, record: tuple[int, int], rule_id: str, column_name: str, severity: str = "error") -> None:
        """Record an open issue on a record, in a validation run of the record's submission."""
        submission_id, source_row = record
        with transaction(self.connection) as cursor:
            cursor.execute(
                """
                INSERT INTO quality.rule (rule_id, dataset, column_name, severity, message_th, message_en,
                                          fix_th, fix_en)
                VALUES (%s, %s, %s, %s, 'ทดสอบ', 'test rule', 'แก้ไข', 'fix it')
                ON CONFLICT (rule_id) DO NOTHING
                """,
                (rule_id, DATASET_OF_RULE[rule_id[:3]], column_name, severity),
            )
            if submission_id not in self._runs:
                cursor.execute(
                    """
                    INSERT INTO quality.validation_run (submission_id, suite_name, suite_sha256)
                    VALUES (%s, 'test', 'test') RETURNING run_id
                    """,
                    (submission_id,),
                )
                self._runs[submission_id] = cursor.fetchone()[0]
            cursor.execute(
                """
                INSERT INTO quality.issue (submission_id, run_id, source_row, column_name, rule_id, severity)
                VALUES (%s, %s, %s, %s, %s, %s)
                """,
                (submission_id, self._runs[submission_id], source_row, column_name, rule_id, severity),
            )

    def duplicate_case(
        self,
        kind: str,
        match_key: str,
        records: list[tuple[int, int, str, str]],
        status: str = "open",
        confirmed_school_code: str | None = None,
        level: str = "province",
    ) -> int:
        """Insert a case with its records (submission_id, source_row, school_code, agency)."""
        with transaction(self.connection) as cursor:
            cursor.execute(
                """
                INSERT INTO dedup.duplicate_case (academic_year, term, kind, match_key, level, status,
                                                  confirmed_school_code)
                VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING case_id
                """,
                (self.academic_year, self.term, kind, match_key, level, status, confirmed_school_code),
            )
            case_id = cursor.fetchone()[0]
            for submission_id, source_row, school_code, agency in records:
                cursor.execute(
                    "INSERT INTO dedup.case_record VALUES (%s, %s, %s, %s, %s)",
                    (case_id, submission_id, source_row, school_code, agency),
                )
                cursor.execute(
                    """
                    INSERT INTO dedup.case_school (case_id, school_code, province_code, region, agency)
                    SELECT %s, %s, province_code, region, %s FROM reference.province WHERE province_code = %s
                    ON CONFLICT DO NOTHING
                    """,
                    (case_id, school_code, agency, school_code[2:4]),
                )
        return case_id

    def route(self, case_id: int, office_id: str) -> None:
        office_type, code = office_id.split(":")
        with transaction(self.connection) as cursor:
            cursor.execute(
                """
                INSERT INTO dedup.case_route (case_id, office_id, office_type, province_code, region)
                VALUES (%s, %s, %s, %s, %s)
                """,
                (
                    case_id,
                    office_id,
                    office_type,
                    code if office_type == "provincial_office" else None,
                    int(code) if office_type == "regional_office" else None,
                ),
            )

    def answer(
        self,
        case_id: int,
        school_code: str,
        answered_by: str,
        answered_at: dt.datetime,
        answer_code: int = 100,
    ) -> None:
        """Record an office's answer for one school of a case."""
        with transaction(self.connection) as cursor:
            cursor.execute(
                """
                INSERT INTO dedup.case_answer (case_id, school_code, answer_code, answered_by, answered_at)
                VALUES (%s, %s, %s, %s, %s)
                """,
                (case_id, school_code, answer_code, answered_by, answered_at),
            )
