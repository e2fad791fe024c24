"""What a carbon label says: the facts, taken from a declaration and its attestations.

Every value on the label comes from the declaration (product, footprint per declared unit,
boundary, methodology, verification, validity), from a ``registered`` or ``verified``
attestation (registration, verifier), from a grading scheme (class) or from the
verification URL; nothing is made up. The label proves nothing by itself: its QR code
opens the verification page, ``{base}/verify/{digest}``, where the digest is the lowercase
hex SHA-256 of the registered document's canonical form.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import InvalidRequest
from gateway.core.i18n import N_
from gateway.core.model import Declaration, Status, codelists
from mappings.grading import Grade


@dataclass(frozen=True, slots=True)
class Bilingual:
    zh: str
    en: str


@cache
def strings() -> dict[str, Bilingual]:
    data = tomllib.loads(resources.files(__package__).joinpath("strings.toml").read_text("utf-8"))
    return {key: Bilingual(**value) for key, value in data.items()}


@dataclass(frozen=True, slots=True)
class Registration:
    """Who registered the declaration (from a ``registered`` claim) and under which record."""

    region: str
    registrar: str
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class LabelFacts:
    product: Bilingual
    organisation: Bilingual
    footprint: Decimal
    declared_unit: Bilingual
    boundary: Bilingual | None
    methodology: str
    verifier: str | None
    registration: Registration | None
    valid_from: datetime | None
    valid_until: datetime | None
    grade: Grade | None
    digest: str
    url: str
    withdrawn: bool

    @property
    def footprint_text(self) -> str:
        """The declared value exactly as a decimal in plain notation, never through a float."""
        return format(self.footprint, "f")

    @property
    def validity_text(self) -> str:
        start = f"{self.valid_from:%Y-%m-%d}" if self.valid_from else "—"
        open_ended = strings()["open_ended"]
        end = f"{self.valid_until:%Y-%m-%d}" if self.valid_until else f"{open_ended.zh} {open_ended.en}"
        return f"{start} – {end}"


def verify_url(base: str, digest: str) -> str:
    """``{base}/verify/{hex}``; ``base`` must be an absolute https (or loopback http) URL."""
    if not base.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise InvalidRequest(N_("the verification base {base!r} must be an https:// URL", base=base), path="verify_base")
    return f"{base.rstrip('/')}/verify/{digest.removeprefix('sha256:')}"


def _bilingual(text: Any, fallback: str = "") -> Bilingual:
    if text is None:
        return Bilingual(fallback, fallback)
    return Bilingual(text.zh or text.en or fallback, text.en or text.zh or fallback)


def _declared_unit(decl: Declaration) -> Bilingual:
    du = decl.declared_unit
    unit = codelists.units().get(du.unit)
    amount = format(du.amount, "f")
    zh_unit, en_unit = (unit.zh, unit.code if unit.code != "piece" else unit.en) if unit else (du.unit, du.unit)
    return Bilingual(f"{amount} {zh_unit}", f"{amount} {en_unit}")


def _methodology(decl: Declaration) -> str:
    parts = list(decl.method.standards)
    parts += [r.number or r.name for r in decl.method.product_rules]
    return " · ".join(parts) or "—"


def _verifier(decl: Declaration, verifier_label: str | None) -> str | None:
    v = decl.verification
    if verifier_label:
        name = verifier_label
    elif v is not None:
        name = v.verifier
    else:
        return None
    if v is not None and v.accreditation is not None:
        name += f" ({v.accreditation.number})"
    return name


def label_facts(decl: Declaration, *, digest: str, url: str, grade: Grade | None = None,
                registration: Registration | None = None, verifier_label: str | None = None) -> LabelFacts:
    """The label's facts; a declaration without a total footprint cannot have a label."""
    total = decl.results.total_excluding_biogenic
    if total is None:
        raise InvalidRequest(N_("the declaration states no total footprint (excluding biogenic), so it has no label"),
                             path="results.total_excluding_biogenic")
    boundary = codelists.boundaries().get(decl.method.boundary.value) if decl.method.boundary else None
    validity = decl.validity
    return LabelFacts(
        product=_bilingual(decl.product.name),
        organisation=_bilingual(decl.organisation.name),
        footprint=total.amount,
        declared_unit=_declared_unit(decl),
        boundary=Bilingual(boundary.zh, boundary.en) if boundary else None,
        methodology=_methodology(decl),
        verifier=_verifier(decl, verifier_label),
        registration=registration,
        valid_from=validity.start if validity else None,
        valid_until=validity.end if validity else None,
        grade=grade,
        digest=digest.removeprefix("sha256:"),
        url=url,
        withdrawn=decl.status is Status.DEPRECATED,
    )
