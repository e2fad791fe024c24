"""Draw a :class:`~gateway.labels.layout.Layout` as SVG, HTML, PNG or PDF.

SVG and HTML carry their font (a subset of the shipped one, as a data URL) and scale to any
size (a millimetre ``viewBox``); PNG is that SVG rasterised by resvg with the shipped font
only (no system fonts), PDF is drawn by reportlab with the same font embedded, so its text
layer holds the label's text. No browser is involved in making a label.
"""

from __future__ import annotations

import html
import io
from enum import StrEnum

import resvg_py
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from gateway.fonts import FAMILY, font_face, font_path
from .layout import Layout, Qr, Rect, Text

PDF_FONT = "JJJLabelSans"
# A browser has no bold face of the font: bold is drawn by a thin outline of the text colour.
BOLD_STROKE = 0.035


class Output(StrEnum):
    SVG = "svg"
    PNG = "png"
    PDF = "pdf"
    HTML = "html"


def _font_face(layout: Layout) -> str:
    return font_face(layout.text())


def _qr_path(q: Qr) -> str:
    runs = []
    for r, row in enumerate(q.modules):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append(f"M{start},{r}h{c - start}v1h-{c - start}z")
            else:
                c += 1
    return "".join(runs)


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def svg_body(layout: Layout, unit: str = "mm") -> str:
    """The ``<svg>`` element (no font inside; :func:`svg` and :func:`html_page` add one),
    sized in ``unit`` (resvg reads no ``mm`` sizes: PNG asks for user units)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(layout.width)}{unit}" height="{_n(layout.height)}{unit}"'
        f' viewBox="0 0 {_n(layout.width)} {_n(layout.height)}" role="img" aria-label="{html.escape(layout.title)}"'
        f" font-family=\"'{FAMILY}', sans-serif\">",
        f"<title>{html.escape(layout.title)}</title>",
    ]
    for s in layout.shapes:
        if isinstance(s, Rect):
            radius = f' rx="{_n(s.radius)}"' if s.radius else ""
            parts.append(f'<rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}"{radius}'
                         f' fill="{s.fill}"/>')
        elif isinstance(s, Text):
            bold = f' stroke="{s.fill}" stroke-width="{_n(s.size * BOLD_STROKE)}"' if s.bold else ""
            parts.append(f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}" fill="{s.fill}"'
                         f' text-anchor="{s.anchor}"{bold}>{html.escape(s.text, quote=False)}</text>')
        else:
            parts.append(f'<g class="qr" data-url="{html.escape(s.url)}" transform="translate({_n(s.x)} {_n(s.y)})'
                         f' scale({_n(s.module)})"><rect width="{len(s.modules)}" height="{len(s.modules)}"'
                         f' fill="#ffffff"/><path d="{_qr_path(s)}" fill="#000000" shape-rendering="crispEdges"/></g>')
    parts.append("</svg>")
    return "".join(parts)


def svg(layout: Layout) -> bytes:
    body = svg_body(layout)
    head, rest = body.split(">", 1)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><style>{_font_face(layout)}</style>{rest}\n').encode()


def html_page(layout: Layout) -> bytes:
    w, h = _n(layout.width), _n(layout.height)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(layout.title)}</title><style>{_font_face(layout)}"
        "html,body{margin:0;background:#f4f4f4}"
        f"main{{max-width:{w}mm;margin:0 auto}}main svg{{display:block;width:100%;height:auto}}"
        f"@page{{size:{w}mm {h}mm;margin:0}}@media print{{html,body{{background:none}}main{{max-width:none}}}}"
        f'</style></head><body><main class="carbon-label">{svg_body(layout)}</main></body></html>\n'
    ).encode()


def png(layout: Layout, dpi: int = 300) -> bytes:
    """Rasterised at ``dpi`` from the SVG, with the shipped font and no system fonts."""
    width = round(layout.width / 25.4 * dpi)
    return bytes(resvg_py.svg_to_bytes(svg_string=svg_body(layout, unit=""), width=width, skip_system_fonts=True,
                                       font_files=[str(font_path())], font_family=FAMILY,
                                       sans_serif_family=FAMILY))


def _pdf_font() -> str:
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, str(font_path())))
    return PDF_FONT


def pdf(layout: Layout) -> bytes:
    """One page of the label's size; deterministic bytes (reportlab's invariant mode)."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=(layout.width * mm, layout.height * mm), invariant=1, pageCompression=1)
    c.setTitle(layout.title)
    c.setCreator("fpgw label")
    font = _pdf_font()

    def y(top: float) -> float:
        return (layout.height - top) * mm

    for s in layout.shapes:
        if isinstance(s, Rect):
            c.setFillColor(s.fill)
            if s.radius:
                c.roundRect(s.x * mm, y(s.y + s.h), s.w * mm, s.h * mm, s.radius * mm, stroke=0, fill=1)
            else:
                c.rect(s.x * mm, y(s.y + s.h), s.w * mm, s.h * mm, stroke=0, fill=1)
        elif isinstance(s, Text):
            c.setFillColor(s.fill)
            c.setStrokeColor(s.fill)
            c.setLineWidth(s.size * BOLD_STROKE * mm)
            text = c.beginText()
            text.setFont(font, s.size * mm)
            text.setTextRenderMode(2 if s.bold else 0)
            width = pdfmetrics.stringWidth(s.text, font, s.size * mm)
            offset = {"start": 0.0, "middle": width / 2, "end": width}[s.anchor]
            text.setTextOrigin(s.x * mm - offset, y(s.y))
            text.textOut(s.text)
            c.drawText(text)
        else:
            c.setFillColor("#ffffff")
            c.rect(s.x * mm, y(s.y + s.size), s.size * mm, s.size * mm, stroke=0, fill=1)
            c.setFillColor("#000000")
            path = c.beginPath()
            for r, row in enumerate(s.modules):
                for col, dark in enumerate(row):
                    if dark:
                        path.rect((s.x + col * s.module) * mm, y(s.y + (r + 1) * s.module), s.module * mm, s.module * mm)
            c.drawPath(path, stroke=0, fill=1)
    c.showPage()
    c.save()
    return out.getvalue()


RENDERERS = {Output.SVG: svg, Output.HTML: html_page, Output.PNG: png, Output.PDF: pdf}


def render(layout: Layout, output: Output) -> bytes:
    return RENDERERS[output](layout)
