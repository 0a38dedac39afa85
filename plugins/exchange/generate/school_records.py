"""Generate one province's graduates, curricula, academic results and land."""

from __future__ import annotations

import datetime as dt

import numpy as np

from exchange.generate.enrolment import EnrolmentPlan
from exchange.generate.people import IdentitySources, make_identities
from exchange.generate.reference import GenerationReference
from exchange.generate.students import G_CODE_SHARE, NON_THAI_SHARE, StudentBlock
from exchange.generate.table import Table
from exchange.school_levels import LOWER_SECONDARY, NON_FORMAL, PRE_PRIMARY, PRIMARY, UPPER_SECONDARY

EXIT_GRADES = ("ป.6", "ม.3", "ม.6", "ปวช.3", "ปวส.2", "กศน.ประถม", "กศน.ม.ต้น", "กศน.ม.ปลาย")
RESULT_SHARE = 0.95
_BASIC_CURRICULUM = "หลักสูตรแกนกลางการศึกษาขั้นพื้นฐาน พุทธศักราช 2551 (ฉบับปรับปรุง พ.ศ. 2560)"
CURRICULA = {
    "pre_primary": ("ECE-2560", "หลักสูตรการศึกษาปฐมวัย พุทธศักราช 2560"),
    "primary": ("BEC-2551-P", _BASIC_CURRICULUM),
    "lower_secondary": ("BEC-2551-L", _BASIC_CURRICULUM),
    "upper_secondary": ("BEC-2551-U", _BASIC_CURRICULUM),
    "vocational": ("VOC-2562", "หลักสูตรประกาศนียบัตรวิชาชีพ พุทธศักราช 2562"),
    "higher_vocational": ("HVC-2563", "หลักสูตรประกาศนียบัตรวิชาชีพชั้นสูง พุทธศักราช 2563"),
    "non_formal": ("NFE-2551", "หลักสูตรการศึกษานอกระบบระดับการศึกษาขั้นพื้นฐาน พุทธศักราช 2551"),
}
_SPECIAL_PROGRAMMES = (("EP", "English Program", 0.06), ("MEP", "Mini English Program", 0.05))
_LAND_SHARE = {"OPEC": 0.6, "ONIE": 0.3}
_DEFAULT_LAND_SHARE = 0.9
_DEED_TYPES = np.array(["โฉนด", "ที่ราชพัสดุ", "น.ส.3ก", "ที่สาธารณประโยชน์", "ส.ป.ก. 4-01"], dtype=object)
_DEED_WEIGHTS = np.array([0.35, 0.3, 0.1, 0.15, 0.1])
_OWNERSHIP = np.array(["เป็นเจ้าของ", "ใช้ที่ราชพัสดุ", "เช่า", "ได้รับอนุญาตให้ใช้", "ได้รับบริจาค"], dtype=object)


def build_graduates(
    province: str,
    plan: EnrolmentPlan,
    students: StudentBlock,
    sources: IdentitySources,
    reference: GenerationReference,
    rng: np.random.Generator,
) -> Table:
    """Return last year's graduates: per school and exit grade, 80-100% of this year's class in that grade."""
    school_ids = plan.schools_in(province)
    grade_count = len(reference.grades)
    local_of = {int(school): k for k, school in enumerate(school_ids)}
    local = np.array([local_of[int(school)] for school in students.table.school], dtype=np.int64)
    class_sizes = np.bincount(local * grade_count + students.grades, minlength=len(school_ids) * grade_count)
    exit_indices = [reference.grade_index(grade) for grade in EXIT_GRADES]
    class_sizes = class_sizes.reshape(len(school_ids), grade_count)[:, exit_indices]
    graduates = np.round(class_sizes * rng.uniform(0.8, 1.0, class_sizes.shape)).astype(np.int64).ravel()
    local_rows = np.repeat(np.repeat(np.arange(len(school_ids)), len(exit_indices)), graduates)
    grade_rows = np.repeat(np.tile(np.array(exit_indices), len(school_ids)), graduates)

    previous_reference = graduation_reference_date(reference.calendar.age_reference_date)
    ages = reference.expected_age[grade_rows]
    non_formal = np.array([grade.band == NON_FORMAL for grade in reference.grades])[grade_rows]
    ages = np.where(non_formal, ages + np.floor(rng.exponential(6.0, len(ages))).astype(np.int64), ages)
    identity = make_identities(
        rng,
        sources,
        np.full(len(ages), int(province)),
        ages,
        previous_reference,
        g_code_share=G_CODE_SHARE,
        non_thai_share=NON_THAI_SHARE,
        academic_year=reference.calendar.academic_year - 1,
    )

    codes = np.array([plan.schools[i].school_code for i in school_ids], dtype=object)
    columns = {
        "school_code": codes[local_rows],
        "personal_id": identity.personal_id,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "gender": np.where(identity.male, "M", "F").astype(object),
        "birth_date": identity.birth_date,
        "grade_completed": np.array([grade.grade for grade in reference.grades], dtype=object)[grade_rows],
        "graduation_year": np.full(len(ages), str(reference.calendar.academic_year - 1), dtype=object),
    }
    return Table("graduates", columns, school_ids[local_rows])


