"""Generate one term's submissions for the selected provinces, with a ground truth.

Output: ``OUT/<academic_year>/<term>/<agency>/<dataset>.(csv|xlsx)`` for the eight datasets of
every agency with schools in the selected provinces, and ``OUT/<academic_year>/<term>/
ground_truth.json``. Provinces are generated one at a time and appended to open writers, so
only one province is in memory at a time. The largest, Nakhon Ratchasima, has about 535,000
students at national scale.

``GroundTruth.counts`` defines the expected student counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exchange import settings
from exchange.contracts import DATASETS
from exchange.generate.duplicates import DuplicateRates, plan_duplicates
from exchange.generate.enrolment import build_enrolment_plan
from exchange.generate.formats import FileFormat, file_format
from exchange.generate.idspace import IdAllocator
from exchange.generate.names import NameLists
from exchange.generate.people import IdentitySources
from exchange.generate.reference import load_reference
from exchange.generate.school_records import (
    build_academic_results,
    build_curricula,
    build_graduates,
    build_land,
)
from exchange.generate.staff import build_other_personnel, build_teachers
from exchange.generate.students import StudentFaultRates, build_students
from exchange.generate.table import Table
from exchange.generate.truth import GroundTruth
from exchange.generate.writers import CsvTableWriter, XlsxTableWriter
from exchange.register import build_register, load_agency_names

log = logging.getLogger(__name__)

LATE_DAYS = 2
_FILE_INTERVAL = dt.timedelta(seconds=45)


@dataclass(frozen=True)
class Scale:
    """Mean students per school and the provinces used when none are given."""

    mean_students_per_school: float
    default_provinces: tuple[str, ...] | None  # None means all 77


# demo: Bangkok and Pathum Thani (region 1) with Chiang Mai and Lamphun (region 15), so there are
# BMA schools and duplicates within a province, within a region and across regions.
SCALES = {
    "demo": Scale(60, ("10", "13", "50", "51")),
    "province": Scale(350, ("30",)),
    "national": Scale(335, None),
}


def _schools_table(school_ids: np.ndarray, schools) -> Table:
    rows = [schools[i] for i in school_ids.tolist()]

    def column(attribute: str) -> np.ndarray:
        return np.array([getattr(school, attribute) for school in rows], dtype=object)

    columns = {
        "school_code": column("school_code"),
        "school_name": column("name"),
        "affiliation_code": column("affiliation_code"),
        "province_code": column("province_code"),
        "district_code": column("district_code"),
        "subdistrict_code": column("subdistrict_code"),
        "education_level": column("level_text"),
    }
    return Table("schools", columns, school_ids)


def _submission_times(
    agencies: list[str], calendar, rng: np.random.Generator
) -> tuple[dict[str, dt.datetime], str]:
    """Draw one submission time per agency inside the window, and one late agency."""
    late_agency = agencies[int(rng.integers(0, len(agencies)))]
    length = (calendar.window_end - calendar.window_start).total_seconds() - 3600
    times = {}
    for agency in agencies:
        if agency == late_agency:
            late_day = calendar.window_end + dt.timedelta(days=LATE_DAYS - 1)
            times[agency] = late_day + dt.timedelta(seconds=int(rng.integers(8 * 3600, 17 * 3600)))
        else:
            times[agency] = calendar.window_start + dt.timedelta(seconds=int(rng.integers(0, int(length))))
    return times, late_agency


def _remove_previous_output(term_dir: Path, agencies: list[str]) -> None:
    """Delete files an earlier run left under the names this run writes, so no stale agency file remains."""
    for path in [term_dir / "ground_truth.json"] + [
        term_dir / agency / f"{dataset}.{extension}"
        for agency in agencies
        for dataset in DATASETS
        for extension in ("csv", "xlsx")
    ]:
        path.unlink(missing_ok=True)


def generate_term(
    out_dir: Path,
    *,
    seed: int,
    academic_year: int = 2566,
    term: int = 1,
    provinces: list[str] | None = None,
    scale: str = "demo",
    formats: str = "mixed",
    students_per_school: float | None = None,
) -> dict:
    """Write one term of agency submissions under ``out_dir`` and return the ground truth.

    ``provinces`` are 2-digit DOPA codes; when omitted, the scale's default provinces. ``scale``
    sets the mean school size (demo 60, province 350, national 335 students), and
    ``students_per_school`` overrides it (tests use small values). The same arguments give
    byte-identical files.
    """
    if scale not in SCALES:
        raise ValueError(f"invalid scale {scale!r}: expected one of {', '.join(SCALES)}")
    reference = load_reference(academic_year, term)
    register = build_register(seed, settings.REFERENCE_DIR)
    known = sorted(reference.region_of)
    selected = sorted(set(provinces or SCALES[scale].default_provinces or known))
    unknown = [code for code in selected if code not in reference.region_of]
    if unknown:
        raise ValueError(
            f"unknown province codes {unknown}: expected 2-digit DOPA codes such as 10, 50 or 90"
        )
    schools = register.in_provinces(selected)
    mean_size = students_per_school or SCALES[scale].mean_students_per_school
    plan = build_enrolment_plan(schools, reference.grades, reference.region_of, mean_size, seed)
    sources = IdentitySources(IdAllocator(seed), NameLists.load(), np.array([int(code) for code in known]))
    duplicate_plan = plan_duplicates(
        plan,
        reference.grades,
        sources,
        reference.calendar.age_reference_date,
        academic_year,
        DuplicateRates(),
        seed,
    )

    affiliation = load_agency_names(settings.REFERENCE_DIR / "agencies.csv")
    present = {school.agency for school in schools}
    agencies = [agency for agency in affiliation if agency in present]
    times, late_agency = _submission_times(agencies, reference.calendar, np.random.default_rng([seed, 0x71]))
    term_dir = Path(out_dir) / str(academic_year) / str(term)
    _remove_previous_output(term_dir, list(affiliation))
    truth = GroundTruth(
        {
            "academic_year": academic_year,
            "term": term,
            "seed": seed,
            "provinces": selected,
            "scale": scale,
            "formats": formats,
            "late_agency": late_agency,
        },
        duplicate_plan,
    )
    writers = _open_writers(
        term_dir, {agency: affiliation[agency] for agency in agencies}, formats, reference, truth, times
    )
    agency_of = np.array([school.agency for school in schools], dtype=object)
    for province in selected:
        _generate_province(
            province, plan, sources, reference, duplicate_plan, writers, truth, agency_of, seed
        )
    for (agency, _), writer in writers.items():
        saved_at = truth.files[f"{agency}/{writer.path.name}"]["submitted_at"]
        if isinstance(writer, XlsxTableWriter):
            writer.close(dt.datetime.fromisoformat(saved_at))
        else:
            writer.close()
        timestamp = dt.datetime.fromisoformat(saved_at).timestamp()
        os.utime(writer.path, (timestamp, timestamp))
    document = truth.write(term_dir / "ground_truth.json")
    log.info(
        "Generated term %d of %d: %d provinces, %d schools, counts %s, late agency %s",
        term,
        academic_year,
        len(selected),
        len(schools),
        document["counts"],
        late_agency,
    )
    return document


def _open_writers(
    term_dir: Path,
    agency_names: dict[str, str],
    formats: str,
    reference,
    truth: GroundTruth,
    times: dict[str, dt.datetime],
) -> dict:
    writers = {}
    for agency, agency_name in agency_names.items():
        agency_format: FileFormat = file_format(agency, formats)
        (term_dir / agency).mkdir(parents=True, exist_ok=True)
        for position, dataset in enumerate(DATASETS):
            layout = reference.layouts[dataset]
            path = term_dir / agency / f"{dataset}.{agency_format.extension}"
            if agency_format.kind == "xlsx":
                title = (
                    f"{layout.title_th} {agency_name} ปีการศึกษา {reference.calendar.academic_year} "
                    f"ภาคเรียนที่ {reference.calendar.term}"
                )
                writers[(agency, dataset)] = XlsxTableWriter(path, layout, agency_format, title)
            else:
                writers[(agency, dataset)] = CsvTableWriter(path, layout, agency_format)
            truth.add_file(
                f"{agency}/{path.name}",
                {
                    "agency": agency,
                    "dataset": dataset,
                    "rows": 0,
                    "format": agency_format.kind,
                    "encoding": agency_format.encoding,
                    "header_row": agency_format.header_row,
                    "headers": agency_format.headers,
                    "date_style": agency_format.date_style,
                    "numeric_ids": agency_format.numeric_ids,
                    "submitted_at": (times[agency] + position * _FILE_INTERVAL).isoformat(),
                },
            )
    return writers


def _generate_province(
    province: str,
    plan,
    sources,
    reference,
    duplicate_plan,
    writers,
    truth: GroundTruth,
    agency_of: np.ndarray,
    seed: int,
) -> None:
    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([seed, int(province), stream])

    records = duplicate_plan.records_by_province.get(province, [])
    students = build_students(province, plan, records, sources, reference, StudentFaultRates(), rng(1))
    tables = {
        "schools": _schools_table(plan.schools_in(province), plan.schools),
        "students": students.table,
        "teachers": build_teachers(province, plan, sources, reference, rng(2)),
        "other_personnel": build_other_personnel(province, plan, sources, reference, rng(3)),
        "graduates": build_graduates(province, plan, students, sources, reference, rng(4)),
        "curricula": build_curricula(province, plan, reference, rng(5)),
        "academic_results": build_academic_results(province, plan, students, reference, rng(6)),
        "land": build_land(province, plan, rng(7)),
    }
    for dataset in DATASETS:
        table = tables[dataset]
        owners = agency_of[table.school]
        for agency in sorted(set(owners.tolist())):
            part = table.take(np.flatnonzero(owners == agency))
            writer = writers[(agency, dataset)]
            first_row = writer.write(part)
            truth.record_rows(agency, f"{agency}/{writer.path.name}", part, first_row, records)
    log.info(
        "Generated province %s: %d schools, %d students",
        province,
        len(tables["schools"]),
        len(students.table),
    )
