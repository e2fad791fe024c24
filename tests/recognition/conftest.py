"""One throw-away test PKI for the recognition tests (keys are generated once per session), and
the conformance materialiser that builds the suite's recognition inputs with it in process."""

from __future__ import annotations

import pytest

from conformance_tests.materialise import Materialiser
from signing.testpki import TestPki, make_test_pki


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="session")
def made(pki: TestPki) -> Materialiser:
    return Materialiser.in_process(pki)
