"""RFC 3339 / XML Schema dateTime in UTC, the only time form signing reads and writes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from gateway.core.errors import MalformedProof
from gateway.core.i18n import N_

__all__ = ["parse_time", "format_time", "utcnow"]

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


def parse_time(text: str, *, field: str = "time") -> datetime:
    """Parse an RFC 3339 date-time that carries an offset; return it in UTC."""
    m = _RFC3339.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise MalformedProof(N_("{field} {text!r} is not an RFC 3339 date-time with an offset", field=field, text=text), path=field)
    fraction = m[1]
    if fraction and len(fraction) > 7:  # "." and more than the microseconds a datetime holds
        text = text[:m.start(1) + 7] + text[m.end(1):]
    try:
        moment = datetime.fromisoformat(text)  # 3.11 reads "Z" itself, as timezone.utc
        return moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)
    except ValueError:
        raise MalformedProof(N_("{field} {text!r} is not a valid date-time", field=field, text=text), path=field) from None


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC; naive datetimes are refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone (UTC)")
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
