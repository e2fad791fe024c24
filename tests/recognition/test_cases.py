"""The data-driven recognition cases (conformance_tests/suite/v1/recognition/*.json), run in process."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conformance_tests.materialise import Materialiser
from conformance_tests.suite import Case, load_suite
from gateway.core.errors import InvalidValue, PolicyError
from gateway.core.model.checks import check_declaration
from gateway.recognition import assess

SUITE = load_suite()
CASES = SUITE.select(groups=("recognition",))


def test_suite_has_the_promised_size() -> None:
    assert len(CASES) >= 40
    assert len({(c.file, c.id) for c in CASES}) == len(CASES)


def run_case(case: Case, made: Materialiser):
    given = made.inputs(case.input)
    check_declaration(given.declaration)  # a gateway refuses a declaration that breaks a rule before assessing it
    return assess(given.declaration, given.policy, attestations=given.attestations, trust_list=given.trust_list,
                  at=given.at, declaration_digest=given.digest)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file[:-5]}/{c.id}" for c in CASES])
def test_case(case: Case, made: Materialiser) -> None:
    expected = case.tests[0].expected
    if "error" in expected:
        refusal = InvalidValue if expected["error"]["reason"] == "INVALID_VALUE" else PolicyError
        with pytest.raises(refusal) as info:
            run_case(case, made)
        assert info.value.reason == expected["error"]["reason"]
        assert info.value.path == expected["error"]["path"], info.value.message
        return
    expected = expected["result"]
    decision = run_case(case, made)
    detail = {c.id: (c.outcome.value, c.message.en) for c in decision.criteria if c.outcome.value in ("FAIL", "CONDITIONAL")}
    assert decision.decision.value == expected["decision"], detail
    assert sorted(decision.failing) == expected["failing"], detail
    assert sorted(decision.conditional) == expected["conditional"], detail
    for cid, outcome in expected.get("outcomes", {}).items():
        assert decision.criterion(cid).outcome.value == outcome


def test_case_files_follow_their_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads((SUITE.root / "case-schema.json").read_text("utf-8")))
    for path in sorted((SUITE.root / "recognition").glob("*.json")):
        errors = [f"{path.name}{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert not errors, errors[:3]
