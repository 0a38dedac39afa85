"""A block of generated rows for one dataset, with the bookkeeping the ground truth needs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Table:
    """Column arrays in contract order plus, per row, its school, injected fault and planned record.

    Dates are ``datetime64[D]`` arrays with NaT for a missing value, every other column an object
    array of strings with '' for a missing value. ``fault`` is '' for a clean row.
    ``planned`` indexes the province's planned duplicate records, or is -1.
    """

    dataset: str
    columns: dict[str, np.ndarray]
    school: np.ndarray
    fault: np.ndarray = field(default=None)
    fault_column: np.ndarray = field(default=None)
    planned: np.ndarray = field(default=None)

    def __post_init__(self) -> None:
        count = len(self.school)
        if self.fault is None:
            self.fault = np.full(count, "", dtype=object)
        if self.fault_column is None:
            self.fault_column = np.full(count, "", dtype=object)
        if self.planned is None:
            self.planned = np.full(count, -1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.school)

    def take(self, rows: np.ndarray) -> Table:
        """Return the rows selected by an index or boolean array, in that order."""
        return Table(
            self.dataset,
            {name: values[rows] for name, values in self.columns.items()},
            self.school[rows],
            self.fault[rows],
            self.fault_column[rows],
            self.planned[rows],
        )
