"""No personal data where it does not belong, after a whole small term run through Airflow.

`exchange run-term` runs every DAG of term 1 against a scratch warehouse and metadata database,
with the offices' answers simulated. Then every log (the run logs, Airflow's task logs, the
command's output, Airflow's XComs, the audit trail and the receipts' reasons) and every file the
term produced is searched for the personal data of the input: national IDs, G codes, full names
(first and last) and birth dates as the input wrote them. A single hit fails the test. Work
packages and correction packages may hold personal data only masked, so they are searched for
IDs and full names.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
from exchange import warehouse
from exchange.contracts import DATASETS, load_contract
from exchange.generate import generate_term
from exchange.readers import open_submission_file

from tests.airflow_harness import database_pair, run_exchange

pytestmark = pytest.mark.slow

# Sing Buri (region 2) and Ranong (region 7): the two provinces with the fewest schools in two
# regions, so the term has duplicates inside a province and across regions in a short run.
PROVINCES = ["17", "85"]
# The input columns searched for.
PERSONAL_COLUMNS = {"personal_id", "first_name", "last_name", "birth_date"}
# Folders of a term's output that may hold masked personal data; everything else may hold none.
MASKED_FOLDERS = {"work_packages", "corrections"}
BINARY_SUFFIXES = {".png", ".gif", ".ico", ".otf", ".ttf", ".woff", ".woff2", ".jpg", ".svg"}
THAI_OR_LATIN = "A-Za-z\u0e00-\u0e7f"
ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])(?:G|[0-9])(?:[ -]?[0-9]){12}(?![0-9])")
DATE_CANDIDATE = re.compile(r"(?<![0-9])[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}(?![0-9])")
NAME_PAIR = re.compile(rf"(?<![{THAI_OR_LATIN}])(?=([{THAI_OR_LATIN}]+)[ \t]+([{THAI_OR_LATIN}]+))")
WORD = re.compile(rf"[{THAI_OR_LATIN}]+")


@dataclass
class PersonalData:
    """The input's personal values, in the forms a search compares them in."""

    ids: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)
    joined_names: set[str] = field(default_factory=set)
    birth_dates: set[str] = field(default_factory=set)

    def add(self, values: dict[str, str]) -> None:
        identifier = re.sub(r"[ -]", "", values.get("personal_id") or "").upper()
        if len(identifier) == 13:
            self.ids.add(identifier)
        first, last = (values.get("first_name") or "").strip(), (values.get("last_name") or "").strip()
        if first and last:
            self.names.add((first, last))
            self.joined_names.add(first + last)
        if len(values.get("birth_date") or "") >= 8:
            self.birth_dates.add(values["birth_date"].strip())

    def hits(self, text: str, masked_only: bool) -> list[str]:
        """Return the personal values found in `text`; with `masked_only`, IDs and full names only."""
        found = [
            f"ID {match.group()}"
            for match in ID_CANDIDATE.finditer(text)
            if re.sub(r"[ -]", "", match.group()) in self.ids
        ]
        found += [
            f"name {match.group(1)} {match.group(2)}"
            for match in NAME_PAIR.finditer(text)
            if (match.group(1), match.group(2)) in self.names
        ]
        found += [f"name {word}" for word in WORD.findall(text) if word in self.joined_names]
        if not masked_only:
            found += [
                f"birth date {match.group()}"
                for match in DATE_CANDIDATE.finditer(text)
                if match.group() in self.birth_dates
            ]
        return found


def read_personal_data(term_dir: Path) -> PersonalData:
    """Read every personal column of every input file, as the file wrote it."""
    data = PersonalData()
    for dataset in DATASETS:
        contract = load_contract(dataset)
        for path in sorted(term_dir.glob(f"*/{dataset}.*")):
            parsed = open_submission_file(path, contract)
            encoding = {"UTF8": "utf-8", "WIN874": "cp874"}[parsed.copy_encoding]
            with parsed.open_stream() as stream:
                text = stream.read().decode(encoding)
            for row in csv.reader(io.StringIO(text)):
                data.add(
                    {
                        column: value
                        for column, value in zip(parsed.file_columns, row, strict=False)
                        if column in PERSONAL_COLUMNS
                    }
                )
    return data


def _cmap(text: bytes) -> dict[bytes, str]:
    """Parse a ToUnicode CMap's bfchar and bfrange entries into {2-byte code: text}."""
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, unicode in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", block):
            mapping[bytes.fromhex(code.decode())] = bytes.fromhex(unicode.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, unicode in re.findall(
            rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(unicode, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code.to_bytes(2, "big")] = chr(first + offset)
    return mapping


def _literal(token: bytes) -> bytes:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda match: escapes.get(
            match.group(1),
            bytes([int(match.group(1), 8)]) if match.group(1)[:1].isdigit() else match.group(1),
        ),
        token,
        flags=re.S,
    )


def pdf_text(pdf: bytes) -> str:
    """Return the text of a PDF written by fpdf2: the shown strings of each page, mapped through
    their fonts' ToUnicode maps, and the UTF-16 strings of the outline and document information."""
    objects = {int(number): body for number, body in re.findall(rb"(\d+) 0 obj\n(.*?)\nendobj", pdf, re.S)}

    def stream(body: bytes) -> bytes:
        match = re.search(rb"stream\n(.*)\nendstream", body, re.S)
        if match is None:
            return b""
        return zlib.decompress(match.group(1)) if b"/FlateDecode" in body[: match.start()] else match.group(1)

    fonts = {}
    for body in objects.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            reference = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(number), b""))
            if reference:
                fonts[name] = _cmap(stream(objects[int(reference.group(1))]))
    pieces = [
        bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
        for text in re.findall(rb"<feff([0-9a-fA-F]+)>", pdf)
    ]
    operation = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)\s*Tj|\bET\b", re.S)
    for body in objects.values():
        if b"/Length1" in body or b"stream" not in body:
            continue
        content, font, line = stream(body), {}, []
        for match in operation.finditer(content):
            if match.group(1):
                font = fonts.get(match.group(1), {})
            elif match.group(2) is not None:
                codes = _literal(match.group(2))
                line.extend(font.get(codes[index : index + 2], "") for index in range(0, len(codes), 2))
            elif line:
                pieces.append("".join(line))
                line = []
    return "\n".join(pieces)


