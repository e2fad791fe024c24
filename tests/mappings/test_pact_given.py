"""What the PACT writer knows its fields give back is what reading them gives.

The writer decides our extension's patch from what it wrote (:mod:`mappings.pact.given`), not by
reading its document again; these check that knowledge against the reader, member for member and
in the same order (the order decides the patch's members the declaration has no value for), over
every example, generated declarations, and the cases that make a field come back otherwise.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from gateway import examples
from gateway.core.errors import GatewayError
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.parsing import dump_json
from gateway.core.report import TranslationReport
from gateway.translate import read
from mappings import TranslateOptions
from mappings.pact import PACT_V2, PACT_V3, mapping, structure
from tests.mappings.test_pact import v3_document
from tests.strategies import declarations

FORMATS = [PACT_V2, PACT_V3]
OPTIONS = [TranslateOptions(), TranslateOptions(allow_defaults=True, mass_per_piece=Decimal("2.5"))]


def _ordered(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False, default=repr)


def assert_given_is_read(fmt: Any, decl: Declaration, options: TranslateOptions) -> None:
    profile = fmt.profile
    try:
        native, back = mapping.write_fields(profile, declaration_to_data(decl), options, TranslationReport())
    except GatewayError:
        return  # refused: nothing written, nothing to know
    read_back, _ = mapping.native_to_data(profile, native, TranslationReport())
    assert _ordered(back) == _ordered(read_back)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@pytest.mark.parametrize("options", OPTIONS, ids=["plain", "defaults-and-piece-mass"])
def test_every_example_gives_back_what_the_writer_knows(fmt: Any, options: TranslateOptions) -> None:
    for path in examples.declarations(".json"):
        assert_given_is_read(fmt, read(path.read_bytes()).declaration, options)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(decl=declarations())
def test_generated_declarations_give_back_what_the_writer_knows(fmt: Any, decl: Declaration) -> None:
    for options in OPTIONS:
        assert_given_is_read(fmt, decl, options)


def _example() -> dict[str, Any]:
    path = next(p for p in examples.declarations(".json") if p.stem == "hebei-hot-rolled-steel-coil")
    return declaration_to_data(read(path.read_bytes()).declaration)


def _edited(**changes: Any) -> Declaration:
    data = _example()
    for path, value in changes.items():
        *parents, key = path.split("__")
        node = data
        for parent in parents:
            node = node.setdefault(parent, {})
        if value is None:
            node.pop(key, None)
        else:
            node[key] = value
    return declaration_from_data(data)


# Each changes how a written field comes back: a URN identifier read by its own prefix, repeats
# written once, a name in both scripts, an incomplete or off-scale dqi left out, a dated verification,
# rules grouped by operator, a geography PACT has no field for, standards PACT names otherwise.
_CASES = {
    "urn-of-a-known-prefix": {"product__ids": [{"scheme": "urn", "value": "urn:gtin:4006381333931"},
                                               {"scheme": "urn", "value": "urn:jjj:id:model:X%201"},
                                               {"scheme": "model", "value": "A/B c:d"}]},
    "repeated-ids-and-classifications": {
        "organisation__ids": [{"scheme": "uscc", "value": "91130100MA07L4QX2F"}, {"scheme": "uscc", "value": "91130100MA07L4QX2F"}],
        "product__classifications": [{"scheme": "un-cpc", "code": "41231"}, {"scheme": "urn", "code": "urn:pact:productclassification:un-cpc:41231"},
                                     {"scheme": "urn", "code": "urn:example:class:7"}, {"scheme": "hs", "code": "7208.51"}]},
    "names-in-both-scripts": {"product__name": {"en": "Coil", "zh": "热轧卷"}, "product__description": {"zh": "热轧钢卷"}},
    "incomplete-dqi": {"data_quality": {"technological": "1.5", "primary_data_share": "40"}},
    "off-scale-dqi": {"data_quality": {"technological": "4.5", "temporal": "2", "geographical": "2", "coverage": "90",
                                       "completeness": "2", "reliability": "2"}},
    "verification-dated": {"verification": {"verifier": "Verifier Co.", "level": "limited", "date": "2025-01-02"}},
    "rules-of-several-operators": {"method__product_rules": [{"name": "R1", "operator": "PEF"}, {"name": "R2"},
                                                             {"name": "R3", "operator": "PEF"}, {"name": "R4", "operator": "Ours"}]},
    "geography-without-a-field": {"method__geography": "Hebei and Tianjin"},
    "standards-through-their-basis": {"method__standards": ["PACT Methodology 3.0", "PEF"]},
    "standards-pact-names-in-part": {"method__standards": ["GB/T 24067-2024", "ISO 14067:2018"]},
}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@pytest.mark.parametrize("case", list(_CASES), ids=list(_CASES))
def test_fields_that_come_back_otherwise_are_known(fmt: Any, case: str) -> None:
    try:
        decl = _edited(**_CASES[case])
    except GatewayError:
        pytest.skip("the model refuses this edit of the example")
    for options in OPTIONS:
        assert_given_is_read(fmt, decl, options)


def test_a_urn_identifier_of_a_known_prefix_comes_back_as_that_prefix() -> None:
    profile = PACT_V3.profile
    ids, back = structure._write_ids(profile, [{"scheme": "urn", "value": "urn:gtin:4006381333931"}, {"scheme": "lei", "value": "X"},
                                               {"scheme": "lei", "value": "X"}])
    assert ids == ["urn:gtin:4006381333931", "urn:lei:X"]
    assert back == [{"scheme": "gtin", "value": "4006381333931"}, {"scheme": "lei", "value": "X"}]


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
def test_carried_native_fields_the_reader_does_not_read_leave_what_the_writer_knows(fmt: Any) -> None:
    # A partner's 3.0 document with fields no row reads (a comment, CCS values, a foreign
    # extension), read and written again: they are laid over the fields, which give back the same.
    decl = read(dump_json(v3_document()), "pact-v3").declaration
    assert decl.extensions["pact-v3"]
    for options in OPTIONS:
        assert_given_is_read(fmt, decl, options)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.id)
@pytest.mark.parametrize("laid", [{"productCategoryCpc": "41431"}, {"pcf": {"crossSectoralStandards": ["PEF"]}},
                                  {"pcf": {"ipccCharacterizationFactors": ["AR5", "AR6"]}},
                                  {"pcf": {"productOrSectorSpecificRules": [{"operator": "PEF", "ruleNames": ["R"], "otherOperatorName": "x"}]}}],
                         ids=["cpc", "standards", "gwp-lists", "rules"])
def test_carried_native_fields_the_reader_reads_are_read(fmt: Any, laid: dict[str, Any]) -> None:
    data = _example()
    data.setdefault("extensions", {})[fmt.id] = laid
    assert_given_is_read(fmt, declaration_from_data(data), OPTIONS[0])
