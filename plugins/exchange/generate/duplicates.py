"""Plan the children who appear on more than one school's roll.

Exact duplicates carry the same personal ID, name and birth date at two or three schools. The
level follows from where the schools are: one province (``province``), two provinces of one
region (``region``) or two regions (``national``). Near-duplicates are one child under
two IDs: a G-code child with a different G code at each school (``g_code``), or a second record
whose Thai ID has one digit changed or two adjacent digits swapped (``id_typo``).

Planning happens before any province is generated, because a duplicate spans provinces. Each
school lends at most half of its rows to planned records, and a planned row never carries an
injected fault.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from exchange.generate.enrolment import EnrolmentPlan
from exchange.generate.names import spelling_variant
from exchange.generate.people import IdentitySources, make_identities
from exchange.ids import is_valid_thai_id
from exchange.school_levels import SCHOOL_SEQUENCE, Grade

log = logging.getLogger(__name__)

_ATTEMPTS = 40
_NEIGHBOUR_GRADE_SHARE = 0.25
_NAME_VARIANT_SHARE = 0.3
_SAME_PROVINCE_NEAR_DUPLICATE_SHARE = 0.8


@dataclass(frozen=True)
class DuplicateRates:
    """Groups planned per student, by level, and the near-duplicate pairs per student."""

    province: float = 0.001
    region: float = 0.0005
    national: float = 0.0003
    triple_share: float = 0.05
    g_code_pairs: float = 0.0002
    id_typo_pairs: float = 0.0002
    valid_typo_share: float = 0.5


@dataclass
class PlannedRecord:
    """One student row that a duplicate or near-duplicate places at a school."""

    school: int
    grade: int
    personal_id: str
    first_name: str
    last_name: str
    male: bool
    birth_date: np.datetime64
    nationality: str
    kind: str  # "duplicate", "g_code" or "id_typo"
    group: int
    slot: int
    fault: str = ""  # "id_typo" when this record's ID fails the check digit


@dataclass
class DuplicatePlan:
    """Planned records per province, and the ground-truth entries they belong to."""

    records_by_province: dict[str, list[PlannedRecord]] = field(default_factory=lambda: defaultdict(list))
    duplicates: list[dict] = field(default_factory=list)
    near_duplicates: list[dict] = field(default_factory=list)


def duplicate_level(province_codes: list[str], region_numbers: list[str]) -> str:
    """Return province, region or national: the smallest area that contains all the schools."""
    if len(set(province_codes)) == 1:
        return "province"
    if len(set(region_numbers)) == 1:
        return "region"
    return "national"


class _Planner:
    """Chooses schools, grades and children for planned records, within each school's capacity."""

    def __init__(
        self,
        plan: EnrolmentPlan,
        grades: tuple[Grade, ...],
        sources: IdentitySources,
        reference_date: dt.date,
        academic_year: int,
        rng: np.random.Generator,
    ) -> None:
        self.plan = plan
        self.grades = grades
        self.sources = sources
        self.reference_date = reference_date
        self.academic_year = academic_year
        self.rng = rng
        self.capacity = plan.sizes // 2
        self.result = DuplicatePlan()
        provinces = sorted({school.province_code for school in plan.schools})
        self.by_province = {province: plan.schools_in(province) for province in provinces}
        self.province_weight = {p: float(plan.sizes[rows].sum()) for p, rows in self.by_province.items()}

    # Choosing places --------------------------------------------------------------------------

    def pick_province(self, candidates: list[str]) -> str:
        weights = np.array([self.province_weight[p] for p in candidates])
        return candidates[int(self.rng.choice(len(candidates), p=weights / weights.sum()))]

    def pick_school(self, province: str, accept) -> int | None:
        rows = self.by_province[province]
        weights = self.plan.sizes[rows] / self.plan.sizes[rows].sum()
        for _ in range(_ATTEMPTS):
            school = int(rows[self.rng.choice(len(rows), p=weights)])
            if self.capacity[school] > 0 and accept(school):
                return school
        return None

    def grade_at(self, school: int, base_grade: int, age: int) -> int | None:
        """Choose the base grade, or a neighbouring one, that the school teaches and the age fits."""
        taught = set(self.plan.grade_lists[school].tolist())
        options = []
        for grade in (base_grade - 1, base_grade + 1):
            if grade in taught and self._neighbours(base_grade, grade) and self._age_fits(grade, age):
                options.append(grade)
        if base_grade in taught and (not options or self.rng.random() >= _NEIGHBOUR_GRADE_SHARE):
            return base_grade
        return options[int(self.rng.integers(0, len(options)))] if options else None

    def _neighbours(self, first: int, second: int) -> bool:
        bands = (self.grades[first].band, self.grades[second].band)
        return bands[0] == bands[1] or (bands[0] in SCHOOL_SEQUENCE and bands[1] in SCHOOL_SEQUENCE)

    def _age_fits(self, grade: int, age: int) -> bool:
        return self.grades[grade].min_age <= age <= self.grades[grade].max_age

    def draw_child(self, school: int, *, g_code_share: float):
        """Draw a grade at ``school`` and a child of the expected age for it."""
        grades = self.plan.grade_lists[school]
        grade = int(grades[self.rng.choice(len(grades), p=self.plan.grade_weights[school])])
        expected = self.grades[grade].expected_age
        age = (
            expected + int(self.rng.integers(0, 10)) if self.grades[grade].band == "non_formal" else expected
        )
        province = np.array([int(self.plan.schools[school].province_code)])
        identity = make_identities(
            self.rng,
            self.sources,
            province,
            np.array([age]),
            self.reference_date,
            g_code_share=g_code_share,
            non_thai_share=0.02,
            academic_year=self.academic_year,
        )
        return grade, age, identity

    def place(self, province: str, record: PlannedRecord) -> None:
        self.capacity[record.school] -= 1
        self.result.records_by_province[province].append(record)

    def second_school(self, province: str, first: int, base_grade: int, age: int, same_agency: bool | None):
        """Pick another school in ``province`` with a grade that fits, preferring the agency rule."""
        agency = self.plan.schools[first].agency

        def accept(school: int, strict: bool) -> bool:
            if school == first:
                return False
            if (
                strict
                and same_agency is not None
                and (self.plan.schools[school].agency == agency) != same_agency
            ):
                return False
            return self.grade_at(school, base_grade, age) is not None

        for strict in (True, False):
            school = self.pick_school(province, lambda s, strict=strict: accept(s, strict))
            if school is not None:
                return school, self.grade_at(school, base_grade, age)
        return None, None

    # Exact duplicates ---------------------------------------------------------------------------

    def _provinces_for(self, level: str) -> tuple[str, list[str], list[str]] | None:
        """Return the first province, the choices for the second school and those for a third."""
        regions = self.plan.region_of
        provinces = list(self.by_province)
        if level == "province":
            first_province = self.pick_province([p for p in provinces if len(self.by_province[p]) > 1])
            return first_province, [first_province], [first_province]
        if level == "region":
            shared = [p for p in provinces if sum(regions[q] == regions[p] for q in provinces) > 1]
            if not shared:
                return None
            region = regions[self.pick_province(shared)]
            in_region = [p for p in provinces if regions[p] == region]
            first_province = self.pick_province(in_region)
            return first_province, [p for p in in_region if p != first_province], in_region
        first_province = self.pick_province(provinces)
        others = [p for p in provinces if regions[p] != regions[first_province]]
        return (first_province, others, provinces) if others else None

    def exact_group(self, level: str, group_number: int, triple: bool) -> bool:
        """Plan one exact duplicate at ``level``; return False when no schools with room were found.

        Even-numbered groups prefer a second school of the same agency, odd ones another agency.
        """
        provinces = self._provinces_for(level)
        if provinces is None:
            return False
        first_province, others, third_choices = provinces
        first = self.pick_school(first_province, lambda school: True)
        if first is None:
            return False
        grade, age, identity = self.draw_child(first, g_code_share=0.05)

        same_agency = group_number % 2 == 0
        places = [(first_province, first, grade)]
        for extra in range(2 if triple else 1):
            province = self.pick_province(others if extra == 0 else third_choices)
            school, school_grade = self.second_school(province, first, grade, age, same_agency)
            if school is None or any(school == placed[1] for placed in places):
                return False
            places.append((province, school, school_grade))

        group = len(self.result.duplicates)
        for slot, (province, school, school_grade) in enumerate(places):
            self.place(province, self._record(identity, 0, school, school_grade, "duplicate", group, slot))
        schools = [self.plan.schools[school] for _, school, _ in places]
        province_codes = [school.province_code for school in schools]
        region_numbers = [self.plan.region_of[code] for code in province_codes]
        self.result.duplicates.append(
            {
                "personal_id": identity.personal_id[0],
                "level": duplicate_level(province_codes, region_numbers),
                "schools": [school.school_code for school in schools],
                "provinces": province_codes,
                "regions": region_numbers,
                "agencies": [school.agency for school in schools],
                "records": [None] * len(places),
            }
        )
        return True

    @staticmethod
    def _record(
        identity, row: int, school: int, grade: int, kind: str, group: int, slot: int, **overrides
    ) -> PlannedRecord:
        values = dict(
            school=school,
            grade=grade,
            personal_id=identity.personal_id[row],
            first_name=identity.first_name[row],
            last_name=identity.last_name[row],
            male=bool(identity.male[row]),
            birth_date=identity.birth_date[row],
            nationality=identity.nationality[row],
            kind=kind,
            group=group,
            slot=slot,
        )
        values.update(overrides)
        return PlannedRecord(**values)

    # Near-duplicates ----------------------------------------------------------------------------

    def near_pair(self, kind: str, make_second_id) -> bool:
        """Plan one child at two schools under two IDs; ``make_second_id`` derives the second ID."""
        provinces = list(self.by_province)
        first_province = self.pick_province(provinces)
        first = self.pick_school(first_province, lambda school: True)
        if first is None:
            return False
        second_province = (
            first_province
            if self.rng.random() < _SAME_PROVINCE_NEAR_DUPLICATE_SHARE
            else self.pick_province(provinces)
        )
        grade, age, identity = self.draw_child(first, g_code_share=1.0 if kind == "g_code" else 0.0)
        second, second_grade = self.second_school(second_province, first, grade, age, None)
        if second is None:
            return False

        group = len(self.result.near_duplicates)
        second_id, details = make_second_id(identity)
        overrides = {"personal_id": second_id}
        if kind == "g_code" and details["name_variant"]:
            field_name = "first_name" if self.rng.random() < 0.5 else "last_name"
            overrides[field_name] = spelling_variant(getattr(identity, field_name)[0], self.rng)
        if kind == "id_typo" and not details["check_digit_valid"]:
            overrides["fault"] = "id_typo"
        self.place(first_province, self._record(identity, 0, first, grade, kind, group, 0))
        self.place(
            second_province, self._record(identity, 0, second, second_grade, kind, group, 1, **overrides)
        )
        self.result.near_duplicates.append({"kind": kind, **details, "records": [None, None]})
        return True

    def second_g_code(self, identity):
        """Allocate a new G code in the child's province; a share of pairs also gets a name variant."""
        province = np.array([int(identity.personal_id[0][3:5])])
        year = np.array([self.academic_year])
        return self.sources.allocator.g_codes(province, year)[0], {
            "name_variant": bool(self.rng.random() < _NAME_VARIANT_SHARE)
        }

    def typo_id(self, keep_check_digit_valid: bool):
        """Return a function that derives a mistyped ID that no generated ID can equal.

        With ``keep_check_digit_valid`` the third digit changes, which keeps the check digit valid.
        Otherwise one other digit changes or two adjacent digits swap, which almost always
        breaks it; the result records which.
        """

        def make(identity):
            original = identity.personal_id[0]
            for _ in range(200):
                digits = list(original)
                if keep_check_digit_valid:
                    # Digit 3 has weight 11, which is 0 mod 11, so changing it keeps the check digit valid.
                    digits[2] = str((int(digits[2]) + int(self.rng.integers(1, 10))) % 10)
                    change = "digit_changed"
                elif self.rng.random() < 0.5:
                    position = int(self.rng.choice([0, 1, *range(3, 13)]))
                    digits[position] = str((int(digits[position]) + int(self.rng.integers(1, 10))) % 10)
                    change = "digit_changed"
                else:
                    position = int(self.rng.integers(0, 12))
                    digits[position], digits[position + 1] = digits[position + 1], digits[position]
                    change = "digits_transposed"
                candidate = "".join(digits)
                if candidate != original and not self.sources.allocator.may_collide(candidate, original):
                    return candidate, {"change": change, "check_digit_valid": is_valid_thai_id(candidate)}
            raise RuntimeError("no collision-free typo found in 200 attempts")

        return make


