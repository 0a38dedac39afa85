"""File formats of the agencies: file type, encoding, header language and date style.

With ``formats="mixed"`` the agencies send what the intake must cope with:

- OBEC: CSV, UTF-8, English canonical headers, ISO CE dates (2010-05-17);
- OPEC: CSV, UTF-8 with BOM, Thai headers, Buddhist Era dates dd/mm/yyyy (17/05/2553);
- BMA: CSV in cp874 (TIS-620 with Windows additions), Thai headers, Buddhist Era ISO-style
  dates (2553-05-17);
- DLA: XLSX with a title row and a blank row above the header (header on sheet row 3), Thai
  headers, Excel date cells, personal IDs as numeric cells (so an ID starting with 0 loses it);
- every other agency: CSV, UTF-8, English headers, ISO CE dates.

With ``formats="plain"`` every agency sends the OBEC style.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT_CHOICES = ("plain", "mixed")


@dataclass(frozen=True)
class FileFormat:
    """The layout of one agency's files."""

    kind: str  # "csv" or "xlsx"
    encoding: str | None  # Python codec name for CSV; None for XLSX
    headers: str  # "en" for canonical names, "th" for the first Thai alias
    date_style: str  # "iso", "be_slash", "be_iso" or "excel"
    header_row: int  # sheet row of the header; the first data row follows it
    numeric_ids: bool = False

    @property
    def extension(self) -> str:
        return self.kind


PLAIN = FileFormat("csv", "utf-8", "en", "iso", 1)
_MIXED = {
    "OBEC": PLAIN,
    "OPEC": FileFormat("csv", "utf-8-sig", "th", "be_slash", 1),
    "BMA": FileFormat("csv", "cp874", "th", "be_iso", 1),
    "DLA": FileFormat("xlsx", None, "th", "excel", 3, numeric_ids=True),
}


def file_format(agency: str, formats: str) -> FileFormat:
    """Return the file format an agency uses under the ``formats`` setting ("plain" or "mixed")."""
    if formats not in FORMAT_CHOICES:
        raise ValueError(f"invalid formats {formats!r}: expected one of {', '.join(FORMAT_CHOICES)}")
    if formats == "plain":
        return PLAIN
    return _MIXED.get(agency, PLAIN)
