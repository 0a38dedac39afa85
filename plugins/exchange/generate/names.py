"""Thai names, name prefixes and one-letter spelling variants for generated people."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import yaml

from exchange import settings

NAMES_FILE = "thai-names.yaml"
# Letters that Thai spellers confuse, used to make a one-letter variant of a name.
_CONFUSABLE = {
    "ศ": "ส",
    "ส": "ศ",
    "ท": "ธ",
    "ธ": "ท",
    "ณ": "น",
    "น": "ณ",
    "พ": "ภ",
    "ภ": "พ",
    "ร": "ล",
    "ล": "ร",
    "ค": "ฆ",
    "ช": "ฉ",
    "ต": "ฏ",
    "ย": "ญ",
    "่": "้",
    "้": "่",
}


@dataclass(frozen=True)
class NameLists:
    """Male and female given names and the two halves that make a surname."""

    male: np.ndarray
    female: np.ndarray
    surname_part1: np.ndarray
    surname_part2: np.ndarray

    @classmethod
    def load(cls) -> NameLists:
        document = yaml.safe_load((settings.REFERENCE_DIR / NAMES_FILE).read_text(encoding="utf-8"))
        return cls(
            *(
                np.array(document[key], dtype=object)
                for key in ("male", "female", "surname_part1", "surname_part2")
            )
        )

    def draw(self, rng: np.random.Generator, male: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Draw a first and a last name per row; ``male`` is a boolean array."""
        count = len(male)
        first = np.where(
            male,
            self.male[rng.integers(0, len(self.male), count)],
            self.female[rng.integers(0, len(self.female), count)],
        )
        last = (
            self.surname_part1[rng.integers(0, len(self.surname_part1), count)]
            + self.surname_part2[rng.integers(0, len(self.surname_part2), count)]
        )
        return first, last


def child_prefix(male: np.ndarray, ages: np.ndarray) -> np.ndarray:
    """Return เด็กชาย/เด็กหญิง under 15 and นาย/นางสาว from 15, per row."""
    adult = ages >= 15
    return np.where(male, np.where(adult, "นาย", "เด็กชาย"), np.where(adult, "นางสาว", "เด็กหญิง")).astype(
        object
    )


def spelling_variant(name: str, rng: np.random.Generator) -> str:
    """Return ``name`` with one confusable letter or tone mark swapped.

    A name without such a letter gets ์ added at the end, or removed when it already ends with ์.
    """
    positions = [index for index, letter in enumerate(name) if letter in _CONFUSABLE]
    if not positions:
        return name + "์" if not name.endswith("์") else name[:-1]
    index = positions[int(rng.integers(0, len(positions)))]
    return name[:index] + _CONFUSABLE[name[index]] + name[index + 1 :]
