"""Submission summaries (term 1 steps 5 and 7, term 2 step 2): what an agency, or one school,
sent for a term, read from the receipts (intake.submission) and the validation results
(quality.issue).

For each of the eight datasets a summary gives the file, its rows, whether it came on time, the
open errors and queries, and, when nothing was accepted, whether the dataset is missing or not due
yet. Curricula, academic results and land are due at the end of the late window (31 August in
term 1 of 2566). The others are due at the end of the submission window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from exchange import calendar
from exchange.contracts import DATASETS, load_contract
from exchange.warehouse import read_sql


@dataclass
class DatasetLine:
    dataset: str
    title_th: str
    due_date: dt.date
    # accepted, rejected (files received, none accepted), missing (due date passed, nothing
    # received), not_yet_due, or for a school: no_records (the agency's file has none of its rows).
    status: str
    file_name: str | None = None
    received_at: dt.datetime | None = None
    on_time: bool | None = None
    records: int = 0
    files_received: int = 0
    reason: str | None = None
    errors: int = 0
    queries: int = 0
    records_with_errors: int = 0


@dataclass
class RuleLine:
    dataset: str
    rule_id: str
    severity: str
    message_th: str
    issues: int
    records: int


@dataclass
class Summary:
    kind: str  # agency or school
    academic_year: int
    term: int
    as_of: dt.date
    status_at: dt.datetime
    agency: str
    agency_name_th: str
    school_code: str | None = None
    school_name: str | None = None
    datasets: list[DatasetLine] = field(default_factory=list)
    rules: list[RuleLine] = field(default_factory=list)

    @property
    def missing(self) -> list[DatasetLine]:
        return [line for line in self.datasets if line.status in ("missing", "rejected", "no_records")]

    @property
    def not_yet_due(self) -> list[DatasetLine]:
        return [line for line in self.datasets if line.status == "not_yet_due"]

    @property
    def records(self) -> int:
        return sum(line.records for line in self.datasets)


def due_dates(academic_year: int, term: int) -> dict[str, tuple[dt.date, dt.datetime]]:
    """Return each dataset's due date and the moment its window closes, from the plan.

    Datasets due 'late' in their contract close with the term's late window when it has one
    (term 1), else with the submission window.
    """
    plan_term = calendar.get_term(academic_year, term)
    main = plan_term.step("submission_intake")
    late = next((step for step in plan_term.steps if step.activity == "late_dataset_intake"), main)
    return {
        dataset: (
            (late if load_contract(dataset).due == "late" else main).end,
            (late if load_contract(dataset).due == "late" else main).window_end,
        )
        for dataset in DATASETS
    }


def _rows(connection, sql_file: str, parameters: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(read_sql(sql_file), parameters)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    connection.commit()
    return rows


def _agency_names(connection) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT agency, name_th FROM reference.agency")
        names = dict(cursor.fetchall())
    connection.commit()
    return names


def _receipt_line(
    dataset: str, receipts: list[dict], due: tuple[dt.date, dt.datetime], at: dt.datetime
) -> DatasetLine:
    line = DatasetLine(dataset, load_contract(dataset).title_th, due[0], "missing")
    line.files_received = receipts[0]["files_received"] if receipts else 0
    accepted = next((receipt for receipt in receipts if receipt["status"] == "accepted"), None)
    described = accepted or (receipts[0] if receipts else None)
    if described is None:
        line.status = "not_yet_due" if at < due[1] else "missing"
        return line
    line.status = "accepted" if accepted else "rejected"
    line.file_name = described["file_name"]
    line.received_at = described["received_at"].astimezone(calendar.BANGKOK)
    line.on_time = described["on_time"]
    line.records = (described["rows"] or 0) if accepted else 0
    line.reason = None if accepted else described["reason"]
    return line


def _term_context(
    connection, academic_year: int, term: int, at: dt.datetime | None, agency: str | None
) -> dict:
    moment = at or dt.datetime.now(tz=calendar.BANGKOK)
    return {
        "parameters": {"academic_year": academic_year, "term": term, "agency": agency},
        "at": moment.astimezone(calendar.BANGKOK),
        "as_of": calendar.get_term(academic_year, term).as_of,
        "due": due_dates(academic_year, term),
        "names": _agency_names(connection),
    }


def agency_summaries(
    connection, academic_year: int, term: int, at: dt.datetime | None = None, agency: str | None = None
) -> list[Summary]:
    """Return one summary per agency that sent anything for the term (or for `agency` only).

    `at` is the moment the summary describes (default now): a dataset with nothing received is
    'not_yet_due' before its window closes and 'missing' after.
    """
    context = _term_context(connection, academic_year, term, at, agency)
    parameters = context["parameters"]
    receipts: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(connection, "documents/summary_receipts.sql", parameters):
        receipts[row["agency"]][row["dataset"]].append(row)
    issues = defaultdict(list)
    for row in _rows(connection, "documents/summary_issues.sql", parameters):
        issues[row["agency"]].append(row)
    flagged = {
        (row["agency"], row["dataset"]): row
        for row in _rows(connection, "documents/summary_records_with_issues.sql", parameters)
    }
    agencies = sorted(receipts) if agency is None else [agency]
    summaries = []
    for code in agencies:
        summary = Summary(
            "agency",
            academic_year,
            term,
            context["as_of"],
            context["at"],
            code,
            context["names"].get(code, code),
        )
        for dataset in DATASETS:
            line = _receipt_line(dataset, receipts[code][dataset], context["due"][dataset], context["at"])
            line.records_with_errors = flagged.get((code, dataset), {}).get("records_with_errors", 0)
            summary.datasets.append(line)
        by_dataset = {line.dataset: line for line in summary.datasets}
        for row in issues[code]:
            summary.rules.append(
                RuleLine(
                    row["dataset"],
                    row["rule_id"],
                    row["severity"],
                    row["message_th"] or "",
                    row["issues"],
                    row["records"],
                )
            )
            target = by_dataset[row["dataset"]]
            if row["severity"] == "error":
                target.errors += row["issues"]
            else:
                target.queries += row["issues"]
        summaries.append(summary)
    return summaries


def school_provinces(connection, academic_year: int, term: int) -> list[str]:
    """Return the province digits of the term's school codes, the groups school summaries are
    written in."""
    rows = _rows(connection, "documents/school_provinces.sql", {"academic_year": academic_year, "term": term})
    return [row["province"] for row in rows]


def school_summaries(
    connection,
    academic_year: int,
    term: int,
    at: dt.datetime | None = None,
    agency: str | None = None,
    province: str | None = None,
) -> list[Summary]:
    """Return one summary per school of the term: the school's own records in its agency's
    accepted submissions and the open issues on them, for the school's own pre-check.

    `province` limits them to the schools whose code has these province digits (AA PP NNNNNN).
    """
    context = _term_context(connection, academic_year, term, at, agency)
    parameters = context["parameters"] | {"province": province}
    agency_lines = {
        summary.agency: {line.dataset: line for line in summary.datasets}
        for summary in agency_summaries(connection, academic_year, term, at=context["at"], agency=agency)
    }
    records: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in _rows(connection, "documents/school_summary_rows.sql", parameters):
        records[(row["agency"], row["school_code"])][row["dataset"]] = row["records"]
    issues = defaultdict(list)
    for row in _rows(connection, "documents/school_summary_issues.sql", parameters):
        if row["school_code"] is not None:
            issues[(row["agency"], row["school_code"])].append(row)
    flagged = {
        (row["agency"], row["school_code"], row["dataset"]): row["records_with_errors"]
        for row in _rows(connection, "documents/school_records_with_errors.sql", parameters)
    }
    names = {
        (row["agency"], row["school_code"]): row["school_name"]
        for row in _rows(connection, "documents/school_names.sql", parameters)
    }
    summaries = []
    for (code, school_code), counts in sorted(records.items()):
        summary = Summary(
            "school",
            academic_year,
            term,
            context["as_of"],
            context["at"],
            code,
            context["names"].get(code, code),
            school_code,
            names.get((code, school_code)),
        )
        for dataset in DATASETS:
            source = agency_lines.get(code, {}).get(dataset)
            line = DatasetLine(
                dataset,
                load_contract(dataset).title_th,
                context["due"][dataset][0],
                source.status if source else "missing",
            )
            if source is not None and source.status == "accepted":
                line.file_name, line.received_at, line.on_time = (
                    source.file_name,
                    source.received_at,
                    source.on_time,
                )
                line.files_received = source.files_received
                line.records = counts.get(dataset, 0)
                line.records_with_errors = flagged.get((code, school_code, dataset), 0)
                if line.records == 0:
                    line.status = "no_records"
            elif source is not None:
                line.reason = source.reason
            summary.datasets.append(line)
        by_dataset = {line.dataset: line for line in summary.datasets}
        for row in issues[(code, school_code)]:
            summary.rules.append(
                RuleLine(
                    row["dataset"],
                    row["rule_id"],
                    row["severity"],
                    row["message_th"] or "",
                    row["issues"],
                    row["records"],
                )
            )
            target = by_dataset[row["dataset"]]
            if row["severity"] == "error":
                target.errors += row["issues"]
            else:
                target.queries += row["issues"]
        summaries.append(summary)
    return summaries
