"""Evaluator helpers that are compiled once per policy behave as the plain rule they stand for."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings, strategies as st

from gateway.recognition.criteria._common import decimal_text
from gateway.recognition.criteria.factors import _recognised, prepare as prepare_factors
from gateway.recognition.equivalence import shipped_table
from gateway.recognition.outcome import (
    Bilingual, CriterionResult, Evidence, Outcome, RecognitionDecision, build_bilingual, build_decision, build_evidence,
    result_of,
)
from signing import Role


def _names_as_specified(database: str, entry: dict) -> bool:
    # The rule: the declared text contains the name or an alias, casefolded, as whole words.
    text = database.casefold()
    return any(re.search(rf"(?<!\w){re.escape(n.casefold())}(?!\w)", text) for n in (entry["database"], *entry.get("aliases", ())))


ENTRIES = [
    {"database": "CLCD", "aliases": ["Chinese Life Cycle Database", "中国生命周期基础数据库"], "versions": ["0.9"]},
    {"database": "ecoinvent", "aliases": ["eco", "ecoinvent 3.9"]},
    {"database": "GaBi (Sphera)", "aliases": ["a.b*c", "Ω"]},
]
TEXTS = [
    "CLCD", "clcd 0.9", "CLCDX", "xCLCD", "the CLCD.", "中国生命周期基础数据库", "中国生命周期基础数据库CLCD", "Chinese Life Cycle Databases",
    "ECOINVENT", "ecoinvent3.9", "economy", "eco-invent", "GaBi (Sphera) 2024", "gabi (sphera)", "a.b*c", "aXb*c", "ω", "ΩMEGA", "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_recognised_names_match_as_the_rule_says(text: str) -> None:
    first = next((e for e in ENTRIES if _names_as_specified(text, e)), None)
    entries = prepare_factors({"recognised": ENTRIES}, None, {}).entries
    for version in (None, "0.9", "1"):
        expected = first is not None and ("versions" not in first or version in first["versions"])
        assert _recognised(text, version, entries) is expected


def test_trust_list_lookups_are_the_linear_rule(pki) -> None:
    tl = pki.trust_list
    numbers = {e.accreditation.number for e in tl.entities if e.accreditation is not None} | {"no such number"}
    for number in numbers:
        first = next((e for e in tl.entities if e.role is Role.VERIFIER and e.accreditation is not None and e.accreditation.number == number), None)
        assert tl.verifier_accredited_as(number) is first
    for entity_id in [e.id for e in tl.entities] + ["urn:jjj:nobody", None]:
        assert tl.lists(entity_id) is (entity_id in {e.id for e in tl.entities})


def test_built_outcome_objects_are_what_their_constructors_make() -> None:
    message, evidence = Bilingual("中", "en"), (Evidence("a/b", "1.0"),)
    pairs = [
        (build_bilingual("中", "en"), message),
        (build_evidence("a/b", "1.0"), evidence[0]),
        (result_of("x", "gwp", Outcome.PASS, "中", "en", evidence, message, True),
         CriterionResult("x", "gwp", Outcome.PASS, message, evidence, message, True)),
    ]
    for built, made in pairs:
        assert type(built) is type(made) and built == made and hash(built) == hash(made) and repr(built) == repr(made)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.__setattr__(dataclasses.fields(built)[0].name, "changed")
    assert pairs[2][0].to_data() == pairs[2][1].to_data()
    fields = [f.name for f in dataclasses.fields(RecognitionDecision)]
    assert build_decision(*fields) == RecognitionDecision(*fields)


@pytest.mark.parametrize("table_id", ["methodology", "pcr"])
def test_compiled_matches_are_the_table_s_own(table_id: str) -> None:
    """A plan's precomputed matches give, for every item, what ``match`` gives: items of the
    table, accepted items and items the table never names (which match nothing)."""
    table = shipped_table(table_id)
    items = sorted({i for p in table.pairs for i in (p.a, p.b)})
    sectors = sorted({p.sector for p in table.pairs if p.sector is not None}) + [None, "no-such-sector"]
    for accepted in ([], items[:1], items[1:3], items[::2], ["not in the table"], items[:2] + ["not in the table"]):
        for sector in sectors:
            matches = table.matches(accepted, sector)
            for item in items + ["not in the table", "unknown"]:
                assert matches.get(item) == table.match(item, accepted, sector), (accepted, sector, item)


def test_checks_contexts_and_verified_attestations_hold_every_field(pki) -> None:
    """The objects built as their fields' dict (context._check, make_context, verify_attestation)
    equal what their constructors make, so a field added to the class cannot be left unset."""
    from datetime import datetime, timezone

    from gateway import examples
    from gateway.recognition.context import AttestationCheck, Context, _check, make_context
    from gateway.translate import read
    from signing import RegisteredClaim, VerifiedAttestation, document_digest, verify_attestation

    raw = examples.example("hebei-hot-rolled-steel-coil.json").read_bytes()
    digest = document_digest(raw, "json")
    claim = RegisteredClaim("cn-jjj-json", "6f1c2b0e-3a55-4c1e-9a53-0b5c7d1e2f40", 2, "130000", "steel")
    verified = verify_attestation(pki["hebei"].attest(claim, digest), pki.trust_list)
    assert type(verified) is VerifiedAttestation
    assert set(verified.__dict__) == {f.name for f in dataclasses.fields(VerifiedAttestation)}
    assert dataclasses.replace(verified) == verified  # the constructor accepts what it holds

    args = (0, "registration", pki["hebei"].id, verified.credential_id, verified, None, None)
    assert _check(*args) == AttestationCheck(*args) and repr(_check(*args)) == repr(AttestationCheck(*args))
    at = datetime(2026, 6, 1, tzinfo=timezone.utc)
    fields = (read(raw).declaration, "steel", at, "2026-06-01T00:00:00Z", pki.trust_list, (_check(*args),), digest, {})
    assert make_context(*fields) == Context(*fields)
    for built in (_check(*args), make_context(*fields)):
        assert set(built.__dict__) == {f.name for f in dataclasses.fields(type(built))}


@settings(max_examples=500)
@given(st.decimals(allow_nan=True, allow_infinity=True) | st.builds(lambda d, e: d.scaleb(e), st.decimals(allow_nan=False, allow_infinity=False), st.integers(-60, 60)))
def test_decimal_text_is_the_plain_format_and_str_the_empty_one(value: Decimal) -> None:
    """Evidence writes ``decimal_text``, which must be ``format(value, "f")``; messages write
    ``str(value)``, which must be what ``f"{value}"`` wrote: in either spelling of exponents."""
    for capitals in (1, 0):
        with localcontext() as ctx:
            ctx.capitals = capitals
            assert decimal_text(value) == format(value, "f")
            assert str(value) == f"{value}"
