"""A streaming writer for plain XLSX tables: a bold header row frozen at the top, text and numbers.

openpyxl without lxml serialises about ten thousand cells a second, and a national budget file
has millions, so this module writes the SpreadsheetML parts itself, row by row into the zip. Text
is stored as inline strings, which a spreadsheet never evaluates as a formula. Every zip entry
has the same timestamp and the document dates are the caller's, so the same rows give the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Excel's 1,048,576 rows per sheet, less the header.
ROWS_PER_SHEET = 1_048_575
# XML 1.0 forbids these control characters, so they are dropped from text.
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STYLES = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """Return the column letters of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text_cell(reference: str, text: str, style: str = "") -> str:
    text = INVALID_XML.sub("", text)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}" t="inlineStr"{style}><is><t{space}>{escape(text)}</t></is></c>'


def _row(number: int, letters: list[str], values: Sequence, style: str = "") -> str:
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value is None:
            continue
        reference = f"{letter}{number}"
        if isinstance(value, bool):
            cells.append(f'<c r="{reference}"{style}><v>{int(value)}</v></c>')
        elif isinstance(value, int | float):
            cells.append(f'<c r="{reference}"{style}><v>{value!r}</v></c>')
        else:
            cells.append(_text_cell(reference, str(value), style))
    return f'<row r="{number}">{"".join(cells)}</row>'


def _entry(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, text.encode("utf-8"))


def write_table(
    path: Path, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence], document_date: dt.date
) -> int:
    """Write rows of already-safe values (text, int, float, None) under a bold header row.

    Rows past a sheet's limit continue on further sheets, each with the header. Returns the
    number of data rows.
    """
    return write_workbook(path, [(sheet_title, header, rows)], document_date)[0]


def write_workbook(
    path: Path, tables: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], document_date: dt.date
) -> list[int]:
    """Write one or more tables of already-safe values, each on its own sheet under a bold header.

    `tables` are (sheet title, header, rows). A table past a sheet's limit continues on further
    sheets. Returns the number of data rows per table.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    counts: list[int] = []
    sheets: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet_title, header, rows in tables:
            letters = [column_letter(index) for index in range(max(len(header), 1))]
            row_iterator = iter(rows)
            count = 0
            first_sheet = len(sheets)
            pending = next(row_iterator, None)
            while pending is not None or len(sheets) == first_sheet:
                part = len(sheets) - first_sheet
                sheets.append(sheet_title[:31] if not part else f"{sheet_title[:26]} ({part + 1})")
                info = zipfile.ZipInfo(f"xl/worksheets/sheet{len(sheets)}.xml", date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with archive.open(info, "w", force_zip64=True) as sheet:
                    sheet.write(
                        (
                            XML_HEAD + f'<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
                            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                            "</sheetView></sheetViews><sheetData>" + _row(1, letters, header, ' s="1"')
                        ).encode("utf-8")
                    )
                    in_sheet = 0
                    while pending is not None and in_sheet < ROWS_PER_SHEET:
                        sheet.write(_row(in_sheet + 2, letters, pending).encode("utf-8"))
                        in_sheet += 1
                        pending = next(row_iterator, None)
                    sheet.write(b"</sheetData></worksheet>")
                count += in_sheet
            counts.append(count)
        _package_parts(archive, sheets, document_date)
    return counts


def _package_parts(archive: zipfile.ZipFile, sheets: list[str], document_date: dt.date) -> None:
    stamp = f"{document_date.isoformat()}T00:00:00Z"
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for number in range(1, len(sheets) + 1)
    )
    _entry(
        archive,
        "[Content_Types].xml",
        (
            XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f"{sheet_types}</Types>"
        ),
    )
    _entry(
        archive,
        "_rels/.rels",
        (
            XML_HEAD + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{DOCUMENT_TYPE}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>'
        ),
    )
    _entry(
        archive,
        "docProps/core.xml",
        (
            XML_HEAD + "<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>moe-exchange</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
        ),
    )
    sheet_list = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{number}" r:id="rId{number}"/>'
        for number, name in enumerate(sheets, start=1)
    )
    _entry(
        archive,
        "xl/workbook.xml",
        (
            XML_HEAD
            + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheet_list}</sheets></workbook>'
        ),
    )
    sheet_relations = "".join(
        f'<Relationship Id="rId{number}" Type="{DOCUMENT_TYPE}/worksheet" '
        f'Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, len(sheets) + 1)
    )
    _entry(
        archive,
        "xl/_rels/workbook.xml.rels",
        (
            XML_HEAD + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheet_relations}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{DOCUMENT_TYPE}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
    )
    _entry(archive, "xl/styles.xml", STYLES)
