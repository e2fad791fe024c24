"""One throw-away test PKI for the recognition tests (keys are generated once per session)."""

from __future__ import annotations

import pytest

from signing.testpki import TestPki, make_test_pki


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return make_test_pki()
