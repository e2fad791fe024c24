"""Where everything on a label goes, in millimetres, for each printed size.

A layout turns :class:`~gateway.labels.content.LabelFacts` into a flat list of shapes
(text runs, rectangles, the QR code) on a page of known size; the renderers (SVG, HTML,
PNG, PDF) only draw those shapes, so every output of one label is the same picture.
Coordinates: origin top left, y down; a text's ``y`` is its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import segno

from .content import LabelFacts, strings
from gateway.fonts import text_width

GREEN = "#1b6e3a"
INK = "#1a1a1a"
GREY = "#555555"
RED = "#c62828"
WHITE = "#ffffff"
PALE = "#eef6f0"


class Size(StrEnum):
    A6 = "a6"
    STICKER = "sticker"


PAGE_MM = {Size.A6: (105.0, 148.0), Size.STICKER: (40.0, 30.0)}


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    size: float
    text: str
    fill: str = INK
    anchor: str = "start"  # start | middle | end
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0.0


@dataclass(frozen=True, slots=True)
class Qr:
    """A QR code: ``modules`` rows of booleans (dark = True) including the quiet zone."""

    x: float
    y: float
    module: float
    modules: tuple[tuple[bool, ...], ...]
    url: str

    @property
    def size(self) -> float:
        return self.module * len(self.modules)


Shape = Text | Rect | Qr


@dataclass(slots=True)
class Layout:
    width: float
    height: float
    title: str
    shapes: list[Shape] = field(default_factory=list)

    def text(self) -> str:
        """Every character printed (for font subsetting)."""
        return "".join(s.text for s in self.shapes if isinstance(s, Text))


def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``url`` (error correction M or better) with its 4-module quiet zone."""
    code = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix_iter(scale=1, border=4))


