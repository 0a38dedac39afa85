"""The school register: every school in the real school list with an agency and a 10-digit code.

The list (include/reference/schools-wikipedia.csv) has names, places and levels but no codes and
no agency. ``build_register`` gives each school, in list order:

- an agency, by the first rule that applies (see ``assign_agency``);
- the 10-digit code ``AA PP NNNNNN``: the agency's affiliation code, the DOPA province code, and
  a sequence number counted per affiliation and province in list order, starting at 1;
- district and subdistrict codes matched by name within the province (see ``exchange.geography``).
  A row whose names match nothing keeps an empty code and is counted;
- the bands it teaches, from its level text or, when that is blank or ``undefined``, its name
  (see ``exchange.school_levels``).

Two kinds of school are added because the list has (almost) none of them. Each district gets one
non-formal education centre of ONIE, and each province without a vocational college in the list
gets a technical college and a vocational college of OVEC in its first district. They follow
the list's schools in the province's numbering and are marked ``synthetic``.

The register is built for all 77 provinces from one seeded random sequence, so a school's code
and agency depend only on the seed, never on which provinces a caller selects.
"""

from __future__ import annotations

import csv
import logging
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from exchange.geography import Gazetteer
from exchange.ids import format_school_code
from exchange.school_levels import (
    HIGHER_VOCATIONAL,
    LOWER_SECONDARY,
    NON_FORMAL,
    UPPER_SECONDARY,
    VOCATIONAL,
    bands_for_school,
)

log = logging.getLogger(__name__)

BANGKOK = "10"
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_VOCATIONAL_NAME = re.compile(
    r"^(?:วิทยาลัย(?:เทคนิค|อาชีวศึกษา|การอาชีพ|สารพัดช่าง|เทคโนโลยี|เกษตร|พณิชยการ|ประมง)|สถาบันการอาชีวศึกษา)"
    r"|อาชีวศึกษา|เทคนิค"
)
_LOCAL_GOVERNMENT_NAME = re.compile(r"เทศบาล|อบต\.|องค์การบริหารส่วน|เมืองพัทยา")
_PRIVATE_NAME = re.compile(
    r"นานาชาติ|เซนต์|เซ็นต์|คริสเตียน|มารีย์|อัสสัมชัญ|พระหฤทัย|แม่พระ|มาแตร์|ยอแซฟ|ดรุณ|ปรีชาญาณ|วาทิน"
)
_PUBLIC_RURAL_NAME = re.compile(r"^โรงเรียน(?:บ้าน|วัด)|ชุมชน|ตำรวจตระเวนชายแดน|ศูนย์การศึกษาพิเศษ|ราชประชานุเคราะห์")
_BMA_NAME = re.compile(r"วัด|สุเหร่า|มัสยิด|กรุงเทพมหานคร")

# Shares drawn from the seeded sequence; a school that no name rule settles is private with
# these probabilities. They are this project's choice, picked so that the demo has a private
# sector of roughly one school in ten outside Bangkok.
PRIVATE_SHARE_KINDERGARTEN = 0.6
PRIVATE_SHARE_OTHER = 0.06
BMA_SHARE_BANGKOK_UNSETTLED = 0.5


@dataclass(frozen=True)
class School:
    """One school of the register."""

    school_code: str
    name: str
    agency: str
    affiliation_code: str
    province_code: str
    district_code: str
    subdistrict_code: str
    level_text: str
    bands: tuple[str, ...]
    bands_inferred: bool
    synthetic: bool


@dataclass
class Register:
    """The schools of the register with counts of the place names that matched no code."""

    schools: list[School]
    unmatched_districts: int = 0
    unmatched_subdistricts: int = 0
    agency_counts: Counter = field(default_factory=Counter)

    def in_provinces(self, province_codes: list[str] | set[str]) -> list[School]:
        """Return the schools of the given provinces, in register order."""
        wanted = set(province_codes)
        return [school for school in self.schools if school.province_code in wanted]


def load_affiliation_codes(path: Path) -> dict[str, str]:
    """Read agencies.csv into a mapping from agency (OBEC, OPEC …) to its 2-digit affiliation code."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["agency"]: row["affiliation_code"] for row in csv.DictReader(handle)}


def load_agency_names(path: Path) -> dict[str, str]:
    """Read agencies.csv into a mapping from agency to its Thai name, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["agency"]: row["name_th"] for row in csv.DictReader(handle)}


