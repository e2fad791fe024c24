"""The durability harness's final check finds what it exists to find: an acknowledged
declaration missing from the store, or stored under another digest or cursor."""

from __future__ import annotations

import uuid

from gateway.store import NewDeclaration, content_digest, open_store
from harness.durability import Ledger, Outcome, check_store, document


def _put(url: str, declaration_id: str) -> tuple[str, int]:
    content = document(declaration_id)
    store = open_store(url)
    try:
        receipt = store.put_declaration(NewDeclaration(declaration_id, 1, content_digest(content), "cn-jjj-json",
                                                       "application/json", content), actor="test").receipt
    finally:
        store.close()
    return receipt.digest, receipt.cursor


def test_a_lost_and_a_changed_acknowledgement_are_counted(tmp_path) -> None:
    url = str(tmp_path / "store.sqlite")
    kept, changed, lost = (str(uuid.uuid4()) for _ in range(3))
    ledger = Ledger()
    ledger.acknowledged[kept] = _put(url, kept)
    digest, cursor = _put(url, changed)
    ledger.acknowledged[changed] = (digest, cursor + 100)
    ledger.acknowledged[lost] = ("sha256:" + "0" * 64, 99)
    outcome = Outcome("sqlite", rounds=0)
    check_store(url, "fpgw", ledger, outcome)
    assert (outcome.acknowledged, outcome.lost, outcome.wrong_receipt, outcome.duplicates) == (3, 1, 1, 0)
