"""Small-count suppression for published tables of counts of people.

A table is a grid of counts with a total per row, a total per column and a grand total, all
published. Every count and total from 1 to 4 is suppressed (primary suppression). Then, because a
line's total minus its published cells would give back a lone suppressed cell, every row and
column of the grid with its totals that has exactly one suppressed cell gets a second one
(secondary suppression). The grand total is chosen last. Before it comes a cell whose crossing
line also has exactly one suppressed cell, because one cell then protects two lines. Then positive
cells come before zeros, the smallest first, and ties go to the first in the line. Lines are
visited rows first, then columns, and again whenever they gain a cell, until no line has exactly
one suppressed cell. So no suppressed cell equals a published total minus published cells.

NOTE: the rule stops the one-line recovery only. Several lines together can still narrow a
suppressed cell to a range, as for any suppression that is not audited by linear programming.

Tables that share totals (the same province total in two tables, the national total in all) are
suppressed together: a shared total suppressed in one table is suppressed in the others, and their
secondary suppression runs again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

THRESHOLD = 5
TOTAL = "total"


@dataclass
class CountTable:
    """Counts by (row key, column key); totals are computed, never taken from the caller."""

    name: str
    row_keys: list[str]
    column_keys: list[str]
    counts: dict[tuple[str, str], int]
    # Cell -> a key naming the same number in another table, for example ("province", "10").
    links: dict[tuple[str, str], Hashable] = field(default_factory=dict)

    def grid(self) -> dict[tuple[str, str], int]:
        """Return every cell with its totals: (row, TOTAL), (TOTAL, column) and (TOTAL, TOTAL)."""
        cells = {
            (row, column): self.counts.get((row, column), 0)
            for row in self.row_keys
            for column in self.column_keys
        }
        for row in self.row_keys:
            cells[(row, TOTAL)] = sum(cells[(row, column)] for column in self.column_keys)
        for column in [*self.column_keys, TOTAL]:
            cells[(TOTAL, column)] = sum(cells[(row, column)] for row in self.row_keys)
        return cells


@dataclass
class SuppressedTable:
    table: CountTable
    cells: dict[tuple[str, str], int]
    suppression: dict[tuple[str, str], str]

    def published(self, row: str, column: str) -> int | None:
        """Return a cell as published: its count, or None when suppressed."""
        if (row, column) in self.suppression:
            return None
        return self.cells[(row, column)]


def _lines(table: CountTable) -> list[list[tuple[str, str]]]:
    rows = [*table.row_keys, TOTAL]
    columns = [*table.column_keys, TOTAL]
    return [[(row, column) for column in columns] for row in rows] + [
        [(row, column) for row in rows] for column in columns
    ]


def suppress(table: CountTable, forced: Iterable[tuple[str, str]] = ()) -> SuppressedTable:
    """Suppress one table: primary, any `forced` cells, then secondary until every line is safe."""
    cells = table.grid()
    lines = _lines(table)
    lines_of: dict[tuple[str, str], list[int]] = {}
    for index, line in enumerate(lines):
        for cell in line:
            lines_of.setdefault(cell, []).append(index)
    suppression: dict[tuple[str, str], str] = {}
    suppressed_in_line = [0] * len(lines)

    def mark(cell: tuple[str, str], kind: str) -> None:
        if cell not in suppression:
            suppression[cell] = kind
            for index in lines_of[cell]:
                suppressed_in_line[index] += 1

    for cell, value in cells.items():
        if 0 < value < THRESHOLD:
            mark(cell, "primary")
    for cell in forced:
        mark(cell, "secondary")

    def complement(line_index: int) -> tuple[str, str] | None:
        # The grand total comes last, because every table shares it. A cell that also protects its
        # crossing line comes first. Then positive cells come before zeros, the smallest first.
        best, best_key = None, None
        for position, cell in enumerate(lines[line_index]):
            if cell in suppression:
                continue
            crossing = [index for index in lines_of[cell] if index != line_index]
            closes_crossing = any(suppressed_in_line[index] == 1 for index in crossing)
            key = (cell == (TOTAL, TOTAL), not closes_crossing, cells[cell] == 0, cells[cell], position)
            if best_key is None or key < best_key:
                best, best_key = cell, key
        return best

    pending = deque(range(len(lines)))
    while pending:
        index = pending.popleft()
        if suppressed_in_line[index] != 1:
            continue
        chosen = complement(index)
        if chosen is None:
            continue
        mark(chosen, "secondary")
        pending.extend(lines_of[chosen])
    return SuppressedTable(table, cells, suppression)


def suppress_together(tables: list[CountTable]) -> list[SuppressedTable]:
    """Suppress tables that share linked totals until the shared totals agree in every table."""
    forced: dict[str, set[tuple[str, str]]] = {table.name: set() for table in tables}
    while True:
        results = [suppress(table, forced[table.name]) for table in tables]
        suppressed_links = {
            table.links[cell]
            for result, table in zip(results, tables, strict=True)
            for cell in result.suppression
            if cell in table.links
        }
        changed = False
        for table in tables:
            for cell, link in table.links.items():
                if link in suppressed_links and cell not in forced[table.name]:
                    forced[table.name].add(cell)
                    changed = True
        if not changed:
            return results
