"""Build the font shipped in ``gateway/fonts/`` from Noto Sans CJK SC.

Run once by a maintainer when the character set or the upstream font changes (needs the
Debian package ``fonts-noto-cjk``, OFL-1.1)::

    python -m gateway.fonts.build /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc Regular
    python -m gateway.fonts.build /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc Bold

The output keeps the Simplified Chinese face's glyphs for GB 2312 (all 7,445 characters),
ASCII, Latin-1 and the symbols a label prints (CO₂, →, ≤, ·), with CFF outlines converted to
TrueType quadratic outlines so every renderer (reportlab for PDF, resvg for PNG, browsers
for SVG and HTML) reads the same file. Renamed as the OFL asks of a modified version.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

FAMILY = "JJJ Label Sans"
FONTS = Path(__file__).parent
# Maximum distance between a cubic curve and its quadratic approximation, in font units
# (1000 per em): invisible at label sizes.
MAX_ERR = 1.0
EXTRA = "²³°±×÷→←↑↓≤≥≈≠·•…‰—–‘’“”€£¥©®™✓✗①②③④⑤"


def gb2312() -> str:
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def charset() -> set[int]:
    text = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))
    return {ord(c) for c in text + EXTRA + gb2312()}


def simplified_chinese_face(path: Path) -> TTFont:
    for font in TTCollection(str(path)).fonts:
        if "SC" in font["name"].getDebugName(1):
            return font
    raise SystemExit(f"{path} has no Simplified Chinese (SC) face")


def to_truetype(font: TTFont) -> None:
    """Replace CFF outlines by TrueType ones (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"
    glyf.compile(font)


def rename(font: TTFont, style: str) -> None:
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            name.removeNames(nameID=record.nameID)
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    for name_id, value in ((1, FAMILY), (2, style), (3, f"{postscript};gb2312"), (4, f"{FAMILY} {style}"),
                           (6, postscript)):
        name.setName(value, name_id, 3, 1, 0x409)


def build(source: Path, style: str) -> Path:
    font = simplified_chinese_face(source)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl", "ccmp"]
    options.name_IDs = ["*"]
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset())
    subsetter.subset(font)
    to_truetype(font)
    rename(font, style)
    out = FONTS / f"{FAMILY.replace(' ', '')}-{style}.ttf"
    font.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), sys.argv[2]))
