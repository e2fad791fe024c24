"""The real gateway on a loopback port with the suite's TEST-ONLY keys, once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance_tests.inprocess import in_process_server
from conformance_tests.runner import Target
from conformance_tests.suite import Suite, load_suite

SUITE = load_suite()


@pytest.fixture(scope="session")
def suite() -> Suite:
    return SUITE


@pytest.fixture(scope="session")
def gateway(suite: Suite) -> Iterator[Target]:
    with in_process_server(suite.root / "keys") as target:
        yield target
