"""The whole conformance suite against the real gateway: one pytest test per suite test,
ids ``group/file/case/test-index``; skips are the runner's named predicates with reasons."""

from __future__ import annotations

import pytest

from conformance_tests.runner import CaseResult, Channels, run_case, skip_reason
from conformance_tests.suite import Case, Test

from .conftest import SUITE

PARAMS = [pytest.param(case, test, id=f"{case.node_id}/{test.index}") for case in SUITE.cases for test in case.tests]
_RESULTS: dict[str, CaseResult] = {}


@pytest.fixture(scope="module")
def channels(gateway):
    ch = Channels(gateway)
    yield ch
    ch.close()


def _result(case: Case, channels: Channels) -> CaseResult:
    if case.node_id not in _RESULTS:
        _RESULTS[case.node_id] = run_case(case, SUITE, channels, deadline=20.0)
    return _RESULTS[case.node_id]


@pytest.mark.parametrize("case, test", PARAMS)
def test_case(case: Case, test: Test, channels: Channels) -> None:
    reason = skip_reason(case, channels.target)
    if reason:
        pytest.skip(reason)
    result = _result(case, channels)
    done = {t.index: t for t in result.tests}
    if test.index not in done:
        pytest.fail(f"not reached: test {result.tests[-1].index} of this case failed first")
    outcome = done[test.index]
    assert outcome.passed, "\n".join(outcome.problems) + f"\nactual: {outcome.actual!r}"[:2000]


def test_suite_size_and_groups() -> None:
    groups = {c.group for c in SUITE.cases}
    assert groups >= {"translation", "validation", "signing", "recognition", "exchange", "security"}
    assert len(SUITE.cases) >= 200
