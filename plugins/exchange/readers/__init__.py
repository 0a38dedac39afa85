"""Readers that turn an agency's CSV or XLSX file into a CSV byte stream for PostgreSQL's COPY.

A reader finds the header row, maps its cells to the contract's columns and records the
encoding it used. Values are normalised later, inside PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from exchange.contracts import Contract
from exchange.readers.common import FileRejected, ParsedFile
from exchange.readers.csv_reader import open_csv
from exchange.readers.xlsx_reader import open_xlsx

__all__ = ["FileRejected", "ParsedFile", "open_submission_file"]


def open_submission_file(path: Path, contract: Contract, display_name: str | None = None) -> ParsedFile:
    """Open a landing file by its suffix; raise FileRejected with the reason when it cannot be read."""
    name = display_name or path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return open_csv(path, contract, name)
    if suffix == ".xlsx":
        return open_xlsx(path, contract, name)
    raise FileRejected(f"{name}: unsupported file type {suffix or '(none)'}; send .csv or .xlsx")