def clean_school_name(name: str) -> str:
    """Normalise a school name to NFC, drop invisible characters and fold line breaks and runs of spaces."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", name or ""))
    return re.sub(r"\s+", " ", text).strip()


def assign_agency(
    name: str, level_text: str, bands: tuple[str, ...], province_code: str, rng: random.Random
) -> str:
    """Choose a school's agency from its name, level and province.

    Rules, first match wins:
    1. a vocational band, or a vocational-college name (วิทยาลัยเทคนิค…, อาชีวศึกษา, เทคนิค): OVEC;
    2. a local-government name (เทศบาล, อบต., องค์การบริหารส่วน…, เมืองพัทยา): DLA;
    3. a name typical of private schools (นานาชาติ, เซนต์, คริสเตียน …): OPEC;
    4. in Bangkok: secondary only, OBEC; a temple, mosque or กรุงเทพมหานคร name, BMA; a private
       kindergarten (level starting with เตรียมอนุบาล, or a name starting with โรงเรียนอนุบาล),
       OPEC; otherwise BMA or OPEC with equal chance;
    5. elsewhere: a private kindergarten is OPEC with chance ``PRIVATE_SHARE_KINDERGARTEN``; a
       village, temple or community school is OBEC; any other is OPEC with chance
       ``PRIVATE_SHARE_OTHER``;
    6. OBEC.

    The draw is made for every school, used or not, so that one school's rule never shifts
    another school's draw.
    """
    draw = rng.random()
    if VOCATIONAL in bands or HIGHER_VOCATIONAL in bands or _VOCATIONAL_NAME.search(name):
        return "OVEC"
    if _LOCAL_GOVERNMENT_NAME.search(name):
        return "DLA"
    if _PRIVATE_NAME.search(name):
        return "OPEC"
    kindergarten = level_text.strip().startswith("เตรียมอนุบาล") or name.startswith("โรงเรียนอนุบาล")
    if province_code == BANGKOK:
        if bands and set(bands) <= {LOWER_SECONDARY, UPPER_SECONDARY}:
            return "OBEC"
        if _BMA_NAME.search(name):
            return "BMA"
        if kindergarten:
            return "OPEC"
        return "BMA" if draw < BMA_SHARE_BANGKOK_UNSETTLED else "OPEC"
    if kindergarten:
        return "OPEC" if draw < PRIVATE_SHARE_KINDERGARTEN else "OBEC"
    if _PUBLIC_RURAL_NAME.search(name):
        return "OBEC"
    return "OPEC" if draw < PRIVATE_SHARE_OTHER else "OBEC"


def _read_school_list(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class _SchoolNumbers:
    """Hands out school codes in one province, numbering each affiliation from 1."""

    def __init__(self, province_code: str, affiliation: dict[str, str]) -> None:
        self.province_code = province_code
        self.affiliation = affiliation
        self.used: Counter = Counter()

    def next_code(self, agency: str) -> str:
        self.used[agency] += 1
        return format_school_code(self.affiliation[agency], self.province_code, self.used[agency])


def build_register(seed: int, reference_dir: Path) -> Register:
    """Build the register for all provinces from the files in ``reference_dir``.

    ``reference_dir`` must contain schools-wikipedia.csv, agencies.csv and geography/.
    Rows whose province name matches no province are skipped and logged.
    """
    rng = random.Random(seed)
    gazetteer = Gazetteer.load(reference_dir / "geography")
    affiliation = load_affiliation_codes(reference_dir / "agencies.csv")
    register = Register(schools=[])
    by_province: dict[str, list[dict]] = {province.code: [] for province in gazetteer.provinces}
    skipped = 0
    for row in _read_school_list(reference_dir / "schools-wikipedia.csv"):
        province = gazetteer.province_by_name(row["province"])
        if province is None:
            skipped += 1
            continue
        by_province[province.code].append(row)
    if skipped:
        log.warning("Skipped %d school list rows whose province name matched no province", skipped)

    for province_code in sorted(by_province):
        numbers = _SchoolNumbers(province_code, affiliation)
        for row in by_province[province_code]:
            name = clean_school_name(row["name"])
            level_text = row["level"]
            bands, inferred = bands_for_school(level_text, name)
            agency = assign_agency(name, level_text, bands, province_code, rng)
            place = gazetteer.match(province_code, row["district"], row["subDistrict"])
            register.unmatched_districts += not place.district_code
            register.unmatched_subdistricts += not place.subdistrict_code
            register.schools.append(
                School(
                    school_code=numbers.next_code(agency),
                    name=name,
                    agency=agency,
                    affiliation_code=affiliation[agency],
                    province_code=province_code,
                    district_code=place.district_code,
                    subdistrict_code=place.subdistrict_code,
                    level_text=level_text,
                    bands=bands,
                    bands_inferred=inferred,
                    synthetic=False,
                )
            )
        register.schools.extend(_synthetic_schools(gazetteer, numbers))
    register.agency_counts = Counter(school.agency for school in register.schools)
    log.info(
        "School register built: %d schools, %d without a district code, %d without a subdistrict code, "
        "by agency %s",
        len(register.schools),
        register.unmatched_districts,
        register.unmatched_subdistricts,
        dict(sorted(register.agency_counts.items())),
    )
    return register


def _synthetic_schools(gazetteer: Gazetteer, numbers: _SchoolNumbers) -> list[School]:
    """Return the province's ONIE centres, and two OVEC colleges when the list has none there."""
    province_code = numbers.province_code
    province = gazetteer.province(province_code)
    districts = gazetteer.districts_in(province_code)
    schools = []

    def add(agency: str, name: str, district_code: str, level_text: str, bands: tuple[str, ...]) -> None:
        schools.append(
            School(
                school_code=numbers.next_code(agency),
                name=name,
                agency=agency,
                affiliation_code=numbers.affiliation[agency],
                province_code=province_code,
                district_code=district_code,
                subdistrict_code=min(gazetteer.subdistricts_of[district_code]),
                level_text=level_text,
                bands=bands,
                bands_inferred=False,
                synthetic=True,
            )
        )

    if not numbers.used["OVEC"]:
        for prefix in ("วิทยาลัยเทคนิค", "วิทยาลัยอาชีวศึกษา"):
            add(
                "OVEC",
                prefix + province.name_th,
                districts[0].code,
                "ปวช.–ปวส.",
                (VOCATIONAL, HIGHER_VOCATIONAL),
            )
    district_word = "เขต" if province_code == BANGKOK else "อำเภอ"
    for district in districts:
        name = f"ศูนย์การศึกษานอกระบบและการศึกษาตามอัธยาศัย{district_word}{district.name_th}"
        add("ONIE", name, district.code, "การศึกษานอกระบบ", (NON_FORMAL,))
    return schools
