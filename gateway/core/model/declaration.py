"""The canonical product carbon footprint declaration.

Every format is translated to and from this model and nothing else (DESIGN §2). It is the
union of what the formats carry, with nothing format-specific: values a format carries and
the model does not go into ``extensions`` keyed by the format's namespace.

Conventions: every physical value is a :class:`Quantity` (``Decimal`` amount + unit code);
results are per declared unit; percentages are ``Decimal`` in 0..100; timestamps are
timezone-aware UTC ``datetime``; dates are ``date``. Optional values are ``None``, never a
sentinel.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    ACTIVE = "active"
    DEPRECATED = "deprecated"


class Boundary(StrEnum):
    CRADLE_TO_GATE = "cradle-to-gate"
    CRADLE_TO_GRAVE = "cradle-to-grave"
    GATE_TO_GATE = "gate-to-gate"


class GwpSet(StrEnum):
    AR5 = "AR5"
    AR6 = "AR6"


class AssuranceLevel(StrEnum):
    LIMITED = "limited"
    REASONABLE = "reasonable"


class Standard(StrEnum):
    GB_T_24067_2024 = "GB/T 24067-2024"
    ISO_14067_2018 = "ISO 14067:2018"
    GHG_PROTOCOL_PRODUCT = "GHG Protocol Product Standard"
    PEF = "PEF"
    PACT = "PACT Methodology"
    EU_2023_1542 = "EU 2023/1542"


@dataclass(frozen=True, slots=True)
class Quantity:
    amount: Decimal
    unit: str


@dataclass(frozen=True, slots=True)
class Text:
    """A bilingual label; at least one language is present."""

    zh: str | None = None
    en: str | None = None

    def any(self) -> str:
        return self.en or self.zh or ""


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier with its scheme: ``uscc``, ``lei``, ``gln``, ``urn``, ``gtin``, ``model``, ``batch``, ..."""

    scheme: str
    value: str


@dataclass(frozen=True, slots=True)
class Classification:
    """A product classification code: ``un-cpc``, ``hs``, ``gb-t-4754`` (industry), ..."""

    scheme: str
    code: str


@dataclass(frozen=True, slots=True)
class Site:
    """A production site: the plant that made the product (battery passports require it)."""

    name: Text | None = None
    address: str | None = None
    country: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Organisation:
    """The declaring organisation (manufacturer), with identifiers such as its USCC, its postal
    address (one line) and a contact (email or web address)."""

    name: Text
    ids: tuple[Identifier, ...] = ()
    address: str | None = None
    contact: str | None = None

    def id_of(self, scheme: str) -> str | None:
        return next((i.value for i in self.ids if i.scheme == scheme), None)


@dataclass(frozen=True, slots=True)
class Product:
    """The product declared: names, identifiers, classifications, priority sector, sites."""

    name: Text
    description: Text | None = None
    ids: tuple[Identifier, ...] = ()
    classifications: tuple[Classification, ...] = ()
    sector: str | None = None
    sites: tuple[Site, ...] = ()

    def id_of(self, scheme: str) -> str | None:
        return next((i.value for i in self.ids if i.scheme == scheme), None)


@dataclass(frozen=True, slots=True)
class DeclaredUnit:
    """What the results are per: ``amount`` of ``unit`` (e.g. 1 t, 1 piece)."""

    unit: str
    amount: Decimal = Decimal(1)
    mass: Quantity | None = None
    lifetime_energy: Quantity | None = None


@dataclass(frozen=True, slots=True)
class ProductRule:
    """A PCR or product-specific rule, e.g. a group standard ``T/CAB 0307-2024``."""

    name: str
    operator: str | None = None
    version: str | None = None
    number: str | None = None


