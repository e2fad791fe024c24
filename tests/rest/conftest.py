from __future__ import annotations

import pytest

from .pact_env import PactHosts


@pytest.fixture
def hosts(tmp_path):
    made = PactHosts(tmp_path)
    yield made
    made.close()
