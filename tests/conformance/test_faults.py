"""The suite can fail: against a deliberately faulty gateway exactly the cases that check
what the fault breaks fail, and no other.

The faulty gateway is conformance_tests.faults' proxy in front of the real one. It calls
upstream with one certificate, so cases that call as another identity are left out here.
"""

from __future__ import annotations

import pytest

from conformance_tests.faults import faulty_proxy
from conformance_tests.matching import pointer, MISSING
from conformance_tests.runner import run_cases
from conformance_tests.suite import Case

from .conftest import SUITE

CASES = [c for c in SUITE.cases if not any(t.identity for t in c.tests)]


def checks_english_organisation_name(case: Case) -> bool:
    return any(t.operation == "translate" and t.request.get("target_format_id") == "canonical-json"
               and pointer(t.expected, "/result/canonical/organisation/name/en") is not MISSING for t in case.tests)


def expects_failed_verification(case: Case) -> bool:
    return any(t.operation == "assess" and "verification" in (pointer(t.expected, "/result/failing") or [])
               for t in case.tests if pointer(t.expected, "/result/failing") is not MISSING)


def expects_revoked_key_on_verify(case: Case) -> bool:
    return any(t.operation == "verify" and pointer(t.expected, "/error/reason") == "KEY_REVOKED" for t in case.tests)


EXPECTED = {
    "drop-field": {c.node_id for c in CASES if checks_english_organisation_name(c)},
    "accept-revoked-key": {c.node_id for c in CASES if expects_revoked_key_on_verify(c)},
    "ignore-verification-criterion": {c.node_id for c in CASES if expects_failed_verification(c)},
}
KNOWN = {  # the predicates above must keep finding what they were written for
    "accept-revoked-key": {"signing/attestations/key-revoked-before-signing", "signing/trust-lists/trust-list-supplied-newer",
                           "signing/xml-signatures/xml-signature-revoked-key"},
    "ignore-verification-criterion": {"recognition/trust/verifier-scope-lacks-sector"},
}


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_exactly_the_expected_cases_fail(fault: str, gateway) -> None:
    with faulty_proxy(gateway, (fault,), SUITE.root / "keys") as faulty:
        results = run_cases(CASES, SUITE, faulty, jobs=4)
    failed = {r.case.node_id for r in results if r.outcome == "failed"}
    assert EXPECTED[fault], "the suite has no case for this fault"
    assert KNOWN.get(fault, set()) <= EXPECTED[fault]
    assert failed == EXPECTED[fault]
