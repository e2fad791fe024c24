"""Hypothesis strategies for canonical declarations, shared by every format's round-trip tests.

``declarations()`` draws valid declarations (identifiers with correct check characters,
code-list members, Decimal quantities with sensible scale). Formats with less
expressiveness narrow it with the keyword switches or ``dataclasses.replace``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import Phase, find, settings
from hypothesis import strategies as st

from gateway.core.model import (
    Accreditation, AssuranceLevel, Boundary, CarbonLabel, Classification, DataQuality, Declaration,
    DeclaredUnit, FactorSource, GasAmount, GwpSet, Identifier, Links, Method, Organisation, Period,
    Product, ProductRule, Quantity, Results, StageResult, Status, Text, Verification,
)
from gateway.core.model import codelists
from gateway.core.model.identifiers import USCC_ALPHABET, gtin_check_digit, uscc_check_character

_plain = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="<>&\"'\\"), min_size=1, max_size=24).map(str.strip).filter(bool)
_chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)


T = TypeVar("T")


def example(strategy: st.SearchStrategy[T], condition: Callable[[T], Any] = lambda _: True) -> T:
    """The first drawn value meeting ``condition``, the same on every run. Unlike a bare
    ``hypothesis.find`` it does not shrink, which on a whole declaration takes tens of seconds
    whenever the example database cannot replay the minimal value (a fresh checkout, a changed
    strategy)."""
    return find(strategy, condition, settings=settings(phases=[Phase.generate], database=None, derandomize=True))


def decimals(low: str = "0", high: str = "100000", places: int = 6) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False, allow_infinity=False).map(
        lambda d: d.normalize() if d == d.to_integral_value() else d
    ).map(lambda d: Decimal(format(d, "f")))


def uscc() -> st.SearchStrategy[str]:
    region = st.sampled_from(sorted(codelists.regions()))
    body = st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9)
    return st.builds(lambda r, b: "91" + r + b, region, body).map(lambda s: s + uscc_check_character(s))


def gtin13() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=12, max_size=12).map(lambda s: s + gtin_check_digit(s))


def utc_datetimes() -> st.SearchStrategy[datetime]:
    return st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2035, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=timezone.utc)
    )


def _kg(value: Decimal) -> Quantity:
    return Quantity(value, "kgCO2e")


def texts() -> st.SearchStrategy[Text]:
    return st.builds(Text, zh=_chinese, en=_plain)


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def addresses() -> st.SearchStrategy[str]:
    """A postal address as one line, Chinese or Latin script."""
    return st.builds(lambda zh, en: f"{zh} {en}", _chinese, _plain) | _plain


def contacts() -> st.SearchStrategy[str]:
    return st.from_regex(r"\A[a-z0-9]{1,10}@example\.com\.cn\Z") | st.from_regex(r"\Ahttps://example\.org/[a-z0-9]{1,10}\Z")


@st.composite
def declarations(
    draw: st.DrawFn,
    *,
    units: tuple[str, ...] | None = None,
    with_gases: bool | None = None,
    with_stages: bool | None = None,
) -> Declaration:
    unit = draw(st.sampled_from(units or tuple(codelists.units())))
    created = draw(utc_datetimes())
    start = created - timedelta(days=365)
    total = draw(decimals("0.001", "50000"))
    stages = ()
    if with_stages if with_stages is not None else draw(st.booleans()):
        codes = draw(st.lists(st.sampled_from(tuple(codelists.stages())), min_size=1, max_size=5, unique=True))
        stages = tuple(StageResult(c, _kg(draw(decimals("0", "10000")))) for c in codes)
        # the totals are the sum of the stages (gateway/core/model/consistency.toml)
        total = sum((s.value.amount for s in stages), Decimal(0)) or total
        stages = stages if sum(s.value.amount for s in stages) else (StageResult(codes[0], _kg(total)),)
    fossil_removals = draw(_maybe(decimals("0", "10").map(lambda d: _kg(-d))))
    gases = ()
    gwp = draw(st.sampled_from(list(GwpSet)))
    if with_gases if with_gases is not None else draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(sorted(codelists.gwp_sets()["AR6"])), min_size=1, max_size=4, unique=True))
        gases = tuple(GasAmount(g, Quantity(draw(decimals("0", "100")), "kg")) for g in names)
    mass = Quantity(draw(decimals("0.001", "5000")), "kg") if unit == "piece" or draw(st.booleans()) else None
    return Declaration(
        id=draw(st.uuids(version=4)),
        version=draw(st.integers(0, 20)),
        status=draw(st.sampled_from(list(Status))),
        created=created,
        updated=created + timedelta(days=draw(st.integers(0, 30))),
        region=draw(st.sampled_from(["110000", "120000", "130000"])),
        validity=Period(created, created + timedelta(days=3 * 365)),
        organisation=Organisation(
            draw(texts()), (Identifier("uscc", draw(uscc())),), address=draw(_maybe(addresses())), contact=draw(_maybe(contacts())),
        ),
        product=Product(
            name=draw(texts()),
            ids=(Identifier("gtin", draw(gtin13())),),
            classifications=(Classification("un-cpc", draw(st.from_regex(r"\A[0-9]{5}\Z"))),),
            sector=draw(st.sampled_from(sorted(codelists.sectors()))),
        ),
        declared_unit=DeclaredUnit(unit=unit, amount=Decimal(1), mass=mass),
        method=Method(
            standards=("GB/T 24067-2024", "ISO 14067:2018"),
            product_rules=(ProductRule(name=draw(_plain), operator=draw(_plain), number="T/CAB 0307-2024"),),
            boundary=draw(st.sampled_from([Boundary.CRADLE_TO_GATE, Boundary.CRADLE_TO_GRAVE])),
            gwp_set=gwp,
            reference_period=Period(start, created),
            geography="CN",
        ),
        results=Results(
            total_excluding_biogenic=_kg(total),
            total_including_biogenic=_kg(total),
            fossil=_kg(total - (fossil_removals.amount if fossil_removals else 0)),
            fossil_removals=fossil_removals,
            biogenic_removals=_kg(-draw(decimals("0", "10"))),
            fossil_carbon_content=Quantity(draw(decimals("0", "1000")), "kgC"),
            biogenic_carbon_content=Quantity(draw(decimals("0", "1000")), "kgC"),
        ),
        stages=stages,
        gases=gases,
        data_quality=DataQuality(
            primary_data_share=draw(decimals("0", "100", 2)),
            technological=draw(decimals("1", "3", 1)),
            temporal=draw(decimals("1", "3", 1)),
            geographical=draw(decimals("1", "3", 1)),
            completeness=draw(decimals("1", "3", 1)),
            reliability=draw(decimals("1", "3", 1)),
            factor_sources=(FactorSource("国家产品碳足迹因子数据库 National PCF factor database", "2025"),),
        ),
        verification=Verification(
            verifier=draw(_plain),
            accreditation=Accreditation("CNAS", "CNAS-" + draw(st.from_regex(r"\A[0-9]{4}\Z"))),
            level=draw(st.sampled_from(list(AssuranceLevel))),
            standard="ISO 14064-3:2019",
            date=date(2025, 6, 1),
        ),
        label=CarbonLabel("CFL-" + draw(st.from_regex(r"\A[0-9]{6}\Z")), "中国质量认证中心 CQC", grade=draw(st.sampled_from(["1", "2", "3"]))),
        links=Links(study_url="https://example.org/studies/" + draw(st.from_regex(r"\A[a-z0-9]{8}\Z"))),
    )
