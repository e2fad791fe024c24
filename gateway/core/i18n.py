"""Messages in the operator's language: English, or Simplified Chinese (简体中文).

The catalogue is gettext's (``locale/zh_CN/LC_MESSAGES/fpgw.po``, compiled to ``fpgw.mo``
with ``python -m gateway.core.i18n compile``); only the standard library reads it at run
time. The language comes from ``--lang`` (:func:`activate`), else ``FPGW_LANG``, else the
locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``zh_CN.UTF-8`` gives Chinese).
The domain is also gettext's global one, so click's own usage errors ("Missing option",
"Usage:") come from the same catalogue. Terms follow the national standards' wording:
产品碳足迹 (GB/T 24067), 声明单位, 系统边界, 互认.

``_("text")`` translates now; ``N_("text")`` only marks text translated later (help texts,
data), so that the completeness test finds every message. An error's message is marked the
same way with its parameters, ``N_("mass {value} is not positive", value=mass)``: it is English
text (``str(error)`` in logs and for libraries) that keeps its template and parameters, and
:func:`localize` renders it in the operator's language where the CLI shows it.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DOMAIN = "fpgw"
LANGUAGES = ("en", "zh")
LOCALE_DIR = Path(str(resources.files(__package__).joinpath("locale")))
_ENV = ("FPGW_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_our_language_variable: str | None = None  # the LANGUAGE value activate() set, not the user's


def choose(lang: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """``"zh"`` or ``"en"``: from ``lang``, else the environment's first set variable."""
    env = os.environ if env is None else env
    values = [env.get(name) for name in _ENV]
    if values[1] is not None and values[1] == _our_language_variable:
        values[1] = None
    for value in (lang, *values):
        if value:
            return "zh" if value.strip().lower().replace("-", "_").startswith("zh") else "en"
    return "en"


def activate(lang: str | None = None) -> str:
    """Use ``lang`` (or the environment's choice) from now on; return the language used."""
    global _current, _language, _our_language_variable
    _language = choose(lang)
    if _language == "zh":
        _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)
    else:
        _current = gettext.NullTranslations()
    # What gettext's global functions (click's messages) read to pick the language.
    _our_language_variable = os.environ["LANGUAGE"] = "zh_CN" if _language == "zh" else "en"
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    return _language


def language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the active language."""
    return _current.gettext(message)


@cache
def _chinese() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)


def in_chinese(message: str) -> str:
    """``message`` in Chinese, whatever the active language (a server answering in both)."""
    return _chinese().gettext(message)


class Message(str):
    """English text (``template`` formatted with ``params``) that can be shown in another
    language later: :func:`localize` formats the translated template with the same
    parameters. Everything else sees an ordinary ``str``."""

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any], /) -> Message:
        text = super().__new__(cls, template.format(**params) if params else template)
        text.template, text.params = template, dict(params)
        return text

    def __reduce__(self) -> tuple[type, tuple[str, Mapping[str, Any]]]:
        return Message, (self.template, self.params)


def N_(message: str, /, **params: Any) -> Message:  # noqa: N802 - gettext's name for the marker
    """Mark ``message`` for the catalogue without translating it here; with ``params`` it is a
    ``str.format`` template (``{name}``, ``{name!r}``) filled with them."""
    return Message(message, params)


def localize(text: str, translate: Callable[[str], str] = _) -> str:
    """``text`` in the active language (or ``translate``'s, e.g. :func:`in_chinese`): a
    :class:`Message` from its translated template (its parameters localized too), any other
    text as it is."""
    if not isinstance(text, Message):
        return text
    translated = translate(text.template)
    if not text.params:
        return translated
    return translated.format(**{name: localize(value, translate) if isinstance(value, Message) else value
                                for name, value in text.params.items()})


def error_text(error: Any) -> str:
    """What ``str(error)`` says of a gateway error (its path, then its message), in the active
    language; any other exception as ``str()`` has it."""
    if not hasattr(error, "text"):
        return str(error)
    message = localize(error.text)
    if error.path and error.path not in error.message:
        return f"{error.path}: {message}"
    return message


# Words used inside formatted lines (marked here, where the extractor sees them).
ERROR = N_("error")
HINT = N_("hint")
PASSED = N_("PASSED")
FAILED = N_("FAILED")


def reason_text(reason: str) -> str:
    """What a reason means, in the active language: the first sentence of its error class's
    docstring (the English text of docs/api.md), translated."""
    from . import errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        if getattr(cls, "reason", None) == reason and cls.__doc__:
            return _(reason_source(cls.__doc__))
    return ""


def reason_source(doc: str) -> str:
    """The msgid of a reason text: the docstring's first paragraph on one line."""
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def reason_label(reason: str) -> str:
    """``REASON`` in English; ``REASON（说明）`` in Chinese, where the reason alone says little."""
    if _language != "zh":
        return reason
    text = reason_text(reason).rstrip("。")
    return f"{reason}（{text}）" if text else reason


def _compile() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        print(f"wrote {po.with_suffix('.mo')}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["compile"]:
        sys.exit("usage: python -m gateway.core.i18n compile")
    _compile()
