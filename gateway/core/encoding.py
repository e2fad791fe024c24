"""Which Unicode encoding a JSON text is in (RFC 8259 §8.1), and that text as UTF-8.

JSON exchanged between systems is UTF-8, and a parser may ignore a byte order mark; texts
published as UTF-16 or UTF-32 carry one (the Battery Pass samples are UTF-16LE with a BOM).
Only a BOM decides: without one the text is UTF-8, so a stray NUL never switches encodings.
"""

from __future__ import annotations

import codecs

from gateway.core.errors import MalformedDocument
from gateway.core.i18n import N_

# Longest marks first: the UTF-32LE mark begins with the UTF-16LE one.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def json_encoding(data: bytes) -> tuple[str, int]:
    """The encoding named by the text's byte order mark (UTF-8 without one) and the mark's length."""
    for mark, name in _MARKS:
        if data.startswith(mark):
            return name, len(mark)
    return "utf-8", 0


def as_utf8(data: bytes) -> bytes:
    """The JSON text as UTF-8 without a BOM; the bytes themselves when they are that already."""
    name, skip = json_encoding(data)
    if name == "utf-8":
        return data[skip:] if skip else data
    try:
        return data[skip:].decode(name).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedDocument(N_("not {value} (as its byte order mark says) at byte {value2}", value=name.upper(), value2=exc.start + skip)) from None
    except UnicodeEncodeError as exc:  # a lone surrogate decoded from UTF-16
        raise MalformedDocument(N_("{value} text holds an unpaired surrogate at character {start}", value=name.upper(), start=exc.start)) from None
