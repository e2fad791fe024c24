"""The PACT event ledger fails as the store does: remote callers see the reason and an
incident id, the database's own text stays in the server log under that id."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from gateway.core.errors import StoreError
from gateway.rest.pact.ledger import Ledger


def test_a_failing_ledger_names_an_incident_not_the_database(tmp_path, caplog) -> None:
    path = tmp_path / "events.sqlite"
    ledger = Ledger(path)
    try:
        assert ledger.add_inbound("e-1", "https://buyer.example", "3.0", "client", {}) is True
        with sqlite3.connect(path) as other:
            other.execute("DROP TABLE inbound")
        with caplog.at_level(logging.ERROR, logger="gateway.store"), pytest.raises(StoreError) as refused:
            ledger.inbound()
    finally:
        ledger.close()
    incident = refused.value.metadata["incident"]
    assert str(refused.value) == f"the store failed (incident {incident})"
    assert "inbound" not in str(refused.value)
    assert f"incident {incident}" in caplog.text and "no such table: inbound" in caplog.text
