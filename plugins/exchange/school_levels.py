"""The levels a school teaches, read from the free-text level column of the school list.

The list writes levels as a range (``อนุบาล–มัธยมศึกษาตอนต้น`` means pre-primary through lower
secondary), with an en dash or a hyphen, sometimes with typos (``มัทยม``), stray characters, or
vocational certificates (``ปวช. ปวส.``). A range between two school bands includes every band in
between. A blank, ``undefined`` or unreadable level is inferred from the school's name, and
pre-primary plus primary is the default, because that is what most schools in the list teach.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Bands in the order a child passes through them. Vocational and non-formal bands are outside
# the school sequence, so a range such as อนุบาล–มัธยมศึกษา never fills them in.
PRE_PRIMARY = "pre_primary"
PRIMARY = "primary"
LOWER_SECONDARY = "lower_secondary"
UPPER_SECONDARY = "upper_secondary"
VOCATIONAL = "vocational"
HIGHER_VOCATIONAL = "higher_vocational"
NON_FORMAL = "non_formal"
SCHOOL_SEQUENCE = (PRE_PRIMARY, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY)
ALL_BANDS = (*SCHOOL_SEQUENCE, VOCATIONAL, HIGHER_VOCATIONAL, NON_FORMAL)
DEFAULT_BANDS = (PRE_PRIMARY, PRIMARY)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

# Every pattern that matches the cleaned level text adds its bands. Secondary words are read
# separately by _SECONDARY_WORD, because ตอนต้น or ตอนปลาย after them narrows the band.
_LEVEL_KEYWORDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"ปวส"), (HIGHER_VOCATIONAL,)),
    (re.compile(r"ปวช"), (VOCATIONAL,)),
    (re.compile(r"นอกระบบ|กศน"), (NON_FORMAL,)),
    (re.compile(r"อนุบาล|ปฐมวัย|เตรียมความพร้อม"), (PRE_PRIMARY,)),
    (re.compile(r"ประถม"), (PRIMARY,)),
)
_SECONDARY_PART = re.compile(r"(?:ม(?:ัธ|ัท)ยม(?:ศึกษา)?|ม\.)?\s*(ตอนต้น|ต้น|ตอนปลาย|ปลาย)?")
_SECONDARY_WORD = re.compile(r"ม(?:ัธ|ัท)ยม|ม\.\s*(?:ต้น|ปลาย)")

_VOCATIONAL_NAME = re.compile(
    r"^(?:วิทยาลัย(?:เทคนิค|อาชีวศึกษา|การอาชีพ|สารพัดช่าง|เทคโนโลยี|เกษตร|พณิชยการ|ประมง)|สถาบันการอาชีวศึกษา)"
    r"|อาชีวศึกษา|เทคนิค"
)
_NON_FORMAL_NAME = re.compile(r"ศูนย์การศึกษานอกระบบ|ศูนย์ส่งเสริมการเรียนรู้|กศน\.")
_SECONDARY_NAME = re.compile(r"มัธยม|วิทยาคม|พิทยาคม|วิทยาคาร|พิทยาคาร|วิทยาลัย|ศึกษาลัย|สตรี")
_LOWER_SECONDARY_NAME = re.compile(r"วิทยา|พิทยา|ขยายโอกาส")


@dataclass(frozen=True)
class Grade:
    """One row of grades.csv: a grade code with its band and the accepted ages on 16 May."""

    grade: str
    band: str
    band_th: str
    expected_age: int
    min_age: int
    max_age: int
    sort_order: int


def load_grades(path: Path) -> list[Grade]:
    """Read grades.csv, ordered by its sort_order column."""
    with path.open(encoding="utf-8", newline="") as handle:
        grades = [
            Grade(
                grade=row["grade"],
                band=row["level"],
                band_th=row["level_th"],
                expected_age=int(row["expected_age"]),
                min_age=int(row["min_age"]),
                max_age=int(row["max_age"]),
                sort_order=int(row["sort_order"]),
            )
            for row in csv.DictReader(handle)
        ]
    return sorted(grades, key=lambda grade: grade.sort_order)


def _clean_level_text(text: str) -> str:
    cleaned = unicodedata.normalize("NFC", _INVISIBLE.sub("", text or ""))
    return re.sub(r"[\d|{}″\"]", "", cleaned).strip()


def parse_level_text(text: str) -> tuple[str, ...]:
    """Return the bands named in a level text, in ``ALL_BANDS`` order, or () when none is named."""
    cleaned = _clean_level_text(text)
    if not cleaned or cleaned.lower() == "undefined":
        return ()
    found: set[str] = set()
    for pattern, bands in _LEVEL_KEYWORDS:
        if pattern.search(cleaned):
            found.update(bands)
    for secondary in _SECONDARY_WORD.finditer(cleaned):
        qualifier = _SECONDARY_PART.match(cleaned, secondary.start()).group(1) or ""
        if "ต้น" in qualifier:
            found.add(LOWER_SECONDARY)
        elif "ปลาย" in qualifier:
            found.add(UPPER_SECONDARY)
        else:
            found.update((LOWER_SECONDARY, UPPER_SECONDARY))
    # "มัธยมศึกษาตอนต้น-ตอนปลาย" names the upper band without repeating มัธยม.
    if LOWER_SECONDARY in found and re.search(r"[-–/\s]ตอนปลาย", cleaned):
        found.add(UPPER_SECONDARY)
    in_sequence = [index for index, band in enumerate(SCHOOL_SEQUENCE) if band in found]
    if in_sequence:
        found.update(SCHOOL_SEQUENCE[min(in_sequence) : max(in_sequence) + 1])
    return tuple(band for band in ALL_BANDS if band in found)


def infer_bands_from_name(name: str) -> tuple[str, ...]:
    """Guess the bands a school teaches from its name, for schools whose level is blank.

    Vocational colleges teach the two vocational certificates, and non-formal centres the
    non-formal grades. A name with อนุบาล gets ``DEFAULT_BANDS``. Names with secondary words
    (มัธยม, วิทยาคม, วิทยาลัย, สตรี …) teach lower and upper secondary. Names with วิทยา or พิทยา
    teach pre-primary to lower secondary, as extended-opportunity schools do. Every other name
    gets ``DEFAULT_BANDS``.
    """
    cleaned = _clean_level_text(name)
    if _VOCATIONAL_NAME.search(cleaned):
        return (VOCATIONAL, HIGHER_VOCATIONAL)
    if _NON_FORMAL_NAME.search(cleaned):
        return (NON_FORMAL,)
    if "อนุบาล" in cleaned:
        return DEFAULT_BANDS
    if _SECONDARY_NAME.search(cleaned):
        return (LOWER_SECONDARY, UPPER_SECONDARY)
    if _LOWER_SECONDARY_NAME.search(cleaned):
        return (PRE_PRIMARY, PRIMARY, LOWER_SECONDARY)
    return DEFAULT_BANDS


def bands_for_school(level_text: str, name: str) -> tuple[tuple[str, ...], bool]:
    """Return the school's bands and whether they were inferred from its name."""
    bands = parse_level_text(level_text)
    if bands:
        return bands, False
    return infer_bands_from_name(name), True
