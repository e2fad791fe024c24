"""Hints the CLI adds to an error: what to run, with the flags of the command that failed.

The libraries' messages name what is wrong for every caller (gRPC, Python, CLI); only the
CLI knows its own flags, so it names them here, from ``hints.json``, and only flags the
failing command really has.
"""

from __future__ import annotations

import json
import string
from functools import cache
from pathlib import Path
from typing import Any

import click

from gateway.core.errors import GatewayError
from gateway.core.i18n import _

# The flag that names a document's format, by preference, and the flag that accepts an
# expired trust list: each command spells them its own way.
_FORMAT_FLAGS = ("--from", "--format")
_ACCEPT_EXPIRED_FLAGS = ("--accept-expired", "--accept-expired-trust-list")


@cache
def table() -> dict[str, Any]:
    return json.loads(Path(__file__).with_name("hints.json").read_text("utf-8"))


def _flags(ctx: click.Context | None) -> set[str]:
    if ctx is None:
        return set()
    return {name for param in ctx.command.params for name in getattr(param, "opts", ()) if name.startswith("--")}


def _first(flags: set[str], choices: tuple[str, ...]) -> str | None:
    return next((f for f in choices if f in flags), None)


def _fill(template: str, values: dict[str, str | None]) -> str | None:
    """The template with its fields filled, or None when one of them has no value."""
    names = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    if any(values.get(n) is None for n in names):
        return None
    return _(template).format(**values)


def cli_message(message: str, ctx: click.Context | None) -> str:
    """An error message (English or Chinese) with translation options named as this command's flags."""
    flags = _flags(ctx)
    for option, flag in table()["option_flags"].items():
        if flag in flags:
            message = message.replace(f"option {option}", flag).replace(f"选项 {option}", flag)
    return message


def hint(exc: GatewayError, ctx: click.Context | None, data: bytes | None = None,
         syntax: str | None = None) -> str | None:
    """What to do about ``exc`` on this command, or None when there is nothing to add.

    ``data`` is the document that failed and ``syntax`` (``json``/``xml``) what it was read as,
    so a document read with the other syntax's parser is named for what it looks like.
    """
    hints = table()
    flags = _flags(ctx)
    values: dict[str, str | None] = {
        **exc.metadata,
        "format_flag": _first(flags, _FORMAT_FLAGS),
        "accept_expired_flag": _first(flags, _ACCEPT_EXPIRED_FLAGS),
    }
    if exc.reason == "MALFORMED_DOCUMENT" and data is not None:
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head == b"<" and syntax == "json":
            return _fill(hints["looks_like_xml"], values)
        if head in (b"{", b"[") and syntax == "xml":
            return _fill(hints["looks_like_json"], values)
    template = hints["reasons"].get(exc.reason)
    return _fill(template, values) if template else None
