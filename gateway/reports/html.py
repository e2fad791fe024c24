"""The shell every page for people shares: a bilingual HTML document with the project font.

A file written to disk embeds a subset of the font (it must look the same on any machine);
a page served over HTTPS links the font file instead (``font_url``), so a request never
waits for font subsetting.
"""

from __future__ import annotations

import html

from gateway.fonts import FAMILY, font_face

STYLE = (
    "body{margin:0;background:#f6f7f6;color:#1a1a1a;font:15px/1.5 '%s',sans-serif}"
    "header{background:#1b6e3a;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}"
    "header p{margin:2px 0 0;opacity:.9}main{max-width:1100px;margin:0 auto;padding:16px 24px}"
    "section{background:#fff;border:1px solid #dde3de;border-radius:6px;margin:14px 0;padding:12px 16px}"
    "h2{font-size:17px;margin:4px 0 10px;color:#1b6e3a}table{border-collapse:collapse;width:100%%}"
    "th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eceeed}"
    "th{font-weight:normal;color:#555;white-space:nowrap}code{font-size:13px;word-break:break-all}"
    ".ok{color:#1b6e3a}.bad{color:#c62828;font-weight:bold}.muted{color:#666}"
    ".alert{background:#c62828;color:#fff;padding:10px 16px;border-radius:6px;font-weight:bold;font-size:17px}"
    ".badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:13px;border:1px solid currentColor}"
) % FAMILY


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def page(title: str, subtitle: str, body: str, *, font_url: str | None = None, embed_font: bool = True) -> bytes:
    """A complete HTML document; the font is linked from ``font_url``, else embedded, else
    (``embed_font=False``) left to the reader's system fonts."""
    if font_url:
        face = f"@font-face{{font-family:'{FAMILY}';src:url({esc(font_url)}) format('truetype');}}"
    elif embed_font:
        face = font_face(title + subtitle + html.unescape(body))
    else:
        face = ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{face}{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header><main>{body}</main></body></html>\n"
    ).encode("utf-8")
