"""Dataset contracts: the columns each of the eight datasets carries, read from include/contracts/."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import yaml

from exchange import settings

DATASETS = (
    "schools",
    "students",
    "teachers",
    "other_personnel",
    "graduates",
    "curricula",
    "academic_results",
    "land",
)
COLUMN_TYPES = {"text", "school_code", "personal_id", "date", "integer", "decimal", "code", "gender", "grade"}
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    headers: tuple[str, ...] = ()
    personal: bool = False


@dataclass(frozen=True)
class Contract:
    dataset: str
    title_th: str
    title_en: str
    due: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def personal_columns(self) -> list[str]:
        return [column.name for column in self.columns if column.personal]

    def match_header(self, header: str) -> str | None:
        """Return the column a file header names (canonical or Thai alias), or None."""
        return self._aliases().get(normalise_header(header))

    @cache  # noqa: B019 - contracts are immutable and few
    def _aliases(self) -> dict[str, str]:
        aliases = {}
        for column in self.columns:
            for alias in (column.name, *column.headers):
                aliases[normalise_header(alias)] = column.name
        return aliases


def normalise_header(header: str) -> str:
    """Fold a header cell for matching: NFC, no invisible characters, case and spacing folded."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", str(header))).replace("\u00a0", " ")
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def _parse(document: dict, source: str) -> Contract:
    columns = []
    for entry in document["columns"]:
        unknown = set(entry) - {"name", "type", "required", "headers", "description", "personal"}
        if unknown:
            raise ValueError(
                f"{source}: column {entry.get('name')} has unknown keys {sorted(unknown)}; "
                "quote text that contains commas"
            )
        if entry["type"] not in COLUMN_TYPES:
            raise ValueError(f"{source}: column {entry['name']} has unknown type {entry['type']!r}")
        columns.append(
            Column(
                name=entry["name"],
                type=entry["type"],
                required=bool(entry.get("required", False)),
                description=entry.get("description", ""),
                headers=tuple(entry.get("headers", ())),
                personal=bool(entry.get("personal", False)),
            )
        )
    return Contract(
        dataset=document["dataset"],
        title_th=document["title_th"],
        title_en=document["title_en"],
        due=document.get("due", "main"),
        columns=tuple(columns),
    )


@cache
def load_contract(dataset: str) -> Contract:
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: expected one of {', '.join(DATASETS)}")
    path = settings.CONTRACTS_DIR / f"{dataset}.yaml"
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


def all_contracts() -> list[Contract]:
    return [load_contract(dataset) for dataset in DATASETS]