def wrap(text: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: between words for Latin text,
    between any two characters for Chinese; the last line ends in … when text is left over."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " " or ord(ch) > 0x2E7F:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        if text_width(line + tok, size) <= width or not line:
            line += tok
            continue
        lines.append(line.rstrip())
        line = tok.lstrip()
    if line:
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        kept[-1] = last + "…"
        return kept
    return lines


def _grade_badge(out: Layout, facts: LabelFacts, x: float, y: float, box: float) -> None:
    if facts.grade is None:
        return
    s = strings()
    out.shapes.append(Rect(x, y, box, box, GREEN, radius=box * 0.12))
    out.shapes.append(Text(x + box / 2, y + box * 0.62, box * 0.5, facts.grade.name, WHITE, "middle", True))
    out.shapes.append(Text(x + box / 2, y + box * 0.88, box * 0.15, f"{s['grade'].zh} {s['grade'].en}", WHITE, "middle"))
    if facts.grade.scheme.example:
        out.shapes.append(Text(x + box / 2, y - box * 0.08, box * 0.16, f"{s['example'].zh} {s['example'].en}", RED,
                               "middle", True))


def _withdrawn_banner(out: Layout, y: float, h: float) -> None:
    s = strings()["withdrawn"]
    out.shapes.append(Rect(0, y, out.width, h, RED))
    out.shapes.append(Text(out.width / 2, y + h * 0.7, h * 0.55, f"{s.zh} {s.en}", WHITE, "middle", True))


def a6(facts: LabelFacts) -> Layout:
    s = strings()
    w, h = PAGE_MM[Size.A6]
    m = 6.0
    inner = w - 2 * m
    out = Layout(w, h, f"{s['title'].zh} {s['title'].en}: {facts.product.zh}")
    out.shapes.append(Rect(0, 0, w, h, WHITE))
    out.shapes.append(Rect(0, 0, w, 17, GREEN))
    out.shapes.append(Text(m, 9, 5.6, s["title"].zh, WHITE, bold=True))
    out.shapes.append(Text(m, 14, 3.0, s["title"].en, WHITE))
    y = 24.0
    for line in wrap(facts.product.zh, 4.4, inner, 2):
        out.shapes.append(Text(m, y, 4.4, line, bold=True))
        y += 5.4
    for line in wrap(facts.product.en, 3.1, inner, 2):
        out.shapes.append(Text(m, y, 3.1, line))
        y += 4.0
    for line in wrap(facts.organisation.zh if facts.organisation.zh == facts.organisation.en
                     else f"{facts.organisation.zh} {facts.organisation.en}", 2.5, inner, 2):
        out.shapes.append(Text(m, y, 2.5, line, GREY))
        y += 3.2
    y += 1.5
    box_h = 30.0
    badge = 20.0 if facts.grade else 0.0
    out.shapes.append(Rect(m, y, inner, box_h, PALE, radius=2))
    out.shapes.append(Text(m + 3, y + 6, 3.0, f"{s['footprint'].zh} {s['footprint'].en}", GREEN, bold=True))
    value_width = inner - 6 - (badge + 3 if badge else 0)
    value_size = 13.0
    while text_width(facts.footprint_text, value_size) > value_width and value_size > 5:
        value_size -= 0.5
    out.shapes.append(Text(m + 3, y + 19, value_size, facts.footprint_text, INK, bold=True))
    unit_zh = f"{s['unit_co2e'].zh} / {facts.declared_unit.zh}"
    unit_en = f"{s['unit_co2e'].en} {s['per'].en} {facts.declared_unit.en}"
    out.shapes.append(Text(m + 3, y + 24, 2.8, unit_zh))
    out.shapes.append(Text(m + 3, y + 27.6, 2.6, unit_en, GREY))
    _grade_badge(out, facts, m + inner - badge - 3, y + (box_h - badge) / 2 + 1, badge)
    y += box_h + 6
    rows = [
        (s["boundary"], f"{facts.boundary.zh} {facts.boundary.en}" if facts.boundary else "—"),
        (s["methodology"], facts.methodology),
        (s["verifier"], facts.verifier or f"{s['not_verified'].zh} {s['not_verified'].en}"),
        (s["registration"], _registration_text(facts)),
        (s["validity"], facts.validity_text),
    ]
    if facts.grade:
        g = facts.grade.scheme
        rows.append((s["grade"], f"{facts.grade.name} · {g.title_zh} {g.title_en} ({g.version})"))
    key_w = 25.0
    for key, value in rows:
        out.shapes.append(Text(m, y, 2.5, key.zh, GREEN, bold=True))
        out.shapes.append(Text(m, y + 3.0, 2.0, key.en, GREY))
        lines = wrap(value, 2.5, inner - key_w, 2)
        for i, line in enumerate(lines):
            out.shapes.append(Text(m + key_w, y + i * 3.2, 2.5, line))
        y += max(6.6, 3.2 * len(lines) + 1.6)
    qr_size = min(34.0, h - y - 8)
    modules = qr_modules(facts.url)
    module = qr_size / len(modules)
    qy = h - m - qr_size + 2
    out.shapes.append(Qr(m - 4 * module, qy, module, modules, facts.url))
    tx = m - 4 * module + qr_size + 2
    tw = w - m - tx
    out.shapes.append(Text(tx, qy + 8, 3.6, s["scan"].zh, GREEN, bold=True))
    out.shapes.append(Text(tx, qy + 12.5, 2.8, s["scan"].en, GREEN))
    ty = qy + 17
    for line in _hard_wrap(facts.url, 1.9, tw):
        out.shapes.append(Text(tx, ty, 1.9, line, GREY))
        ty += 2.4
    if facts.withdrawn:
        _withdrawn_banner(out, 17, 9)
    return out


def _hard_wrap(text: str, size: float, width: float) -> list[str]:
    """Break a URL anywhere, keeping every character (it must stay readable in full)."""
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _registration_text(facts: LabelFacts) -> str:
    r = facts.registration
    if r is None:
        s = strings()["not_registered"]
        return f"{s.zh} {s.en}"
    return " · ".join(p for p in (r.region, r.registrar, r.record_id) if p)


def sticker(facts: LabelFacts) -> Layout:
    s = strings()
    w, h = PAGE_MM[Size.STICKER]
    out = Layout(w, h, f"{s['footprint'].zh} {s['footprint'].en}: {facts.product.zh}")
    out.shapes.append(Rect(0, 0, w, h, WHITE))
    out.shapes.append(Rect(0, 0, w, 5.2, GREEN))
    heading = f"{s['footprint'].zh} {s['footprint'].en}" if facts.grade is None else s["footprint"].zh
    out.shapes.append(Text(1.5, 3.7, 2.3, heading, WHITE, bold=True))
    qr = 16.0
    modules = qr_modules(facts.url)
    module = qr / len(modules)
    out.shapes.append(Qr(w - qr - 0.3, 5.6, module, modules, facts.url))
    left = w - qr - 1.0
    size = 6.0
    while text_width(facts.footprint_text, size) > left - 1.5 and size > 2.5:
        size -= 0.25
    out.shapes.append(Text(1.5, 12.0, size, facts.footprint_text, bold=True))
    out.shapes.append(Text(1.5, 15.0, 1.55, s["unit_co2e"].en, GREY))
    out.shapes.append(Text(1.5, 17.2, 1.55, f"{s['per'].en} {facts.declared_unit.en}", GREY))
    out.shapes.append(Text(1.5, 19.4, 1.55, f"{s['unit_co2e'].zh}/{facts.declared_unit.zh}", GREY))
    if facts.grade:
        # no room for a badge: the class sits in the header band (red and marked when an example)
        example = facts.grade.scheme.example
        out.shapes.append(Rect(w - 10.3, 0.7, 9.8, 3.8, WHITE, radius=0.6))
        label = f"{s['example'].zh} {facts.grade.name}" if example else f"{s['grade'].zh} {facts.grade.name}"
        out.shapes.append(Text(w - 5.4, 3.5, 2.3, label, RED if example else GREEN, "middle", True))
    out.shapes.append(Text(w - qr / 2 - 0.3, 23.4, 1.5, f"{s['scan'].zh} {s['scan'].en}", GREEN, "middle"))
    for y, size, name in ((26.0, 1.8, facts.product.zh), (28.4, 1.4, facts.product.en)):
        out.shapes.extend(Text(1.5, y, size, line) for line in wrap(name, size, w - 3, 1))
    if facts.withdrawn:
        _withdrawn_banner(out, 5.2, 3.6)
    return out


LAYOUTS = {Size.A6: a6, Size.STICKER: sticker}


def lay_out(facts: LabelFacts, size: Size) -> Layout:
    return LAYOUTS[size](facts)
