"""Files and helpers for the rule tests: CSV files loaded through the real intake path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg2
from exchange import calendar, ids, intake
from exchange.contracts import load_contract
from exchange.landing import LandingFile
from exchange.rules import validate_submission
from exchange.rules.gx_runner import GreatExpectationsRunner

TERM = calendar.get_term(2566, 1)
WINDOW = TERM.step("submission_intake")
ON_TIME = dt.datetime(2023, 6, 20, 10, 0, tzinfo=calendar.BANGKOK)
AGENCIES = {"OBEC", "OPEC", "BMA", "DLA", "ONIE", "OVEC"}

SCHOOL_A = "1010000001"
SCHOOL_B = "1010000002"
UNLISTED_SCHOOL = "1099999999"


def thai_id(number: int) -> str:
    """Return a valid Thai personal ID built from a small number."""
    return ids.make_thai_id(f"1{number:011d}")


def wrong_check_digit(personal_id: str) -> str:
    return personal_id[:12] + str((int(personal_id[12]) + 1) % 10)


def write_csv(path: Path, dataset: str, rows: list[dict]) -> Path:
    """Write rows as a CSV with the contract's column names as header; missing keys are empty."""
    columns = load_contract(dataset).column_names
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(str(row.get(column, "")) for column in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(connection, path: Path, dataset: str, agency: str = "OBEC", modified: dt.datetime = ON_TIME) -> int:
    """Load a file through intake and return its accepted submission id."""
    landing = LandingFile(agency, dataset, str(path), f"{agency}/{path.name}", modified, path.stat().st_size)
    receipt = intake.load_submission(connection, landing, TERM, WINDOW, AGENCIES)
    assert receipt.status == "accepted", receipt.reason
    return receipt.submission_id


def open_issues(connection, submission_id: int) -> dict[int, set[tuple[str, str, str]]]:
    """Return the submission's open issues as {source_row: {(column, rule_id, severity)}}."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_row, column_name, rule_id, severity FROM quality.issue "
            "WHERE submission_id = %s AND resolved_at IS NULL",
            (submission_id,),
        )
        found: dict[int, set] = {}
        for row, column, rule_id, severity in cursor.fetchall():
            found.setdefault(row, set()).add((column, rule_id, severity))
    connection.commit()
    return found


def schools_file(path: Path, codes: list[str]) -> Path:
    rows = [
        {
            "school_code": code,
            "school_name": f"โรงเรียนทดสอบ {index}",
            "affiliation_code": code[:2],
            "province_code": code[2:4],
        }
        for index, code in enumerate(codes, start=1)
    ]
    return write_csv(path, "schools", rows)


class ValidatedFile:
    """One file loaded into a fresh term of the session warehouse and validated once."""

    def __init__(
        self,
        address,
        folder: Path,
        dataset: str,
        rows: list[dict],
        agency: str = "OBEC",
        school_codes: tuple[str, ...] = (SCHOOL_A, SCHOOL_B),
    ):
        self.connection = psycopg2.connect(address.dsn())
        truncate_term_data(self.connection)
        runner = GreatExpectationsRunner(address, folder / "data_docs")
        if school_codes:
            schools_id = load(
                self.connection, schools_file(folder / "schools.csv", list(school_codes)), "schools"
            )
            validate_submission(self.connection, address, schools_id, runner=runner)
        self.submission_id = load(
            self.connection, write_csv(folder / f"{dataset}.csv", dataset, rows), dataset, agency
        )
        self.summary = validate_submission(self.connection, address, self.submission_id, runner=runner)
        self.issues = open_issues(self.connection, self.submission_id)

    def close(self) -> None:
        self.connection.close()


def truncate_term_data(connection) -> None:
    """Empty the term data, as the clean_warehouse fixture does, for module-scoped fixtures."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
            "WHERE schemaname IN ('intake', 'core', 'quality', 'dedup', 'mart', 'audit')"
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    connection.commit()
