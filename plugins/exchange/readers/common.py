"""What every reader returns, and the header matching they share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from exchange.contracts import Contract

HEADER_SEARCH_ROWS = 20


class FileRejected(Exception):
    """The whole file cannot be accepted. The message names the file and says what to fix."""


@dataclass
class ParsedFile:
    """A readable submission: its encoding, header row, column mapping and a COPY stream."""

    name: str
    encoding: str
    copy_encoding: str
    header_row: int
    file_columns: list[str | None]
    open_stream: Callable[[], IO[bytes]]

    @property
    def mapped_columns(self) -> list[str]:
        return [column for column in self.file_columns if column]


def map_header(cells: Sequence[object], contract: Contract) -> list[str | None]:
    """Map header cells to contract columns; unknown headers map to None and are ignored."""
    mapped: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        column = contract.match_header(str(cell)) if cell not in (None, "") else None
        if column in seen:
            column = None
        if column:
            seen.add(column)
        mapped.append(column)
    return mapped


def find_header(rows: Sequence[Sequence[object]], contract: Contract) -> tuple[int, list[str | None]]:
    """Return the 0-based index of the row that names the most contract columns, and its mapping."""
    best_index, best_mapping, best_count = -1, [], 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = map_header(cells, contract)
        count = sum(1 for column in mapping if column)
        if count > best_count:
            best_index, best_mapping, best_count = index, mapping, count
    return best_index, best_mapping


def _with_thai_header(contract: Contract, column_name: str) -> str:
    """Return `column (first Thai header)`, the names a clerk sees in an agency's file."""
    for column in contract.columns:
        if column.name == column_name and column.headers:
            return f"{column_name} ({column.headers[0]})"
    return column_name


def check_required_columns(name: str, mapping: list[str | None], contract: Contract) -> None:
    missing = [column for column in contract.required_columns if column not in mapping]
    if not any(mapping):
        expected = ", ".join(_with_thai_header(contract, column) for column in contract.required_columns[:3])
        raise FileRejected(
            f"{name}: no header row names a column of the {contract.dataset} dataset; "
            f"expected headers such as {expected}"
        )
    if missing:
        raise FileRejected(
            f"{name}: required column missing for the {contract.dataset} dataset: "
            f"{', '.join(_with_thai_header(contract, column) for column in missing)}"
        )
