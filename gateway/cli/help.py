"""Help pages in the active language: click formats help with this formatter, which looks
every paragraph, option help and command summary up in the catalogue (English when a text
has no translation). Help texts stay plain strings in the commands, so ``--help`` in
English is exactly what click prints."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence

import click

from gateway.core.i18n import _, in_chinese, language

_EXTRA = re.compile(r"^(.*?)(\s+\[[^\]]*\])?$", re.S)
# click makes a command's --help option once and keeps it, its text in the language active
# then; the formatter turns it back into the msgid and translates it for now.
_HELP_OPTION = "Show this message and exit."


def translate_help(text: str) -> str:
    """``text`` translated, keeping a trailing ``[default: ...]``/``[required]`` as click adds it."""
    if text == in_chinese(_HELP_OPTION):
        text = _HELP_OPTION
    match = _EXTRA.match(text)
    body, extra = (match.group(1), match.group(2) or "") if match else (text, "")
    return _(body) + extra


def short_help(command: click.Command, limit: int = 45) -> str:
    """The command list's one-line summary, from the translated help."""
    if language() != "zh" or not command.help:
        return command.get_short_help_str(limit)
    text = _(inspect.cleandoc(command.help))
    first = re.split(r"(?<=。)|\n\n", text, maxsplit=1)[0]
    return " ".join(first.split())


class TranslatingFormatter(click.HelpFormatter):
    def write_text(self, text: str) -> None:
        super().write_text(_(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, translate_help(definition)) for term, definition in rows], col_max, col_spacing)