def file_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return pdf_text(path.read_bytes())
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def searched_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() not in BINARY_SUFFIXES:
            yield path


@pytest.fixture(scope="module")
def term_run(tmp_path_factory):
    """Run term 1 through `exchange run-term`; yield the folder, the environment and the output."""
    folder = tmp_path_factory.mktemp("privacy")
    with database_pair(folder) as env:
        # School summaries for one province only, as the demo does, to keep the run short.
        env["EXCHANGE_SCHOOL_SUMMARY_PROVINCES"] = PROVINCES[-1]
        landing = folder / "landing"
        generate_term(landing, seed=7, provinces=PROVINCES, students_per_school=5)
        completed = run_exchange(
            [
                "run-term",
                "--year",
                "2566",
                "--term",
                "1",
                "--landing",
                str(landing),
                "--simulate-answers",
                "7",
            ],
            env,
            timeout=5400,
        )
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
        yield folder, env, completed


@pytest.fixture(scope="module")
def personal_data(term_run) -> PersonalData:
    folder, _, _ = term_run
    return read_personal_data(folder / "landing" / "2566" / "1")


def test_search_finds_input_values(term_run, personal_data):
    folder, _, _ = term_run
    students = next((folder / "landing" / "2566" / "1").glob("*/students.csv"))
    found = personal_data.hits(file_text(students), masked_only=False)
    assert {hit.split(" ")[0] for hit in found} == {"ID", "birth"}
    # An input file keeps first and last names in two columns; a sentence has them side by side.
    (first, last), birth_date = sorted(personal_data.names)[0], sorted(personal_data.birth_dates)[0]
    sentence = f"นักเรียน {first} {last} เกิด {birth_date} เลขประจำตัว {sorted(personal_data.ids)[0]}"
    assert len(personal_data.hits(sentence, masked_only=False)) == 3
    assert len(personal_data.hits(sentence, masked_only=True)) == 2
    assert len(personal_data.ids) > 1000
    assert len(personal_data.names) > 1000


def test_report_pdf_text_is_read(term_run):
    folder, _, _ = term_run
    text = pdf_text((folder / "output" / "2566" / "1" / "report" / "report_2566_1.pdf").read_bytes())
    assert "รายงานข้อมูลการศึกษา ปีการศึกษา 2566" in text


def test_logs_hold_no_personal_data(term_run, personal_data):
    folder, env, completed = term_run
    hits = {}
    logs = [
        *searched_files(folder / "airflow"),
        *searched_files(folder / "output" / "2566" / "1" / "airflow-runs"),
    ]
    assert len(logs) > 10
    for path in logs:
        found = personal_data.hits(file_text(path), masked_only=False)
        if found:
            hits[str(path.relative_to(folder))] = found[:5]
    for name, text in (("stdout", completed.stdout), ("stderr", completed.stderr)):
        if found := personal_data.hits(text, masked_only=False):
            hits[name] = found[:5]
    assert hits == {}


def test_database_logs_hold_no_personal_data(term_run, personal_data):
    _, env, _ = term_run
    statements = {
        "EXCHANGE_WAREHOUSE_URL": [
            "SELECT detail::text FROM audit.event",
            "SELECT coalesce(reason, '') FROM intake.submission",
            "SELECT detail::text FROM quality.validation_run",
            "SELECT coalesce(note, '') FROM dedup.case_event",
        ],
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": [
            "SELECT value::text FROM xcom",
            "SELECT coalesce(rendered_fields::text, '') FROM rendered_task_instance_fields",
        ],
    }
    hits = {}
    for variable, queries in statements.items():
        connection = psycopg2.connect(warehouse.parse_url(env[variable]).dsn())
        try:
            with connection.cursor() as cursor:
                for statement in queries:
                    cursor.execute(statement)
                    text = "\n".join(str(row[0]) for row in cursor.fetchall())
                    if found := personal_data.hits(text, masked_only=False):
                        hits[statement] = found[:5]
        finally:
            connection.close()
    assert hits == {}


def test_outputs_hold_no_personal_data(term_run, personal_data):
    folder, _, _ = term_run
    term_dir = folder / "output" / "2566" / "1"
    hits = {}
    checked = set()
    for path in searched_files(term_dir):
        parts = path.relative_to(term_dir).parts
        if parts[0] == "airflow-runs":
            continue
        found = personal_data.hits(file_text(path), masked_only=parts[0] in MASKED_FOLDERS)
        checked.add(parts[0])
        if found:
            hits[str(path.relative_to(term_dir))] = found[:5]
    assert {
        "budget",
        "open_data",
        "ranking",
        "report",
        "data_docs",
        "office_reports",
        "work_packages",
        "corrections",
    } <= checked
    assert hits == {}
