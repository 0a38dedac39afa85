"""Personal IDs and G codes that are unique across one generated population by construction.

A generated Thai ID is ``T PP FFFFFFFFF C``: person type T, a 2-digit province code PP (the
province of birth), nine digits F and the check digit C. F is ``(MULTIPLIER * n + offset[PP]) mod
10**9`` for the n-th person allocated in province PP. That map is a bijection on nine-digit
numbers, so digits 2-12 never repeat and no two generated IDs are equal, whatever their person
type. Because the map can be inverted, ``may_collide`` can tell whether a hand-made ID (a typo)
could equal a generated one without keeping every ID in memory.

A G code is ``G YY PP SSSSSSSS``: the Buddhist Era year it was issued, the province and a
per-province sequence, so G codes never repeat either.
"""

from __future__ import annotations

import numpy as np

ID_SPACE = 10**9
MULTIPLIER = 387_420_489  # 3**18: coprime with 10, so multiplying by it is a bijection mod 10**9
# Counters must stay below this bound. ``may_collide`` rejects an ID whose inverse falls below
# it, which is safe because no province allocates anywhere near 10**8 people.
COUNTER_BOUND = 10**8
G_SEQUENCE_LIMIT = 10**8
_WEIGHTS = np.arange(13, 1, -1, dtype=np.int64)
_POWERS = 10 ** np.arange(11, -1, -1, dtype=np.int64)


def check_digits(first12: np.ndarray) -> np.ndarray:
    """Return the Thai ID check digit for each 12-digit integer in ``first12``."""
    digits = (first12[:, None] // _POWERS) % 10
    return (11 - (digits @ _WEIGHTS) % 11) % 10


def format_ids(values: np.ndarray) -> list[str]:
    """Format 13-digit integers as zero-padded strings."""
    return [f"{value:013d}" for value in values.tolist()]


def with_wrong_check_digit(personal_id: str, rng: np.random.Generator) -> str:
    """Return the 13-digit ID with its last digit replaced by a different, therefore wrong, digit."""
    return personal_id[:12] + str((int(personal_id[12]) + int(rng.integers(1, 10))) % 10)


class IdAllocator:
    """Hands out Thai IDs and G codes, unique within one generated population."""

    def __init__(self, seed: int) -> None:
        mixer = np.random.default_rng([seed, 0x1D])
        self._offsets = mixer.integers(0, ID_SPACE, size=100, dtype=np.int64)
        self._inverse = pow(MULTIPLIER, -1, ID_SPACE)
        self._next = np.zeros(100, dtype=np.int64)
        self._next_g = np.zeros(100, dtype=np.int64)

    def thai_ids(self, person_types: np.ndarray, birth_provinces: np.ndarray) -> np.ndarray:
        """Allocate one valid 13-digit ID (as int64) per row, in row order."""
        person_types = np.asarray(person_types, dtype=np.int64)
        birth_provinces = np.asarray(birth_provinces, dtype=np.int64)
        sequence = np.empty(len(birth_provinces), dtype=np.int64)
        for province in np.unique(birth_provinces):
            rows = np.flatnonzero(birth_provinces == province)
            start = self._next[province]
            sequence[rows] = np.arange(start, start + len(rows))
            self._next[province] = start + len(rows)
            if self._next[province] >= COUNTER_BOUND:
                raise OverflowError(f"more than {COUNTER_BOUND} IDs allocated for province {province:02d}")
        body = (MULTIPLIER * sequence + self._offsets[birth_provinces]) % ID_SPACE
        first12 = person_types * 10**11 + birth_provinces * ID_SPACE + body
        return first12 * 10 + check_digits(first12)

    def g_codes(self, provinces: np.ndarray, issued_years_be: np.ndarray) -> list[str]:
        """Allocate one G code per row: G, 2-digit BE year, 2-digit province, 8-digit sequence."""
        provinces = np.asarray(provinces, dtype=np.int64)
        codes = []
        for province, year in zip(provinces.tolist(), np.asarray(issued_years_be).tolist(), strict=True):
            sequence = int(self._next_g[province])
            if sequence >= G_SEQUENCE_LIMIT:
                raise OverflowError(
                    f"more than {G_SEQUENCE_LIMIT} G codes allocated for province {province:02d}"
                )
            self._next_g[province] = sequence + 1
            codes.append(f"G{year % 100:02d}{province:02d}{sequence + 1:08d}")
        return codes

    def may_collide(self, candidate: str, original: str) -> bool:
        """Return True if ``candidate`` could equal an ID this allocator hands out.

        A candidate that keeps the original's digits 2-12 cannot collide, because those digits
        belong to the original alone. Otherwise it is safe only if inverting the map gives a
        sequence number at or above ``COUNTER_BOUND``.
        """
        if candidate[1:12] == original[1:12]:
            return False
        province = int(candidate[1:3])
        body = int(candidate[3:12])
        sequence = ((body - int(self._offsets[province])) * self._inverse) % ID_SPACE
        return sequence < COUNTER_BOUND
