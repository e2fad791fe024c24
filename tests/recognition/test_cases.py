"""The data-driven recognition cases (conformance_tests/suite/v1/recognition/*.json), run in process."""

from __future__ import annotations

import json

import jsonschema
import pytest

from gateway.core.errors import InvalidValue, PolicyError
from gateway.core.model.checks import check_declaration
from gateway.recognition import assess
from tests.recognition._suite import (
    SUITE, VERSION_ROOT, Case, at_of, build_attestations, build_declaration, build_policy_from, build_trust_list, load_cases,
)

CASES = load_cases()


def test_suite_has_the_promised_size() -> None:
    assert len(CASES) >= 40
    assert len({(c.file, c.id) for c in CASES}) == len(CASES)


def run_case(case: Case, pki):
    decl, digest = build_declaration(case.input["declaration"])
    check_declaration(decl)  # a gateway refuses a declaration that breaks a rule before assessing it
    trust_list = build_trust_list(pki, case.input.get("trust_list"))
    attestations = build_attestations(pki, decl, digest, case.input.get("attestations", []))
    policy = build_policy_from(case.input["policy"])
    return assess(decl, policy, attestations=attestations, trust_list=trust_list, at=at_of(case.input), declaration_digest=digest)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file[:-5]}/{c.id}" for c in CASES])
def test_case(case: Case, pki) -> None:
    expected = case.expected
    if "error" in expected:
        refusal = InvalidValue if expected["error"]["reason"] == "INVALID_VALUE" else PolicyError
        with pytest.raises(refusal) as info:
            run_case(case, pki)
        assert info.value.reason == expected["error"]["reason"]
        assert info.value.path == expected["error"]["path"], info.value.message
        return
    decision = run_case(case, pki)
    detail = {c.id: (c.outcome.value, c.message.en) for c in decision.criteria if c.outcome.value in ("FAIL", "CONDITIONAL")}
    assert decision.decision.value == expected["decision"], detail
    assert sorted(decision.failing) == expected["failing"], detail
    assert sorted(decision.conditional) == expected["conditional"], detail
    for cid, outcome in expected.get("outcomes", {}).items():
        assert decision.criterion(cid).outcome.value == outcome


def test_case_files_follow_their_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads((VERSION_ROOT / "case-schema.json").read_text("utf-8")))
    for path in sorted(SUITE.glob("*.json")):
        errors = [f"{path.name}{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text("utf-8")))]
        assert not errors, errors[:3]
