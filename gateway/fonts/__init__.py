"""The project's CJK font (shipped, see ``README.md`` here): metrics, subsets, CSS.

Labels, the verification page and the human reports print Chinese and English with this one
font, so they look the same on a machine without CJK fonts. Label layout measures text with
its advance widths, so every renderer (SVG, HTML, PNG, PDF) places the same glyphs at the same
positions; a document embeds a subset holding only the characters it prints.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from importlib import resources
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "JJJ Label Sans"
_FILE = "JJJLabelSans-Regular.ttf"


def font_path() -> Path:
    """The shipped font file (package data, a real file in an installed wheel)."""
    return Path(str(resources.files(__package__).joinpath(_FILE)))


@cache
def _metrics() -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(str(font_path()), lazy=True)
    return font.getBestCmap(), dict(font["hmtx"].metrics), font["head"].unitsPerEm


def has_glyph(char: str) -> bool:
    return ord(char) in _metrics()[0]


def missing_glyphs(text: str) -> str:
    """Characters of ``text`` the font cannot draw (in order, once each)."""
    return "".join(dict.fromkeys(c for c in text if not c.isspace() and not has_glyph(c)))


def text_width(text: str, size: float) -> float:
    """Advance width of ``text`` at font size ``size`` (same unit as ``size``)."""
    cmap, hmtx, upem = _metrics()
    notdef = hmtx[".notdef"][0]
    return sum(hmtx[cmap[ord(c)]][0] if ord(c) in cmap else notdef for c in text) * size / upem


def subset_font(text: str) -> bytes:
    """A TrueType font holding only the glyphs ``text`` needs (and .notdef)."""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = ["kern", "liga", "locl", "ccmp"]
    # lazy: only the glyphs kept are decompiled (a label needs a few hundred of 13,000)
    font = TTFont(str(font_path()), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + " ")
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_face(text: str) -> str:
    """A CSS ``@font-face`` rule for :data:`FAMILY` with a subset for ``text`` as a data URL."""
    data = base64.b64encode(subset_font(text)).decode("ascii")
    return f"@font-face{{font-family:'{FAMILY}';src:url(data:font/ttf;base64,{data}) format('truetype');}}"


__all__ = ["FAMILY", "font_face", "font_path", "has_glyph", "missing_glyphs", "subset_font", "text_width"]
