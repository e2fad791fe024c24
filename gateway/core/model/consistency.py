"""Consistency between a declaration's totals and their parts (stages, fossil value).

The rules and their rounding tolerance are data (``consistency.toml`` beside this module,
documented there); this module interprets them. :func:`consistency_violations` lists every
broken rule with the path of the total; :func:`check_consistency` raises them as one
:class:`InvalidValue`. Whether a format refuses them or only reports them is the format's
``border`` flag (``mappings.base.Format``), the one flag for every leniency at the border.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from gateway.core.errors import FieldViolation, InvalidValue
from gateway.core.i18n import N_
from gateway.core.model.declaration import Declaration

__all__ = ["check_consistency", "consistency_violations", "rules"]


@cache
def rules() -> dict[str, Any]:
    return tomllib.loads(Path(__file__).with_name("consistency.toml").read_text("utf-8"))


Amounts = Callable[[Declaration], list[Decimal]]


def _amounts(path: str) -> Amounts:
    """What reads the amounts a rule path names: every stage value for ``stages``, else the
    result (if any). Made once per path: the rules run on every declaration read."""
    if path == "stages":
        return lambda decl: [s.value.amount for s in decl.stages]
    section, name = path.split("/")
    field = attrgetter(f"{section}.{name}")

    def amounts(decl: Declaration) -> list[Decimal]:
        quantity = field(decl)
        return [] if quantity is None else [quantity.amount]
    return amounts


@dataclass(frozen=True)
class _Rule:
    id: str
    text: str
    parts: tuple[Amounts, ...]
    totals: tuple[tuple[str, Amounts], ...]
    unless: tuple[Amounts, ...]


@cache
def _compiled() -> tuple[Decimal, tuple[_Rule, ...]]:
    table = rules()
    return Decimal(table["relative_tolerance"]), tuple(
        _Rule(rule["id"], rule["text"], tuple(map(_amounts, rule["parts"])),
              tuple((path, _amounts(path)) for path in rule["totals"]), tuple(map(_amounts, rule.get("unless", ()))))
        for rule in table["rules"]
    )


def _half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last digit ``value`` was published with (0.05 for 718.6)."""
    text = str(value)  # an exponent is "e" under a context with capitals=0
    if "E" not in text and "e" not in text and value.is_finite():
        # Plain notation: the exponent is minus the digits after the point, read from the text
        # in a fifth of as_tuple's time (it builds a tuple of every digit); the rules take it
        # for every part and total of every declaration.
        point = text.find(".")
        half = _HALF_UNITS.get(0 if point < 0 else point + 1 - len(text))
        if half is not None:
            return half
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return Decimal(0)
    half = _HALF_UNITS.get(exponent)
    return Decimal(5).scaleb(exponent - 1) if half is None else half


# Half a unit of each exponent a published value's digits can end at (a constant table: the
# rules take it for every value of every declaration).
_HALF_UNITS = {exponent: Decimal(5).scaleb(exponent - 1) for exponent in range(-40, 41)}


def consistency_violations(decl: Declaration) -> list[FieldViolation]:
    relative, compiled = _compiled()
    out = []
    for rule in compiled:
        if any(v != 0 for amounts in rule.unless for v in amounts(decl)):
            continue
        parts = [v for amounts in rule.parts for v in amounts(decl)]
        if not parts:
            continue
        totals = [(path, values[0]) for path, amounts in rule.totals if (values := amounts(decl))]
        if not totals:
            continue
        summed = rounding = Decimal(0)
        for v in parts:
            summed += v
            rounding += _half_unit(v)

        def allowed(total: Decimal) -> Decimal:
            return rounding + _half_unit(total) + relative * abs(total)

        if any(abs(summed - total) <= allowed(total) for _, total in totals):
            continue
        path, total = totals[0]
        message = rule.text.format(parts=summed.normalize(), total=total.normalize())
        out.append(FieldViolation(path, N_("{message} (rule {id}: allowed difference "
                                        "{value}, the published digits' rounding plus "
                                        "{value2} %)", message=message, id=rule.id, value=allowed(total).normalize(), value2=(relative * 100).normalize())))
    return out


def check_consistency(decl: Declaration) -> None:
    """Raise :class:`InvalidValue` listing every broken consistency rule."""
    problems = consistency_violations(decl)
    if problems:
        first = problems[0]
        raise InvalidValue(N_("{count} consistency rule(s) broken; first: {path}: {message}", count=len(problems), path=first.path, message=first.text),
                           path=first.path, violations=problems)
