"""Small constructors shared by the evaluators."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from gateway.recognition.outcome import Bilingual, Evidence, Finding, Outcome, build_bilingual, build_evidence, build_finding


def ev(path: str, value: Any) -> Evidence:
    """Evidence with JSON-able values (Decimals as their text, so the decision stays exact)."""
    t = type(value)
    if t is str or value is None:  # most evidence, without a call to _plain
        return build_evidence(path, value)
    if t is Decimal:
        return build_evidence(path, format(value, "f"))
    return build_evidence(path, _plain(value))


# Evidence whose value the evaluator itself wrote as text (or None): nothing to convert, so the
# constructor itself, without a call around it.
ev_text: Callable[[str, str | None], Evidence] = build_evidence


def _plain(value: Any) -> Any:
    t = type(value)
    if t is str or value is None or t is int or t is bool:  # most evidence: one test, no isinstance chain
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def finding(outcome: Outcome, zh: str, en: str, evidence: list[Evidence] | tuple[Evidence, ...] = (),
            condition: tuple[str, str] | Bilingual | None = None) -> Finding:
    if isinstance(condition, tuple):
        condition = Bilingual(*condition)
    return build_finding(outcome, build_bilingual(zh, en), tuple(evidence), condition)


# The four outcomes' constructors build the finding directly (no ``finding`` call or condition
# test in between): an assessment makes one per criterion.
def passed(zh: str, en: str, evidence=()) -> Finding:
    return build_finding(Outcome.PASS, build_bilingual(zh, en), tuple(evidence), None)


def failed(zh: str, en: str, evidence=()) -> Finding:
    return build_finding(Outcome.FAIL, build_bilingual(zh, en), tuple(evidence), None)


def not_applicable(zh: str, en: str, evidence=()) -> Finding:
    return build_finding(Outcome.NOT_APPLICABLE, build_bilingual(zh, en), tuple(evidence), None)


def conditional(zh: str, en: str, evidence, condition: tuple[str, str] | Bilingual) -> Finding:
    return finding(Outcome.CONDITIONAL, zh, en, evidence, condition)


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
