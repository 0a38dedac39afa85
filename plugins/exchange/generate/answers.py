"""Simulated office answers for the demo: fills the offices' work packages as offices would.

For each case one school answers "studying here" and the others "moved or left", except a set
share of cases left unanswered and a set share where two schools both claim the child, so that
the verification step has cases to resolve and cases to escalate to the provincial committee.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import os
from collections import defaultdict
from pathlib import Path

from exchange.calendar import BANGKOK, Step
from exchange.duplicates.labels import YES_TH, answer_choice
from exchange.duplicates.packages import COLUMNS

log = logging.getLogger(__name__)

STUDYING_HERE, MOVED_OR_LEFT = 100, 203
ANSWERING_OFFICES = ("provincial_office-", "regional_office-")


def _share(seed: int, case_id: str, purpose: str) -> float:
    """Return a number in [0, 1) fixed by the seed, the case and the purpose."""
    digest = hashlib.sha256(f"{seed}/{case_id}/{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def simulate_answers(
    packages_dir: Path,
    answers_dir: Path,
    seed: int,
    window: Step,
    unanswered_share: float = 0.05,
    conflicting_share: float = 0.05,
) -> dict:
    """Write one answer file per provincial and regional office work package; return counts."""
    column = {key: index for index, (key, _header, _width) in enumerate(COLUMNS)}
    packages = sorted(
        path for path in Path(packages_dir).glob("*.csv") if path.name.startswith(ANSWERING_OFFICES)
    )
    schools_of_case: dict[str, set[str]] = defaultdict(set)
    contents = {}
    for path in packages:
        header, rows = _read(path)
        contents[path] = (header, rows)
        for row in rows:
            schools_of_case[row[column["case_id"]]].add(row[column["school_code"]])

    answered_at = dt.datetime.combine(window.start + dt.timedelta(days=14), dt.time(10), tzinfo=BANGKOK)
    answers_dir.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, int] = defaultdict(int)
    for path, (header, rows) in contents.items():
        for row in rows:
            if row[column["to_answer"]] != YES_TH:
                continue
            case_id, school = row[column["case_id"]], row[column["school_code"]]
            schools = sorted(schools_of_case[case_id])
            studying = schools[int(_share(seed, case_id, "school") * len(schools))]
            chance = _share(seed, case_id, "outcome")
            if chance < unanswered_share:
                continue
            if chance < unanswered_share + conflicting_share or school == studying:
                code = STUDYING_HERE
            else:
                code = MOVED_OR_LEFT
            row[column["answer"]] = answer_choice(code)
            outcomes[str(code)] += 1
        target = answers_dir / path.name
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.utime(target, (answered_at.timestamp(), answered_at.timestamp()))
    log.info(
        "Simulated answers for %s work packages and %s cases: %s",
        len(contents),
        len(schools_of_case),
        dict(outcomes),
    )
    return {"files": len(contents), "cases": len(schools_of_case), "answers": dict(outcomes)}
