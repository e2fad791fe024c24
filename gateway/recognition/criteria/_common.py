"""Small constructors shared by the evaluators.

An evaluator returns its finding as the tuple ``(outcome, zh, en, evidence, condition)``
(``outcome.Finding``) written in place: one tuple, and the engine turns it into the criterion's
result with one call. The outcomes are module constants here, so a return reads a global instead
of an enum class attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from gateway.recognition.outcome import Bilingual, Evidence, Outcome, build_bilingual, build_evidence

PASS, CONDITIONAL, FAIL, NOT_APPLICABLE = Outcome.PASS, Outcome.CONDITIONAL, Outcome.FAIL, Outcome.NOT_APPLICABLE

bilingual: Callable[[str, str], Bilingual] = build_bilingual


def ev(path: str, value: Any) -> Evidence:
    """Evidence with JSON-able values (Decimals as their text, so the decision stays exact)."""
    t = type(value)
    if t is str or value is None:  # most evidence, without a call to _plain
        return build_evidence(path, value)
    if t is Decimal:
        return build_evidence(path, decimal_text(value))
    return build_evidence(path, _plain(value))


def decimal_text(value: Decimal) -> str:
    """``format(value, "f")`` (a Decimal in evidence is its plain text): ``str`` writes the same
    text in a third of the time unless it chose an exponent, which only a large exponent or six
    leading zeros make it do (tests/recognition/test_criteria.py holds the two equal)."""
    text = str(value)
    return text if "E" not in text and "e" not in text else format(value, "f")


# Evidence whose value the evaluator itself wrote as text (or None): nothing to convert, so the
# constructor itself, without a call around it.
ev_text: Callable[[str, str | None], Evidence] = build_evidence


def _plain(value: Any) -> Any:
    t = type(value)
    if t is str or value is None or t is int or t is bool:  # most evidence: one test, no isinstance chain
        return value
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, (list, tuple)):
        return [v if type(v) is str else _plain(v) for v in value]  # lists in evidence are mostly texts
    if isinstance(value, Enum):
        return value.value
    return value


def zh_list(items) -> str:
    return "、".join(str(i) for i in items)


def en_list(items) -> str:
    return ", ".join(str(i) for i in items)


def sentence(parts: list[str], *, zh: bool) -> str:
    """Clauses joined into one sentence (the first letter raised, nothing else touched)."""
    if zh:
        return "；".join(parts) + "。"
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."
