"""Evaluator helpers that are compiled once per policy behave as the plain rule they stand for."""

from __future__ import annotations

import re

import pytest

from gateway.recognition.criteria.factors import _recognised
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
    for version in (None, "0.9", "1"):
        expected = first is not None and ("versions" not in first or version in first["versions"])
        assert _recognised(text, version, ENTRIES) is expected


def test_trust_list_lookups_are_the_linear_rule(pki) -> None:
    tl = pki.trust_list
    numbers = {e.accreditation.number for e in tl.entities if e.accreditation is not None} | {"no such number"}
    for number in numbers:
        first = next((e for e in tl.entities if e.role is Role.VERIFIER and e.accreditation is not None and e.accreditation.number == number), None)
        assert tl.verifier_accredited_as(number) is first
    for entity_id in [e.id for e in tl.entities] + ["urn:jjj:nobody", None]:
        assert tl.lists(entity_id) is (entity_id in {e.id for e in tl.entities})
