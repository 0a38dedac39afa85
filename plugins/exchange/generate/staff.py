"""Generate one province's teachers and other personnel.

Each school has about one teacher per ``STUDENTS_PER_TEACHER`` students and at least one. The
first teacher is the director, and a school with 15 or more teachers also has a deputy director.
Other personnel are one per ``STUDENTS_PER_OTHER_PERSON`` students plus one. The only injected staff
fault is a teacher ID with a wrong check digit (personal_id, TCH-011, error).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from exchange.generate.enrolment import EnrolmentPlan
from exchange.generate.idspace import with_wrong_check_digit
from exchange.generate.people import IdentitySources, make_identities
from exchange.generate.reference import GenerationReference
from exchange.generate.table import Table

STUDENTS_PER_TEACHER = 20
STUDENTS_PER_OTHER_PERSON = 250
TEACHER_BAD_CHECK_DIGIT_RATE = 0.003
SUBJECT_GROUPS = np.array(
    [
        "ภาษาไทย",
        "คณิตศาสตร์",
        "วิทยาศาสตร์และเทคโนโลยี",
        "สังคมศึกษา ศาสนาและวัฒนธรรม",
        "สุขศึกษาและพลศึกษา",
        "ศิลปะ",
        "การงานอาชีพ",
        "ภาษาต่างประเทศ",
    ],
    dtype=object,
)
_STANDINGS = np.array(["", "ชำนาญการ", "ชำนาญการพิเศษ", "เชี่ยวชาญ"], dtype=object)
_STANDING_WEIGHTS = np.array([0.33, 0.40, 0.25, 0.02])
_OTHER_POSITIONS = np.array(
    ["นักการภารโรง", "เจ้าหน้าที่ธุรการ", "เจ้าหน้าที่การเงิน", "พนักงานขับรถ", "แม่บ้าน", "ยาม", "บรรณารักษ์"], dtype=object
)
_EMPLOYMENT_TYPES = np.array(["ลูกจ้างประจำ", "พนักงานราชการ", "ลูกจ้างชั่วคราว"], dtype=object)
_EMPLOYMENT_WEIGHTS = np.array([0.25, 0.2, 0.55])


def _staff_identities(rng, sources, province, ages, reference: GenerationReference):
    return make_identities(
        rng,
        sources,
        np.full(len(ages), int(province)),
        ages,
        reference.calendar.as_of,
        g_code_share=0.0,
        non_thai_share=0.0,
        academic_year=reference.calendar.academic_year,
    )


def _start_dates(birth_dates: np.ndarray, as_of: dt.date, rng: np.random.Generator) -> np.ndarray:
    """Draw a start date between the 23rd birthday (or May 1990, if later) and the as-of date."""
    earliest = np.maximum(birth_dates + np.timedelta64(23 * 365 + 6, "D"), np.datetime64("1990-05-16"))
    latest = np.datetime64(as_of)
    span = np.maximum((latest - earliest).astype(np.int64), 0)
    return earliest + np.floor(rng.random(len(birth_dates)) * (span + 1)).astype(np.int64)


def _teacher_positions(rank, school_teachers, agencies, rng) -> np.ndarray:
    """Return the director for the first teacher of each school, a deputy for large schools, else ครู."""
    position = np.where(rng.random(len(rank)) < 0.12, "ครูผู้ช่วย", "ครู").astype(object)
    position[(rank == 1) & (school_teachers >= 15)] = "รองผู้อำนวยการสถานศึกษา"
    position[rank == 0] = "ผู้อำนวยการสถานศึกษา"
    position[(agencies == "ONIE") & (position == "ครู")] = "ครู กศน.ตำบล"
    return position


def build_teachers(
    province: str,
    plan: EnrolmentPlan,
    sources: IdentitySources,
    reference: GenerationReference,
    rng: np.random.Generator,
) -> Table:
    """Return the province's teachers and education personnel in school order."""
    school_ids = plan.schools_in(province)
    counts = np.maximum(1, np.round(plan.sizes[school_ids] / STUDENTS_PER_TEACHER).astype(np.int64))
    local = np.repeat(np.arange(len(school_ids)), counts)
    count = len(local)
    rank = np.arange(count) - np.repeat(np.cumsum(counts) - counts, counts)
    ages = np.where(rank == 0, rng.integers(40, 61, count), rng.integers(23, 61, count))
    identity = _staff_identities(rng, sources, province, ages, reference)

    agencies = np.array([plan.schools[i].agency for i in school_ids], dtype=object)[local]
    position = _teacher_positions(rank, counts[local], agencies, rng)
    standing = _STANDINGS[rng.choice(4, size=count, p=_STANDING_WEIGHTS)]
    standing[(position == "ครูผู้ช่วย") | (agencies == "OPEC") | (ages < 28)] = ""
    subject = SUBJECT_GROUPS[rng.integers(0, len(SUBJECT_GROUPS), count)]
    pre_primary_only = np.array([plan.schools[i].bands == ("pre_primary",) for i in school_ids])[local]
    subject[pre_primary_only] = "ปฐมวัย"
    subject[rank == 0] = ""

    codes = np.array([plan.schools[i].school_code for i in school_ids], dtype=object)
    columns = {
        "school_code": codes[local],
        "personal_id": identity.personal_id,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "gender": np.where(identity.male, "M", "F").astype(object),
        "birth_date": identity.birth_date,
        "position": position,
        "academic_standing": standing,
        "subject_group": subject,
        "start_date": _start_dates(identity.birth_date, reference.calendar.as_of, rng),
    }
    table = Table("teachers", columns, school_ids[local])
    rows = np.flatnonzero(rng.random(count) < TEACHER_BAD_CHECK_DIGIT_RATE)
    for row in rows:
        columns["personal_id"][row] = with_wrong_check_digit(columns["personal_id"][row], rng)
    table.fault[rows], table.fault_column[rows] = "bad_check_digit", "personal_id"
    return table


def build_other_personnel(
    province: str,
    plan: EnrolmentPlan,
    sources: IdentitySources,
    reference: GenerationReference,
    rng: np.random.Generator,
) -> Table:
    """Return the province's other personnel (caretakers, clerks, drivers …) in school order."""
    school_ids = plan.schools_in(province)
    counts = np.round(plan.sizes[school_ids] / STUDENTS_PER_OTHER_PERSON).astype(np.int64) + 1
    local = np.repeat(np.arange(len(school_ids)), counts)
    count = len(local)
    identity = _staff_identities(rng, sources, province, rng.integers(20, 61, count), reference)
    codes = np.array([plan.schools[i].school_code for i in school_ids], dtype=object)
    columns = {
        "school_code": codes[local],
        "personal_id": identity.personal_id,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "gender": np.where(identity.male, "M", "F").astype(object),
        "birth_date": identity.birth_date,
        "position": _OTHER_POSITIONS[rng.integers(0, len(_OTHER_POSITIONS), count)],
        "employment_type": _EMPLOYMENT_TYPES[rng.choice(3, size=count, p=_EMPLOYMENT_WEIGHTS)],
    }
    return Table("other_personnel", columns, school_ids[local])
