"""The rule catalogue, docs/rules.md, generated from the suites: `python -m exchange.rules.catalogue`."""

from __future__ import annotations

import sys

from exchange import settings
from exchange.contracts import DATASETS, load_contract
from exchange.rules.suites import RuleExpectation, load_suite

CATALOGUE_PATH = settings.PROJECT_ROOT / "docs" / "rules.md"

INTRODUCTION = """# The ministry's rules

Generated from `include/expectations/*.json` by `python -m exchange.rules.catalogue`; edit the
suites, not this page.

Each dataset has one Great Expectations suite. A validation run first builds the submission's
frame with `include/sql/rules/frames/<dataset>.sql`. The frame has the submission's rows and the
values its rules compare against, such as the kind of each personal ID or the birth dates a grade
accepts. The run then evaluates the suite on the frame inside PostgreSQL and writes one
`quality.issue` row per failing record, column and rule. An *error* must be fixed before the
record counts, and a *query* must be fixed or explained.
`exchange check FILE --dataset NAME` runs the same suites on one file; it skips the rules that
need the term's schools dataset and, without `--agency`, the affiliation rule.

Names starting with `$` are suite parameters, filled in for each submission:
`$academic_year`, `$term` and `$previous_academic_year` from the submission's term,
`$grade_codes` from `reference.grade`, `$province_codes` from `reference.province`, and
`$agency_affiliation_codes` from `reference.agency` for the submitting agency.
"""


def _values(value) -> str:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return f"`${value['$PARAMETER']}`"
    if isinstance(value, list):
        return ", ".join(f"`{item}`" for item in value)
    return f"`{value}`"


def describe(expectation: RuleExpectation) -> str:
    """Return what an expectation checks, in one line of Markdown."""
    kwargs, column = expectation.kwargs, f"`{expectation.column}`"
    descriptions = {
        "expect_column_values_to_not_be_null": lambda: f"{column} is present",
        "expect_column_values_to_be_null": lambda: f"{column} is empty",
        "expect_column_values_to_be_in_set": lambda: f"{column} is one of {_values(kwargs.get('value_set'))}",
        "expect_column_values_to_not_be_in_set": lambda: (
            f"{column} is none of {_values(kwargs.get('value_set'))}"
        ),
        "expect_column_values_to_match_regex": lambda: f"{column} matches `{kwargs.get('regex')}`",
        "expect_column_values_to_be_between": lambda: (
            f"{column} is from {_values(kwargs.get('min_value'))} to {_values(kwargs.get('max_value'))}"
        ),
        "expect_column_values_to_be_school_codes_of_term": lambda: (
            f"{column} is listed in the term's schools dataset"
        ),
        "expect_column_values_to_be_between_columns": lambda: (
            f"{column} is from `{kwargs['min_column']}` to `{kwargs['max_column']}`"
        ),
    }
    return descriptions[expectation.type]()


def render_catalogue() -> str:
    lines = [INTRODUCTION]
    for dataset in DATASETS:
        suite = load_suite(dataset)
        contract = load_contract(dataset)
        lines += [
            f"## {contract.title_en} ({contract.title_th}), `{dataset}`",
            "",
            "| rule | severity | column | check | message | how to fix |",
            "|---|---|---|---|---|---|",
        ]
        checks: dict[str, list[str]] = {}
        for expectation in suite.expectations:
            checks.setdefault(expectation.rule_id, []).append(describe(expectation))
        for rule in suite.rules():
            check = " and ".join(checks[rule.rule_id])
            lines.append(
                f"| {rule.rule_id} | {rule.severity} | `{rule.column_name}` | {check} "
                f"| {rule.message_en}<br>{rule.message_th} | {rule.fix_en}<br>{rule.fix_th} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    CATALOGUE_PATH.parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE_PATH.write_text(render_catalogue(), encoding="utf-8")
    print(f"Wrote {CATALOGUE_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
