"""A4 PDF documents in Thai from blocks (headings, paragraphs, tables, charts), written with fpdf2.

fpdf2 shapes Thai with HarfBuzz (the `uharfbuzz` package) when text shaping is on, so tone marks
and vowels take the positions the Sarabun font's OpenType tables give them. The fonts are
embedded as subsets and the text stays searchable. A document can open with a cover and a table
of contents whose entries link to their pages, and every page has a footer with its number.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from exchange.outputs import charts
from exchange.outputs.fonts import BOLD, FONT_FAMILY, REGULAR, regular_metrics
from exchange.outputs.report_blocks import Block, Chart, Heading, PageBreak, Paragraph, Table

MARGIN = 48.0
TEXT_COLOR = (34, 34, 34)
MUTED_COLOR = (110, 110, 110)
HEADER_FILL = (232, 238, 246)
HEADING_SIZES = {1: 16.0, 2: 13.0, 3: 11.0}
PARAGRAPH_SIZE = 10.0
TABLE_SIZE = 8.5
CONTENTS_LINE = 16.0
# Entries that fit on one page of the table of contents under its title, rounded down.
CONTENTS_PER_PAGE = 40


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[index : index + 2], 16) for index in (1, 3, 5))


class _Document(FPDF):
    def __init__(self, title: str, footer_text: str):
        super().__init__(orientation="portrait", unit="pt", format="A4")
        self.footer_text = footer_text
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.add_font(FONT_FAMILY, "", str(REGULAR))
        self.add_font(FONT_FAMILY, "B", str(BOLD))
        self.set_text_shaping(True)
        self.set_title(title)
        self.set_creator("moe-exchange")
        self.set_lang("th")
        self.set_text_color(*TEXT_COLOR)

    def footer(self) -> None:
        self.set_y(-MARGIN + 14)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED_COLOR)
        self.cell(0, 10, f"{self.footer_text}    หน้า {self.page_no()}", align="R")
        self.set_text_color(*TEXT_COLOR)


def _heading(pdf: _Document, block: Heading, outline_level: int) -> None:
    size = HEADING_SIZES.get(block.level, HEADING_SIZES[3])
    # Keep a heading with at least a few lines of what follows it.
    if pdf.get_y() + size * 5 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(size * 0.6)
    pdf.start_section(block.text, level=outline_level, strict=False)
    pdf.set_font(FONT_FAMILY, "B", size)
    pdf.multi_cell(0, size * 1.5, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(size * 0.3)


def _paragraph(pdf: _Document, block: Paragraph) -> None:
    pdf.set_font(FONT_FAMILY, "", PARAGRAPH_SIZE)
    line_height = PARAGRAPH_SIZE * 1.55
    # multi_cell measures text word by word; a line that fits is drawn with one cell, which is
    # several times faster and looks the same.
    if "\n" not in block.text and pdf.get_string_width(block.text) <= pdf.epw - 2 * pdf.c_margin:
        pdf.cell(0, line_height, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(0, line_height, block.text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(PARAGRAPH_SIZE * 0.4)


def _single_line_table(pdf: _Document, block: Table, widths: list[float]) -> bool:
    """Draw a table whose every cell fits on one line, repeating the header on each new page.

    Returns False, having drawn nothing, when some cell would need wrapping.
    """
    padding = 3.0
    pdf.set_font(FONT_FAMILY, "B", TABLE_SIZE)
    header_fits = all(
        pdf.get_string_width(text) <= width - 2 * padding
        for text, width in zip(block.header, widths, strict=True)
    )
    pdf.set_font(FONT_FAMILY, "", TABLE_SIZE)
    if not header_fits:
        return False
    for row in block.rows:
        for text, width in zip(row, widths, strict=True):
            if pdf.get_string_width(text) > width - 2 * padding:
                return False
    line_height = TABLE_SIZE * 1.45 + 3
    aligns = ["R" if numeric else "L" for numeric in block.numeric]

    def header() -> None:
        pdf.set_font(FONT_FAMILY, "B", TABLE_SIZE)
        pdf.set_fill_color(*HEADER_FILL)
        for text, width, align in zip(block.header, widths, aligns, strict=True):
            pdf.cell(width, line_height, text, align=align, fill=True)
        pdf.ln(line_height)
        pdf.set_font(FONT_FAMILY, "", TABLE_SIZE)

    header()
    for row in block.rows:
        if pdf.get_y() + line_height > pdf.page_break_trigger:
            pdf.add_page()
            header()
        for text, width, align in zip(row, widths, aligns, strict=True):
            pdf.cell(width, line_height, text, align=align)
        pdf.ln(line_height)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    return True


def _table(pdf: _Document, block: Table) -> None:
    pdf.set_font(FONT_FAMILY, "", TABLE_SIZE)
    # fpdf2 draws table cells with the current fill colour, which a chart may have left set.
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.5)
    if pdf.get_y() + TABLE_SIZE * 6 > pdf.page_break_trigger:
        pdf.add_page()
    total = sum(block.widths)
    if _single_line_table(pdf, block, [pdf.epw * share / total for share in block.widths]):
        pdf.ln(TABLE_SIZE)
        return
    with pdf.table(
        col_widths=block.widths,
        text_align=tuple("RIGHT" if numeric else "LEFT" for numeric in block.numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        cell_fill_mode=TableCellFillMode.NONE,
        line_height=TABLE_SIZE * 1.45,
        padding=(1.5, 3),
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        table.row(block.header)
        for values in block.rows:
            table.row(values)
    pdf.ln(TABLE_SIZE)


def _chart(pdf: _Document, block: Chart) -> None:
    drawing = charts.layout(block.chart, pdf.epw, regular_metrics())
    if pdf.get_y() + drawing.height + 12 > pdf.page_break_trigger:
        pdf.add_page()
    left, top = pdf.l_margin, pdf.get_y() + 6
    # A label drawn near the bottom margin must not move the chart to a new page.
    pdf.set_auto_page_break(False)
    for shape in drawing.shapes:
        if isinstance(shape, charts.Rect):
            pdf.set_fill_color(*_rgb(shape.color))
            pdf.rect(left + shape.x, top + shape.y, shape.width, shape.height, style="F")
        elif isinstance(shape, charts.Line):
            pdf.set_draw_color(*_rgb(shape.color))
            pdf.set_line_width(0.5)
            pdf.line(left + shape.x1, top + shape.y1, left + shape.x2, top + shape.y2)
        else:
            pdf.set_font(FONT_FAMILY, "B" if shape.bold else "", shape.size)
            pdf.set_text_color(*_rgb(shape.color))
            width = pdf.get_string_width(shape.text)
            x = left + shape.x
            if shape.anchor == "middle":
                x -= width / 2
            elif shape.anchor == "end":
                x -= width
            # fpdf2 puts a cell's baseline 0.8 of the font size below the cell's top when the cell
            # is one font size high, so this top puts the baseline where the chart placed it.
            pdf.set_xy(x, top + shape.y - 0.8 * shape.size)
            pdf.cell(width + 1, shape.size, shape.text)
    pdf.set_text_color(*TEXT_COLOR)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_xy(pdf.l_margin, top + drawing.height + 12)


def _render_contents(pdf: _Document, outline) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT_FAMILY, "B", HEADING_SIZES[1])
    pdf.cell(0, HEADING_SIZES[1] * 1.8, "สารบัญ", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in outline:
        pdf.set_font(FONT_FAMILY, "B" if section.level == 0 else "", PARAGRAPH_SIZE)
        indent = 14 * section.level
        link = pdf.add_link(page=section.page_number)
        page_label = str(section.page_number)
        number_width = 40
        name_width = pdf.epw - indent - number_width
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(name_width, CONTENTS_LINE, section.name, link=link)
        pdf.cell(
            number_width, CONTENTS_LINE, page_label, align="R", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


def _cover(pdf: _Document, title: str, subtitle: str | None) -> None:
    pdf.ln(200)
    pdf.set_font(FONT_FAMILY, "B", 22)
    pdf.multi_cell(0, 34, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if subtitle:
        pdf.ln(12)
        pdf.set_font(FONT_FAMILY, "", 13)
        pdf.multi_cell(0, 20, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(
    title: str,
    blocks: Sequence[Block],
    *,
    subtitle: str | None = None,
    contents: bool = False,
    document_date: dt.date | None = None,
    footer_text: str | None = None,
) -> bytes:
    """Return the blocks as PDF bytes.

    With `contents`, the first page is a cover with `title` and `subtitle`, followed by a table of
    contents of the headings. Without it, the title heads the first page. `document_date` is the
    document's creation date, so the same blocks give the same bytes; without it, fpdf2 uses the
    current time.
    """
    pdf = _Document(title, footer_text or title)
    if document_date is not None:
        pdf.set_creation_date(dt.datetime.combine(document_date, dt.time(0), tzinfo=dt.UTC))
    pdf.add_page()
    headings = [block for block in blocks if isinstance(block, Heading)]
    top_level = min((block.level for block in headings), default=1)
    if contents:
        _cover(pdf, title, subtitle)
        pdf.add_page()
        pages = max(1, math.ceil(len(headings) / CONTENTS_PER_PAGE))
        pdf.insert_toc_placeholder(_render_contents, pages=pages, reset_page_indices=False)
    else:
        pdf.set_font(FONT_FAMILY, "B", 15)
        pdf.multi_cell(0, 22, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if subtitle:
            _paragraph(pdf, Paragraph(subtitle))
    for block in blocks:
        if isinstance(block, Heading):
            if contents and block.level == top_level and pdf.get_y() > pdf.t_margin + 1:
                pdf.add_page()
            _heading(pdf, block, block.level - top_level)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Chart):
            _chart(pdf, block)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    return bytes(pdf.output())
