"""The hostile corpus (harness/hostile/cases.json) through the pipeline and the validator:
each case answered with its reason and path, and valid=false wherever translation refuses."""

from __future__ import annotations

import pytest

from gateway.core.errors import GatewayError, InvalidDocument
from gateway.core.parsing import load_json
from gateway.translate import read, translate
from harness.hostile import cases

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_translation_answers_the_expected_reason(case) -> None:
    target = "cn-jjj-json" if case.format_id == "pact-v3" else "pact-v3"
    if case.reason is None:
        assert translate(case.content, target, source=case.format_id).output
        return
    with pytest.raises(GatewayError) as err:
        translate(case.content, target, source=case.format_id)
    assert err.value.reason == case.reason, err.value.message
    if case.path is not None:
        assert err.value.path == case.path
    str(err.value).encode("utf-8")  # printable, whatever the input held


@pytest.mark.parametrize("case", [c for c in CASES if c.reason], ids=[c.id for c in CASES if c.reason])
def test_validation_refuses_what_translation_refuses(case) -> None:
    with pytest.raises(InvalidDocument) as err:
        read(case.content, case.format_id)
    assert err.value.reason == case.reason


def test_the_corpus_covers_every_json_format_and_the_issue() -> None:
    surrogates = {c.format_id for c in CASES if c.reason == "FORBIDDEN_CHARACTER" and c.syntax == "json"}
    assert surrogates >= {"cn-jjj-json", "pact-v2", "pact-v3", "iso14067-json", "eu-battery-json", "canonical-json"}
    assert {"xml-xinclude", "battery-exponent-absolute", "iso-exponent", "cn-jjj-mass-1e30", "cn-jjj-integer-2^53+1"} <= {c.id for c in CASES}


@pytest.mark.parametrize("case", [c for c in CASES if c.syntax == "json" and c.reason],
                         ids=[c.id for c in CASES if c.syntax == "json" and c.reason])
def test_the_json_reader_refuses_exactly_the_cases_marked_as_refused_by_it(case) -> None:
    # harness.hostile sends these over the PACT REST API expecting the whole event refused.
    try:
        load_json(case.content)
        refused = None
    except GatewayError as error:
        refused = error.reason
    assert refused == (case.reason if case.refused_by_json_reader else None)
