"""The Sarabun font shipped under include/fonts/ (SIL Open Font License 1.1), and its advance
widths for laying out charts before they are drawn into HTML or PDF.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from exchange import settings

FONT_DIR = settings.INCLUDE / "fonts"
FONT_FAMILY = "Sarabun"
REGULAR = FONT_DIR / "Sarabun-Regular.ttf"
BOLD = FONT_DIR / "Sarabun-Bold.ttf"


class FontMetrics:
    """Advance widths of a TrueType font's characters, read with fontTools."""

    def __init__(self, path: Path):
        font = TTFont(path, lazy=True)
        self.units_per_em = font["head"].unitsPerEm
        advances = font["hmtx"].metrics
        self._advance = {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}
        # Characters the font lacks are drawn with its .notdef glyph.
        self._missing = advances[font.getGlyphOrder()[0]][0]
        font.close()

    def text_width(self, text: str, size: float) -> float:
        """Return the width of `text` set at `size` points, without kerning or shaping.

        Thai marks above and below a consonant have no advance in Sarabun, so the unshaped sum is
        the shaped width for Thai too.
        """
        units = sum(self._advance.get(ord(character), self._missing) for character in text)
        return units * size / self.units_per_em


@cache
def regular_metrics() -> FontMetrics:
    return FontMetrics(REGULAR)
