"""Match Thai province, district and subdistrict names to DOPA codes.

Names in agency files differ from the DOPA gazetteer in small ways. They contain zero-width
spaces, spaces inside the name, an en dash in place of a hyphen, the decomposed sara am
(U+0E4D U+0E32), stray braces or pipes, or a prefix such as อำเภอ, เขต, ตำบล, แขวง, อ. or ต.
``normalise_place_name`` removes all of these, so two spellings of one place compare equal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_JUNK = re.compile(r"[\s{}|\"“”'()]")
# Longest prefixes first, so that กิ่งอำเภอ is removed whole and not as อำเภอ after กิ่ง.
_PREFIXES = ("กิ่งอำเภอ", "อำเภอ", "ตำบล", "แขวง", "เขต", "อ.", "ต.")


def normalise_place_name(text: str) -> str:
    """Fold a place name for matching: NFC, no invisible characters, spaces, braces or admin prefix."""
    folded = unicodedata.normalize("NFC", _INVISIBLE.sub("", text or ""))
    folded = folded.replace("\u0e4d\u0e32", "\u0e33").replace("\u2013", "-").replace("\u2014", "-")
    folded = _JUNK.sub("", folded)
    for prefix in _PREFIXES:
        if folded.startswith(prefix) and len(folded) > len(prefix):
            folded = folded[len(prefix) :]
            break
    return folded


@dataclass(frozen=True)
class Province:
    """A province with its 2-digit DOPA code."""

    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class District:
    """A district (อำเภอ, or เขต in Bangkok) with its 4-digit DOPA code."""

    code: str
    province_code: str
    name_th: str


@dataclass(frozen=True)
class PlaceMatch:
    """District and subdistrict codes found for one school; an empty string where no name matched."""

    district_code: str
    subdistrict_code: str


class Gazetteer:
    """The DOPA provinces, districts and subdistricts, indexed by normalised Thai name."""

    def __init__(self, provinces: list[dict], districts: list[dict], subdistricts: list[dict]) -> None:
        self.provinces = [
            Province(f"{row['provinceCode']:02d}", row["provinceNameTh"], row["provinceNameEn"])
            for row in provinces
        ]
        self.districts = [
            District(str(row["districtCode"]), f"{row['provinceCode']:02d}", row["districtNameTh"])
            for row in districts
        ]
        self._province_by_name = {normalise_place_name(p.name_th): p for p in self.provinces}
        self._province_by_code = {p.code: p for p in self.provinces}
        self._district_by_name = {
            (d.province_code, normalise_place_name(d.name_th)): d.code for d in self.districts
        }
        self._subdistrict_by_name: dict[tuple[str, str], str] = {}
        self._subdistricts_in_province: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.subdistricts_of: dict[str, list[str]] = defaultdict(list)
        for row in subdistricts:
            district_code = str(row["districtCode"])
            subdistrict_code = str(row["subdistrictCode"])
            name = normalise_place_name(row["subdistrictNameTh"])
            self._subdistrict_by_name[(district_code, name)] = subdistrict_code
            province_code = f"{row['provinceCode']:02d}"
            self._subdistricts_in_province[(province_code, name)].append((district_code, subdistrict_code))
            self.subdistricts_of[district_code].append(subdistrict_code)

    @classmethod
    def load(cls, geography_dir: Path) -> Gazetteer:
        """Read provinces.json, districts.json and subdistricts.json from ``geography_dir``."""

        def read(name: str) -> list[dict]:
            return json.loads((geography_dir / name).read_text(encoding="utf-8"))

        return cls(read("provinces.json"), read("districts.json"), read("subdistricts.json"))

    def province_by_name(self, name_th: str) -> Province | None:
        return self._province_by_name.get(normalise_place_name(name_th))

    def province(self, code: str) -> Province:
        try:
            return self._province_by_code[code]
        except KeyError:
            raise ValueError(
                f"unknown province code {code!r}: expected a 2-digit DOPA code such as 10"
            ) from None

    def districts_in(self, province_code: str) -> list[District]:
        return [district for district in self.districts if district.province_code == province_code]

    def match(self, province_code: str, district_name: str, subdistrict_name: str) -> PlaceMatch:
        """Find the district and subdistrict codes for names written within one province.

        When the district name matches nothing but the subdistrict name occurs exactly once in the
        province, both codes come from that subdistrict.
        """
        subdistrict_key = normalise_place_name(subdistrict_name)
        district_code = self._district_by_name.get((province_code, normalise_place_name(district_name)), "")
        if district_code:
            return PlaceMatch(
                district_code, self._subdistrict_by_name.get((district_code, subdistrict_key), "")
            )
        candidates = self._subdistricts_in_province.get((province_code, subdistrict_key), [])
        if len(candidates) == 1:
            return PlaceMatch(*candidates[0])
        return PlaceMatch("", "")
