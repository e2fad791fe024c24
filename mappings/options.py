"""What a caller may set for one translation: settings (``--option``) and data (``--set``).

Settings change how a translation is done (a mass per piece for a unit conversion, the GWP
set, how strictly identifiers are checked, the precision of computed values); supplied data
fills canonical paths the source lacks (``region``, ``organisation/ids/-``). Unknown keys are
refused with the known ones listed, so a typo never passes for a setting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from gateway.core.errors import ConfigurationError
from gateway.core.i18n import N_
from gateway.core.model import GwpSet

# Significant digits of a value a conversion made inexact, in the formats buyers read.
DEFAULT_PRECISION = 6
MAX_PRECISION = 34


class IdentifierChecks(StrEnum):
    """A wrong identifier check digit refuses the document (strict) or is a report warning (warn)."""

    STRICT = "strict"
    WARN = "warn"


# option key -> what it sets (the docs and the refusal of an unknown key list these)
OPTION_KEYS: dict[str, str] = {
    "mass_per_piece_kg": "mass of one piece in kg, to express a per-piece declaration per kg",
    "lifetime_energy_kwh": "total energy over the battery's service life in kWh, to express a footprint per kWh",
    "gwp_set": "re-characterise to this IPCC GWP set (from the per-gas inventory)",
    "allow_defaults": "accept the documented defaults of the target's field table (true/false)",
    "identifier_checks": "strict (refuse a wrong check digit) or warn (report it); default strict for the regional "
                         "format and at registration, warn for foreign formats",
    "precision": f"significant digits of computed inexact values written to buyers' formats (default "
                 f"{DEFAULT_PRECISION}, 1-{MAX_PRECISION})",
    "pact_extension": "omit: write no PACT extension, report what it would have carried as dropped",
    "catenax_extension": "omit: write no regional extension into Catena-X documents, report what it would have carried as dropped",
    "study_url": "links/study_url when the declaration has none (--set links/study_url=URL sets it always)",
    "performance_class": "performance_class when the declaration has none (--set performance_class=CLASS sets it always)",
}
# Options that are data, filling a gap only: kept for callers that used them before --set existed.
_DATA_OPTIONS = {"study_url": "links/study_url", "performance_class": "performance_class"}
_EXTRA = ("pact_extension", "catenax_extension")


@dataclass(frozen=True)
class TranslateOptions:
    """What a caller may supply so a translation need not invent a value.

    ``mass_per_piece`` (kg) lets a per-piece declaration be expressed per kg;
    ``lifetime_energy`` (kWh) lets a battery footprint be expressed per kWh;
    ``gwp_set`` asks for re-characterisation to that IPCC set; ``allow_defaults`` accepts the
    documented defaults of the target format's field table; ``identifier_checks`` overrides
    the source format's default (None); ``precision`` the significant digits of inexact
    values in buyers' formats (None: :data:`DEFAULT_PRECISION`); ``supplied`` maps canonical
    paths to values the caller supplies (``--set``); ``fallback`` the same for values used
    only where the declaration has none.
    """

    mass_per_piece: Decimal | None = None
    lifetime_energy: Decimal | None = None
    gwp_set: GwpSet | None = None
    allow_defaults: bool = False
    identifier_checks: IdentifierChecks | None = None
    precision: int | None = None
    supplied: Mapping[str, Any] = field(default_factory=dict)
    fallback: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def writes_leniently(self) -> bool:
        """Whether writing takes a wrong identifier check character as a warning: yes unless the
        caller asks for strict checks (a warning taken in at the border travels into any output)."""
        return self.identifier_checks != IdentifierChecks.STRICT

    @classmethod
    def from_mapping(cls, values: Mapping[str, str], supplied: Mapping[str, str] | None = None) -> TranslateOptions:
        """From CLI ``--option k=v`` / ``--set PATH=VALUE`` pairs or the gRPC ``options`` / ``set`` maps."""
        unknown = sorted(k for k in values if k not in OPTION_KEYS)
        if unknown:
            raise ConfigurationError(
                N_("unknown option {value!r}; known options: {items}", value=unknown[0], items=', '.join(OPTION_KEYS)), path=unknown[0],
            )
        data = {path: supplied_value(text) for path, text in (supplied or {}).items()}
        fallback = {path: values[option] for option, path in _DATA_OPTIONS.items() if values.get(option)}
        return cls(
            mass_per_piece=_decimal_option(values, "mass_per_piece_kg"),
            lifetime_energy=_decimal_option(values, "lifetime_energy_kwh"),
            gwp_set=_gwp_option(values.get("gwp_set")),
            allow_defaults=_flag(values, "allow_defaults"),
            identifier_checks=_checks_option(values.get("identifier_checks")),
            precision=_precision_option(values.get("precision")),
            supplied=data,
            fallback=fallback,
            extra={k: v for k, v in values.items() if k in _EXTRA},
        )

    @property
    def significant_digits(self) -> int:
        return self.precision or DEFAULT_PRECISION


def supplied_value(text: str) -> Any:
    """A ``--set`` VALUE: JSON when it parses (numbers as exact decimal text), else the string."""
    try:
        value = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except ValueError:
        return text
    return _plain(value)


def _plain(value: Any) -> Any:
    """Numbers as decimal text, the canonical data form's way of holding them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _flag(values: Mapping[str, str], name: str) -> bool:
    text = str(values.get(name, "")).lower()
    if text in ("", "0", "false", "no"):
        return False
    if text in ("1", "true", "yes"):
        return True
    raise ConfigurationError(N_("option {name} must be true or false, got {value!r}", name=name, value=values[name]), path=name)


def _checks_option(value: str | None) -> IdentifierChecks | None:
    if not value:
        return None
    try:
        return IdentifierChecks(value)
    except ValueError:
        raise ConfigurationError(
            N_("option identifier_checks must be strict or warn, got {value!r}", value=value), path="identifier_checks",
        ) from None


def _precision_option(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_PRECISION:
        raise ConfigurationError(
            N_("option precision must be a number of significant digits from 1 to {max_precision}, got {value!r}", max_precision=MAX_PRECISION, value=value),
            path="precision",
        )
    return int(value)


def _gwp_option(value: str | None) -> GwpSet | None:
    if not value:
        return None
    try:
        return GwpSet(value)
    except ValueError:
        known = ", ".join(g.value for g in GwpSet)
        raise ConfigurationError(N_("option gwp_set must be one of {known}, got {value!r}", known=known, value=value), path="gwp_set") from None


def _decimal_option(values: Mapping[str, str], name: str) -> Decimal | None:
    if not values.get(name):
        return None
    try:
        value = Decimal(values[name])
    except InvalidOperation:
        raise ConfigurationError(N_("option {name} must be a decimal number, got {value!r}", name=name, value=values[name]), path=name) from None
    if not value.is_finite() or value <= 0:
        raise ConfigurationError(N_("option {name} must be greater than zero", name=name), path=name)
    return value
