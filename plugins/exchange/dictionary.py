"""Renders the data dictionary of the eight datasets from their contracts (include/contracts/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from exchange import settings
from exchange.contracts import all_contracts

TYPE_NOTES = {
    "text": "text; spaces, zero-width characters and Thai digits normalised",
    "school_code": "10-digit school code `AA PP NNNNNN`: affiliation, province, number",
    "personal_id": "13-digit Thai personal ID with a valid check digit, or `G` + 12 digits",
    "date": (
        "date: `2023-06-10`, `2566-06-10`, `10/06/2566`, `10 มิ.ย. 2566` "
        "(years from 2400 are Buddhist Era)"
    ),
    "integer": "whole number",
    "decimal": "number with decimals",
    "code": "code from a reference list",
    "gender": "`M` or `F` (`ชาย`, `หญิง`, `1`, `2` accepted)",
    "grade": "grade code such as `ป.1`, `ม.4`, `ปวช.1` (include/reference/grades.csv)",
}


def render() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from `include/contracts/*.yaml` by `exchange dictionary`; do not edit by hand.",
        "",
        "Files arrive as `<landing root>/<academic year>/<term>/<agency>/<dataset>.csv` or `.xlsx`.",
        "CSV may be UTF-8 (with or without a byte-order mark) or TIS-620 (Windows code page 874); the",
        "encoding used is recorded on the receipt. The header row may carry the English column name or",
        "any of the Thai names listed; it may sit below title rows. Columns not listed are ignored.",
        "Personal columns never appear in logs, messages or public outputs.",
        "",
    ]
    for contract in all_contracts():
        due = "1–31 August (term 1)" if contract.due == "late" else "the main submission window"
        lines += [
            f"## `{contract.dataset}`: {contract.title_en} ({contract.title_th})",
            "",
            f"Due in {due}.",
            "",
            "| column | Thai headers accepted | required | personal | type | description |",
            "|---|---|---|---|---|---|",
        ]
        for column in contract.columns:
            lines.append(
                f"| `{column.name}` | {', '.join(column.headers)} | {'yes' if column.required else 'no'} "
                f"| {'yes' if column.personal else 'no'} | {TYPE_NOTES[column.type]} | {column.description} |"
            )
        lines.append("")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default=str(settings.PROJECT_ROOT / "docs" / "data-dictionary.md"), help="file to write"
    )


def run(args: argparse.Namespace) -> int:
    Path(args.out).write_text(render(), encoding="utf-8")
    print(f"Wrote {args.out}")
    return 0
