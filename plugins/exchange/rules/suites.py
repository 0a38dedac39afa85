"""The ministry's rules: one Great Expectations suite per dataset under include/expectations/.

Every expectation's `meta` names the rule it checks: `rule_id`, `severity` ('error' must be
fixed, 'query' must be fixed or explained), and the Thai and English `message_*` and `fix_*`.
When the expectation tests a value derived from a column rather than the column itself,
`column_name` names the column the issue is reported on. Two expectations may share a rule id
when their failures cannot overlap (a required value that is missing, and one that is not in the
allowed set), and they must then agree on everything in `meta`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exchange import settings
from exchange.contracts import DATASETS

RULE_ID = re.compile(r"^[A-Z]{3}-\d{3}$")
SEVERITIES = ("error", "query")
RULE_FIELDS = ("severity", "column_name", "message_th", "message_en", "fix_th", "fix_en")
# Expectations that read the term's schools dataset. The school's own pre-check has no such
# dataset, so it leaves them out.
NEEDS_TERM_SCHOOLS = frozenset({"expect_column_values_to_be_school_codes_of_term"})


@dataclass(frozen=True)
class RuleExpectation:
    """One expectation of a suite and the rule it reports."""

    index: int
    type: str
    kwargs: dict
    meta: dict
    rule_id: str
    severity: str
    column_name: str

    @property
    def column(self) -> str:
        """Return the frame column the expectation evaluates."""
        return self.kwargs["column"]

    def to_gx(self) -> dict:
        return {"type": self.type, "kwargs": self.kwargs, "meta": self.meta}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    dataset: str
    column_name: str
    severity: str
    message_th: str
    message_en: str
    fix_th: str
    fix_en: str


@dataclass(frozen=True)
class Suite:
    dataset: str
    name: str
    path: Path
    sha256: str
    expectations: tuple[RuleExpectation, ...]

    def rules(self) -> list[Rule]:
        """Return each rule once, in the order of its first expectation."""
        seen: dict[str, Rule] = {}
        for expectation in self.expectations:
            if expectation.rule_id not in seen:
                meta = expectation.meta
                seen[expectation.rule_id] = Rule(
                    expectation.rule_id,
                    self.dataset,
                    expectation.column_name,
                    expectation.severity,
                    meta["message_th"],
                    meta["message_en"],
                    meta["fix_th"],
                    meta["fix_en"],
                )
        return list(seen.values())

    def without(
        self, types: frozenset[str] = frozenset(), rules: frozenset[str] = frozenset()
    ) -> tuple[RuleExpectation, ...]:
        """Return the expectations that are neither of the given types nor of the given rules."""
        return tuple(
            expectation
            for expectation in self.expectations
            if expectation.type not in types and expectation.rule_id not in rules
        )

    def rules_using(self, parameter: str) -> frozenset[str]:
        """Return the rule ids of expectations that refer to a suite parameter."""
        return frozenset(
            expectation.rule_id
            for expectation in self.expectations
            if {"$PARAMETER": parameter} in expectation.kwargs.values()
        )


def _rule_expectation(index: int, entry: dict, source: str) -> RuleExpectation:
    meta = entry.get("meta") or {}
    kwargs = entry.get("kwargs") or {}
    where = f"{source}: expectation {index + 1} ({entry.get('type')})"
    if "column" not in kwargs:
        raise ValueError(f"{where}: kwargs.column is missing; every rule checks one column")
    rule_id = meta.get("rule_id", "")
    if not RULE_ID.match(rule_id):
        raise ValueError(f"{where}: meta.rule_id {rule_id!r} is invalid; expected a code such as STU-001")
    if meta.get("severity") not in SEVERITIES:
        raise ValueError(
            f"{where}: meta.severity {meta.get('severity')!r} is invalid; expected error or query"
        )
    for field in ("message_th", "message_en", "fix_th", "fix_en"):
        if not str(meta.get(field, "")).strip():
            raise ValueError(f"{where}: meta.{field} is missing")
    return RuleExpectation(
        index=index,
        type=entry["type"],
        kwargs=kwargs,
        meta=meta,
        rule_id=rule_id,
        severity=meta["severity"],
        column_name=meta.get("column_name", kwargs["column"]),
    )


def parse_suite(dataset: str, document: dict, path: Path, sha256: str) -> Suite:
    """Check a suite document and return it with its rule metadata; raise ValueError if invalid."""
    source = str(path)
    if document.get("name") != dataset:
        raise ValueError(
            f"{source}: suite name {document.get('name')!r} must be the dataset name {dataset!r}"
        )
    expectations = tuple(
        _rule_expectation(index, entry, source)
        for index, entry in enumerate(document.get("expectations", []))
    )
    first_of_rule: dict[str, RuleExpectation] = {}
    for expectation in expectations:
        first = first_of_rule.setdefault(expectation.rule_id, expectation)
        view = {
            field: (expectation.column_name if field == "column_name" else expectation.meta.get(field))
            for field in RULE_FIELDS
        }
        first_view = {
            field: (first.column_name if field == "column_name" else first.meta.get(field))
            for field in RULE_FIELDS
        }
        if view != first_view:
            raise ValueError(
                f"{source}: expectations {first.index + 1} and {expectation.index + 1} share rule "
                f"{expectation.rule_id} but differ in {sorted(k for k in view if view[k] != first_view[k])}"
            )
    return Suite(dataset, dataset, path, sha256, expectations)


@cache
def load_suite(dataset: str, folder: Path | None = None) -> Suite:
    """Read and check the suite of one dataset from include/expectations/<dataset>.json."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: expected one of {', '.join(DATASETS)}")
    path = (folder or settings.EXPECTATIONS_DIR) / f"{dataset}.json"
    raw = path.read_bytes()
    return parse_suite(dataset, json.loads(raw), path, hashlib.sha256(raw).hexdigest())


def suite_parameters(cursor, academic_year: int, term: int, agency: str) -> dict:
    """Return the values the suites refer to as {"$PARAMETER": name}, read from reference tables."""
    cursor.execute("SELECT grade FROM reference.grade ORDER BY sort_order")
    grade_codes = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT province_code FROM reference.province ORDER BY province_code")
    province_codes = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT affiliation_code FROM reference.agency WHERE agency = %s", (agency,))
    affiliation_codes = [row[0] for row in cursor.fetchall()]
    return {
        "academic_year": academic_year,
        "term": term,
        "previous_academic_year": academic_year - 1,
        "grade_codes": grade_codes,
        "province_codes": province_codes,
        "agency_affiliation_codes": affiliation_codes,
    }


def age_reference_date(academic_year: int, term: int) -> dt.date:
    """Return the date ages are counted on: the plan's, or 16 May of the academic year without a plan."""
    from exchange import calendar

    try:
        return calendar.get_term(academic_year, term).age_reference_date
    except KeyError:
        return dt.date(calendar.be_to_ce(academic_year), 5, 16)