def _previous_grades(reference: GenerationReference) -> np.ndarray:
    """Index of the grade a student was in last year, or -1 when there is no graded result.

    Pre-primary has no grade point average. A non-formal student's result is for the same
    level, because non-formal courses run for several terms at one level.
    """
    sequence = (PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY)
    previous = np.full(len(reference.grades), -1, dtype=np.int64)
    for index in range(len(reference.grades)):
        band = reference.grades[index].band
        if band == NON_FORMAL:
            previous[index] = index
            continue
        earlier = reference.grades[index - 1].band if index else PRE_PRIMARY
        if PRE_PRIMARY in (band, earlier) or NON_FORMAL in (band, earlier):
            continue
        if band == earlier or (band in sequence and earlier in sequence):
            previous[index] = index - 1
    return previous


def build_academic_results(
    province: str,
    plan: EnrolmentPlan,
    students: StudentBlock,
    reference: GenerationReference,
    rng: np.random.Generator,
) -> Table:
    """Return last year's GPA for clean students who were in the school's previous grade last year."""
    table = students.table
    previous = _previous_grades(reference)[students.grades]
    taught = np.zeros((len(plan.schools), len(reference.grades)), dtype=bool)
    for school in np.unique(table.school):
        taught[school, plan.grade_lists[school]] = True
    eligible = (previous >= 0) & (table.fault == "") & (table.planned < 0)
    eligible &= taught[table.school, np.maximum(previous, 0)]
    rows = np.flatnonzero(eligible & (rng.random(len(table)) < RESULT_SHARE))
    gpa = np.clip(rng.normal(2.9, 0.55, len(rows)), 1.0, 4.0)
    columns = {
        "school_code": table.columns["school_code"][rows],
        "personal_id": table.columns["personal_id"][rows],
        "result_year": np.full(len(rows), str(reference.calendar.academic_year - 1), dtype=object),
        "grade": np.array([grade.grade for grade in reference.grades], dtype=object)[previous[rows]],
        "gpa": np.array([f"{value:.2f}" for value in gpa.tolist()], dtype=object),
    }
    return Table("academic_results", columns, table.school[rows])


def build_curricula(
    province: str, plan: EnrolmentPlan, reference: GenerationReference, rng: np.random.Generator
) -> Table:
    """Return one curriculum per band each school teaches, plus some English programmes in secondary."""
    band_th = {grade.band: grade.band_th for grade in reference.grades}
    rows: list[tuple[int, str, str, str, str]] = []
    for school in plan.schools_in(province).tolist():
        for band in plan.schools[school].bands:
            code, name = CURRICULA[band]
            rows.append((school, code, name, band_th[band], "ปกติ"))
            if band in (LOWER_SECONDARY, UPPER_SECONDARY):
                for suffix, programme, share in _SPECIAL_PROGRAMMES:
                    if rng.random() < share:
                        rows.append((school, f"{code}-{suffix}", name, band_th[band], programme))
    schools = np.array([row[0] for row in rows], dtype=np.int64)
    columns = {
        "school_code": np.array([plan.schools[row[0]].school_code for row in rows], dtype=object),
        "curriculum_code": np.array([row[1] for row in rows], dtype=object),
        "curriculum_name": np.array([row[2] for row in rows], dtype=object),
        "education_level": np.array([row[3] for row in rows], dtype=object),
        "programme_type": np.array([row[4] for row in rows], dtype=object),
    }
    return Table("curricula", columns, schools)


def build_land(province: str, plan: EnrolmentPlan, rng: np.random.Generator) -> Table:
    """Return one or two land parcels for most schools; private and non-formal centres often have none."""
    school_ids = plan.schools_in(province)
    shares = np.array([_LAND_SHARE.get(plan.schools[i].agency, _DEFAULT_LAND_SHARE) for i in school_ids])
    parcels = np.where(
        rng.random(len(school_ids)) < shares, np.where(rng.random(len(school_ids)) < 0.8, 1, 2), 0
    )
    schools = np.repeat(school_ids, parcels)
    count = len(schools)
    rai = np.maximum(1, np.round(rng.lognormal(2.2, 0.8, count))).astype(np.int64)
    columns = {
        "school_code": np.array([plan.schools[i].school_code for i in schools.tolist()], dtype=object),
        "deed_type": _DEED_TYPES[rng.choice(len(_DEED_TYPES), size=count, p=_DEED_WEIGHTS)],
        "deed_number": np.array(
            [str(value) for value in rng.integers(100, 99_999, count).tolist()], dtype=object
        ),
        "area_rai": np.array([str(value) for value in rai.tolist()], dtype=object),
        "area_ngan": np.array([str(value) for value in rng.integers(0, 4, count).tolist()], dtype=object),
        "area_square_wa": np.array(
            [f"{value:.1f}" for value in (rng.integers(0, 1000, count) / 10).tolist()], dtype=object
        ),
        "ownership": _OWNERSHIP[rng.integers(0, len(_OWNERSHIP), count)],
    }
    return Table("land", columns, schools)


def graduation_reference_date(age_reference_date: dt.date) -> dt.date:
    """Return the previous academic year's age reference date."""
    return age_reference_date.replace(year=age_reference_date.year - 1)