@dataclass(frozen=True, slots=True)
class ExcludedStage:
    """A life-cycle stage left out of the boundary, and why."""

    stage: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Method:
    """How the footprint was calculated: standards, product rules, boundary, allocation, GWP set, periods."""

    standards: tuple[str, ...] = ()
    product_rules: tuple[ProductRule, ...] = ()
    boundary: Boundary | None = None
    boundary_description: str | None = None
    excluded_stages: tuple[ExcludedStage, ...] = ()
    allocation: str | None = None
    cut_off: str | None = None
    exempted_share: Decimal | None = None
    gwp_set: GwpSet | None = None
    biogenic_accounting: str | None = None
    electricity_modelling: str | None = None
    reference_period: Period | None = None
    geography: str | None = None
    value_choices: str | None = None
    sensitivity: str | None = None
    uncertainty: str | None = None


@dataclass(frozen=True, slots=True)
class Results:
    """Per declared unit; emissions in kg CO2e, carbon content in kg C. Removals (fossil and
    biogenic) are zero or negative and kept apart from the emissions, as ISO 14067 reports them."""

    total_excluding_biogenic: Quantity | None = None
    total_including_biogenic: Quantity | None = None
    fossil: Quantity | None = None
    fossil_removals: Quantity | None = None
    biogenic_emissions: Quantity | None = None
    biogenic_removals: Quantity | None = None
    dluc: Quantity | None = None
    iluc: Quantity | None = None
    land_management: Quantity | None = None
    aircraft: Quantity | None = None
    packaging: Quantity | None = None
    fossil_carbon_content: Quantity | None = None
    biogenic_carbon_content: Quantity | None = None
    packaging_biogenic_carbon_content: Quantity | None = None


@dataclass(frozen=True, slots=True)
class StageResult:
    """The result of one life-cycle stage, kg CO2e per declared unit."""

    stage: str
    value: Quantity


@dataclass(frozen=True, slots=True)
class GasAmount:
    """Mass of one greenhouse gas emitted per declared unit (kg of the gas)."""

    gas: str
    mass: Quantity


@dataclass(frozen=True, slots=True)
class FactorSource:
    """An emission-factor database used, e.g. the national product carbon-footprint factor database."""

    database: str
    version: str | None = None
    factor_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DataQuality:
    """Primary-data share and coverage in percent; data quality ratings (DQR, 1 best to 5 worst)."""

    primary_data_share: Decimal | None = None
    technological: Decimal | None = None
    temporal: Decimal | None = None
    geographical: Decimal | None = None
    completeness: Decimal | None = None
    reliability: Decimal | None = None
    coverage: Decimal | None = None
    factor_sources: tuple[FactorSource, ...] = ()


@dataclass(frozen=True, slots=True)
class Accreditation:
    """The verifier's accreditation: body, number and the sectors it covers."""

    body: str
    number: str
    scope: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Verification:
    """Third-party verification (assurance) of the declaration."""

    verifier: str
    verifier_id: str | None = None
    accreditation: Accreditation | None = None
    level: AssuranceLevel | None = None
    standard: str | None = None
    date: date | None = None
    statement: str | None = None


@dataclass(frozen=True, slots=True)
class CarbonLabel:
    """A carbon-label certificate (碳标识) with its grade (分级) and validity."""

    number: str
    body: str
    grade: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class Links:
    """Public study, EU declaration of conformity id and attachments."""

    study_url: str | None = None
    conformity_declaration_id: str | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Declaration:
    """A product carbon footprint declaration: identity, who, what, per what, how, results, evidence."""

    id: uuid.UUID
    version: int
    organisation: Organisation
    product: Product
    declared_unit: DeclaredUnit
    created: datetime
    status: Status = Status.ACTIVE
    status_comment: str | None = None
    preceding_ids: tuple[uuid.UUID, ...] = ()
    updated: datetime | None = None
    issued: datetime | None = None
    validity: Period | None = None
    region: str | None = None
    method: Method = field(default_factory=Method)
    results: Results = field(default_factory=Results)
    stages: tuple[StageResult, ...] = ()
    gases: tuple[GasAmount, ...] = ()
    data_quality: DataQuality | None = None
    verification: Verification | None = None
    label: CarbonLabel | None = None
    performance_class: str | None = None
    links: Links | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
