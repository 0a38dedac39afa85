"""The ground truth of a generated term: files, injected faults, duplicates and expected counts.

It contains personal IDs because it is the test oracle, so it belongs beside the generated
files and never in a public output folder.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from exchange.generate.duplicates import DuplicatePlan, PlannedRecord
from exchange.generate.students import FAULT_RULES
from exchange.generate.table import Table


class GroundTruth:
    """Collects what the generator did while the files are written."""

    def __init__(self, header: dict, duplicate_plan: DuplicatePlan) -> None:
        self.header = header
        self.files: dict[str, dict] = {}
        self.issues: list[dict] = []
        self.duplicates = duplicate_plan.duplicates
        self.near_duplicates = duplicate_plan.near_duplicates
        self.student_rows = 0
        self.student_error_rows = 0
        self.fault_counts: Counter = Counter()

    def add_file(self, relative_path: str, entry: dict) -> None:
        self.files[relative_path] = entry

    def record_rows(
        self, agency: str, relative_path: str, table: Table, first_row: int, records: list[PlannedRecord]
    ) -> None:
        """Record the faults and planned records of rows written from ``first_row`` on."""
        self.files[relative_path]["rows"] += len(table)
        for index in np.flatnonzero(table.fault != "").tolist():
            fault, column = table.fault[index], table.fault_column[index]
            rule_id, severity = FAULT_RULES[(table.dataset, fault, column)]
            self.issues.append(
                {
                    "agency": agency,
                    "dataset": table.dataset,
                    "file": relative_path,
                    "row": first_row + index,
                    "column": column,
                    "rule_id": rule_id,
                    "severity": severity,
                    "fault": fault,
                }
            )
            self.fault_counts[f"{table.dataset}.{fault}"] += 1
            if table.dataset == "students" and severity == "error":
                self.student_error_rows += 1
        if table.dataset != "students":
            return
        self.student_rows += len(table)
        for index in np.flatnonzero(table.planned >= 0).tolist():
            record = records[table.planned[index]]
            groups = self.duplicates if record.kind == "duplicate" else self.near_duplicates
            groups[record.group]["records"][record.slot] = {
                "file": relative_path,
                "row": first_row + index,
                "school_code": table.columns["school_code"][index],
                "personal_id": record.personal_id,
            }

    def counts(self) -> dict:
        """Return the expected student counts.

        - ``students_rows``: every student row;
        - ``students_error_rows``: rows with an error-severity fault;
        - ``distinct_personal_ids_counted``: distinct personal_id values among the other rows, so
          rows with only a query fault count;
        - ``distinct_children``: the children among those rows, where the two IDs of a
          near-duplicate pair are one child.
        """
        counted_rows = self.student_rows - self.student_error_rows
        repeated = sum(len(group["records"]) - 1 for group in self.duplicates)
        distinct_ids = counted_rows - repeated
        second_ids_counted = sum(
            1 for pair in self.near_duplicates if pair["kind"] == "g_code" or pair.get("check_digit_valid")
        )
        return {
            "students_rows": self.student_rows,
            "students_error_rows": self.student_error_rows,
            "distinct_personal_ids_counted": distinct_ids,
            "distinct_children": distinct_ids - second_ids_counted,
        }

    def write(self, path: Path) -> dict:
        """Write the ground truth as JSON and return it."""
        self.issues.sort(key=lambda issue: (issue["file"], issue["row"]))
        document = {
            **self.header,
            "files": dict(sorted(self.files.items())),
            "issues": self.issues,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "fault_counts": dict(sorted(self.fault_counts.items())),
            "counts": self.counts(),
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return document