def plan_duplicates(
    plan: EnrolmentPlan,
    grades: tuple[Grade, ...],
    sources: IdentitySources,
    reference_date: dt.date,
    academic_year: int,
    rates: DuplicateRates,
    seed: int,
) -> DuplicatePlan:
    """Plan exact duplicates and near-duplicates at the given rates per planned student."""
    rng = np.random.default_rng([seed, 0xD0])
    planner = _Planner(plan, grades, sources, reference_date, academic_year, rng)
    total = int(plan.sizes.sum())
    provinces = {school.province_code for school in plan.schools}
    regions = [plan.region_of[code] for code in provinces]
    feasible = {
        "province": any(len(rows) > 1 for rows in planner.by_province.values()),
        "region": len(regions) > len(set(regions)),
        "national": len(set(regions)) > 1,
    }

    for level, rate in (("province", rates.province), ("region", rates.region), ("national", rates.national)):
        if not feasible[level]:
            log.info("No %s-level duplicates: the selected provinces cannot contain one", level)
            continue
        target = round(total * rate)
        made = sum(
            planner.exact_group(level, number, bool(rng.random() < rates.triple_share))
            for number in range(target)
        )
        if made < target:
            log.info(
                "Planned %d of %d %s-level duplicates; the other draws found no school with room "
                "and a fitting grade",
                made,
                target,
                level,
            )

    for _ in range(round(total * rates.g_code_pairs)):
        planner.near_pair("g_code", planner.second_g_code)
    for _ in range(round(total * rates.id_typo_pairs)):
        planner.near_pair("id_typo", planner.typo_id(bool(rng.random() < rates.valid_typo_share)))
    result = planner.result
    log.info(
        "Planned %d duplicate groups and %d near-duplicate pairs",
        len(result.duplicates),
        len(result.near_duplicates),
    )
    return result
