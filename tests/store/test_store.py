"""Behaviour of every store backend (run against SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from gateway.core.errors import AlreadyExists, AuditChainBroken, InvalidRequest, NotFound
from gateway.store import (
    DeclarationFilter,
    NewAttestation,
    NewDeclaration,
    NewDecision,
    StoredAttestation,
    StoredDeclaration,
    StoredDecision,
    content_digest,
)


def declaration(n: int, *, version: int = 1, content: bytes | None = None, **index: str) -> NewDeclaration:
    body = content if content is not None else f'{{"id": "d{n}", "version": {version}}}'.encode()
    return NewDeclaration(
        declaration_id=f"d{n}", version=version, digest=content_digest(body), format_id="cn-jjj-json",
        media_type="application/json", content=body, region=index.get("region", "130000"),
        sector=index.get("sector", "steel"), product_id=index.get("product_id", f"p{n}"),
    )


ATTESTATION = NewAttestation("application/vc+ld+json", b'{"proof": "registered"}')


def test_declaration_is_stored_exactly_as_received(store) -> None:
    body = '{"名称": "热轧钢卷", "x": 1.50}'.encode()
    result = store.put_declaration(declaration(1, content=body), [ATTESTATION], actor="urn:jjj:platform:hebei")
    got = store.get_declaration("d1", 1)
    assert not result.duplicate
    assert got.content == body and got.digest == content_digest(body)
    assert (got.region, got.sector, got.product_id, got.format_id) == ("130000", "steel", "p1", "cn-jjj-json")
    assert [a.content for a in got.attestations] == [ATTESTATION.content]
    assert got.attestations[0].declaration_digest == got.digest
    assert got.cursor == result.receipt.cursor == 1
    assert got.received_at == result.receipt.received_at


def test_declaration_by_digest(store) -> None:
    stored = store.put_declaration(declaration(1), [ATTESTATION], actor="a")
    store.put_declaration(declaration(1, version=2), actor="a")
    got = store.declaration_by_digest(stored.receipt.digest)
    assert (got.declaration_id, got.version) == ("d1", 1)
    assert [a.content for a in got.attestations] == [ATTESTATION.content]
    assert store.declaration_by_digest(content_digest(b"held by nobody")) is None


def test_same_submission_twice_returns_the_same_receipt(store) -> None:
    first = store.put_declaration(declaration(1), [ATTESTATION], actor="a")
    second = store.put_declaration(declaration(1), [ATTESTATION], actor="a")
    assert second.duplicate and not first.duplicate
    assert second.receipt == first.receipt
    assert store.last_cursor() == 1
    assert len(store.feed()) == 1


def test_same_id_and_version_with_another_digest_is_refused(store) -> None:
    stored = store.put_declaration(declaration(1), actor="a")
    with pytest.raises(AlreadyExists) as info:
        store.put_declaration(declaration(1, content=b'{"other": true}'), actor="a")
    assert info.value.metadata["existing_digest"] == stored.receipt.digest
    assert info.value.reason == "ALREADY_EXISTS"
    assert store.get_declaration("d1").content == declaration(1).content


def test_get_without_version_returns_the_highest(store) -> None:
    store.put_declaration(declaration(1, version=2), actor="a")
    store.put_declaration(declaration(1, version=1), actor="a")
    assert store.get_declaration("d1").version == 2
    assert store.get_declaration("d1", 1).version == 1
    with pytest.raises(NotFound):
        store.get_declaration("d1", 3)
    with pytest.raises(NotFound):
        store.get_declaration("nope")


@pytest.mark.parametrize("page_size", [1, 2, 3, 7])
def test_paging_returns_every_match_once_in_order(store, page_size: int) -> None:
    for n in range(7):
        store.put_declaration(declaration(n, region="130000" if n % 2 else "120000"), actor="a")
    wanted = DeclarationFilter(region="130000")
    seen, token = [], ""
    while True:
        page = store.list_declarations(wanted, page_size=page_size, page_token=token)
        assert len(page.records) <= page_size
        seen += [r.declaration_id for r in page.records]
        token = page.next_page_token
        if not token:
            break
    assert seen == ["d1", "d3", "d5"]


def test_filters_by_sector_product_and_time(store) -> None:
    store.put_declaration(declaration(1, sector="steel"), actor="a")
    second = store.put_declaration(declaration(2, sector="battery", product_id="GTIN-1"), actor="a")
    store.put_declaration(declaration(3, sector="battery"), actor="a")
    ids = lambda f: [r.declaration_id for r in store.list_declarations(f).records]  # noqa: E731
    assert ids(DeclarationFilter(sector="battery")) == ["d2", "d3"]
    assert ids(DeclarationFilter(product_id="GTIN-1")) == ["d2"]
    at = second.receipt.received_at
    assert "d2" in ids(DeclarationFilter(received_after=at))
    assert "d2" not in ids(DeclarationFilter(received_before=at))
    assert ids(DeclarationFilter(received_after=at + timedelta(days=1))) == []


def test_page_token_is_bound_to_its_filter(store) -> None:
    for n in range(3):
        store.put_declaration(declaration(n), actor="a")
    token = store.list_declarations(DeclarationFilter(region="130000"), page_size=1).next_page_token
    with pytest.raises(InvalidRequest) as info:
        store.list_declarations(DeclarationFilter(region="110000"), page_token=token)
    assert info.value.violations[0].path == "page_token"
    with pytest.raises(InvalidRequest):
        store.list_declarations(page_token="not-a-token!")


def test_feed_orders_every_kind_of_record_by_cursor(store) -> None:
    first = store.put_declaration(declaration(1), [ATTESTATION], actor="a").receipt
    store.put_declaration(declaration(2), actor="a")
    later = NewAttestation("application/vc+ld+json", b'{"proof": "verified"}')
    store.put_attestation(first.digest, later, actor="verifier")
    decision = store.put_decision(
        NewDecision(first.digest, "tianjin-2025", "RECOGNISED", b'{"outcome":"RECOGNISED"}'), actor="tj"
    )
    feed = store.feed()
    assert [type(r) for r in feed] == [StoredDeclaration, StoredDeclaration, StoredAttestation, StoredDecision]
    assert [r.cursor for r in feed] == [1, 2, 3, 4]
    assert feed[2].content == later.content and decision.cursor == 4
    assert [r.cursor for r in store.feed(2)] == [3, 4]
    assert [r.cursor for r in store.feed(0, limit=2)] == [1, 2]
    assert store.decisions_for(first.digest) == (decision,)
    assert store.put_decision(
        NewDecision(first.digest, "tianjin-2025", "RECOGNISED", b'{"outcome":"RECOGNISED"}'), actor="tj"
    ) == decision
    assert store.last_cursor() == 4


def test_repeated_submission_with_a_new_attestation_adds_only_that(store) -> None:
    store.put_declaration(declaration(1), [ATTESTATION], actor="a")
    extra = NewAttestation("application/xml", b"<sig/>")
    again = store.put_declaration(declaration(1), [ATTESTATION, extra], actor="a")
    assert again.duplicate and again.receipt.cursor == 1
    assert [type(r).__name__ for r in store.feed()] == ["StoredDeclaration", "StoredAttestation"]
    assert store.feed()[1].content == b"<sig/>"
    assert [a.content for a in store.feed()[0].attestations] == [ATTESTATION.content]
    assert [a.content for a in store.get_declaration("d1").attestations] == [ATTESTATION.content, b"<sig/>"]


def test_attestation_for_an_unknown_declaration_is_refused(store) -> None:
    with pytest.raises(NotFound):
        store.put_attestation(content_digest(b"nothing"), ATTESTATION, actor="a")
    assert store.last_cursor() == 0


def test_audit_chain_records_every_write_and_verifies(store) -> None:
    receipt = store.put_declaration(declaration(1), actor="urn:jjj:platform:hebei").receipt
    store.put_declaration(declaration(1), actor="urn:jjj:platform:hebei")
    store.put_decision(NewDecision(receipt.digest, "p", "NOT_RECOGNISED", b"{}"), actor="urn:jjj:platform:tianjin")
    entries = list(store.audit_entries())
    assert [(e.seq, e.actor, e.action) for e in entries] == [
        (1, "urn:jjj:platform:hebei", "declaration.stored"),
        (2, "urn:jjj:platform:tianjin", "decision.stored"),
    ]
    assert entries[1].prev_hash == entries[0].hash
    assert store.verify_audit() == 2


def _tamper(store, sql: str) -> None:
    with store._transaction(write=True) as conn:
        store._run(conn, sql)


@pytest.mark.parametrize(
    ("sql", "bad_seq"),
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", 2),
        ("UPDATE audit_log SET prev_hash = hash WHERE seq = 3", 3),
        ("DELETE FROM audit_log WHERE seq = 2", 2),
        ("DELETE FROM audit_log WHERE seq = 3", 3),
    ],
)
def test_tampering_with_the_audit_log_is_detected(store, sql: str, bad_seq: int) -> None:
    for n in range(3):
        store.put_declaration(declaration(n), actor="a")
    assert store.verify_audit() == 3
    _tamper(store, sql)
    with pytest.raises(AuditChainBroken) as info:
        store.verify_audit()
    assert info.value.metadata["seq"] == str(bad_seq)


@pytest.mark.parametrize(
    ("sql", "record", "says"),
    [
        ("DELETE FROM declarations WHERE declaration_id = 'd1'", "declaration/d1/1@", "no longer stored"),
        ("UPDATE declarations SET content = x'7b7d' WHERE declaration_id = 'd2'", "declaration/d2/1@", "was changed"),
        ("UPDATE declarations SET version = 7 WHERE declaration_id = 'd0'", "declaration/d0/7@", "no declaration.stored entry"),
        ("DELETE FROM decisions", "decision/", "no longer stored"),
        ("UPDATE attestations SET content = x'00'", "attestation/", "was changed"),
    ],
)
def test_records_changed_behind_the_audit_log_are_found_and_named(store, sql: str, record: str, says: str) -> None:
    """Issue 16: `fpgw audit verify` did not notice a deleted declaration row."""
    for n in range(3):
        store.put_declaration(declaration(n), [ATTESTATION] if n == 0 else [], actor="a")
    store.put_decision(NewDecision(content_digest(declaration(0).content), "p", "RECOGNISED", b"{}"), actor="a")
    assert store.verify_audit() == 4
    _tamper(store, sql.replace("x'7b7d'", _blob(store, b"{}")).replace("x'00'", _blob(store, b"\0")))
    with pytest.raises(AuditChainBroken) as info:
        store.verify_audit()
    assert info.value.metadata["record"].startswith(record) and says in info.value.message


def _blob(store, value: bytes) -> str:
    return f"x'{value.hex()}'" if type(store).__name__.startswith("Sqlite") else f"'\\x{value.hex()}'::bytea"


def test_records_survive_reopening(store_factory) -> None:
    first = store_factory()
    receipt = first.put_declaration(declaration(1), [ATTESTATION], actor="a").receipt
    first.close()
    reopened = store_factory()
    assert reopened.get_declaration("d1").digest == receipt.digest
    assert reopened.verify_audit() == 1


def test_two_replicas_on_one_database_serve_the_same_records(store_factory) -> None:
    one, two = store_factory(), store_factory()
    receipt = one.put_declaration(declaration(1), [ATTESTATION], actor="a").receipt
    assert two.get_declaration("d1").digest == receipt.digest
    assert two.put_declaration(declaration(1), [ATTESTATION], actor="a").receipt == receipt
    two.put_declaration(declaration(2), actor="a")
    assert [r.cursor for r in one.feed()] == [1, 2]
    assert one.verify_audit() == 2


def test_concurrent_submissions_across_replicas(store_factory) -> None:
    replicas = [store_factory(), store_factory()]
    results, errors = [], []

    def submit(worker: int) -> None:
        try:
            replica = replicas[worker % 2]
            results.append(replica.put_declaration(declaration(0), [ATTESTATION], actor=f"w{worker}"))
            results.append(replica.put_declaration(declaration(100 + worker), actor=f"w{worker}"))
        except Exception as exc:  # collected so the main thread can report it
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    same = [r for r in results if r.receipt.declaration_id == "d0"]
    assert sum(not r.duplicate for r in same) == 1
    assert len({r.receipt for r in same}) == 1
    cursors = [r.cursor for r in replicas[1].feed(limit=100)]
    assert cursors == list(range(1, 10))
    assert replicas[0].verify_audit() == 9


def test_replicas_writing_at_once_keep_one_audit_chain_and_consecutive_cursors(store_factory) -> None:
    """Each write transaction reads the counters and the audit head once, under the writers'
    lock: a replica that waited for the lock must see what the other committed meanwhile."""
    replicas, errors = [store_factory(), store_factory()], []

    def submit(worker: int) -> None:
        try:
            for k in range(25):
                replicas[worker % 2].put_declaration(declaration(1000 * worker + k), actor=f"w{worker}")
        except Exception as exc:  # collected so the main thread can report it
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a writer never finished: the replicas deadlocked"
    assert not errors
    assert [r.cursor for r in replicas[0].feed(limit=500)] == list(range(1, 201))
    assert replicas[1].verify_audit() == 200 and replicas[0].last_cursor() == 200


def test_sync_cursor_only_moves_forward(store) -> None:
    assert store.sync_cursor("urn:jjj:platform:beijing") == 0
    store.set_sync_cursor("urn:jjj:platform:beijing", 5)
    store.set_sync_cursor("urn:jjj:platform:beijing", 3)
    store.set_sync_cursor("urn:jjj:platform:tianjin", 1)
    assert store.sync_cursor("urn:jjj:platform:beijing") == 5
    assert store.sync_cursor("urn:jjj:platform:tianjin") == 1


def test_events_join_the_audit_chain(store) -> None:
    store.put_declaration(declaration(1), actor="a")
    store.record_event("urn:jjj:platform:tianjin", "replication.refused", "peer/urn:jjj:platform:hebei#3")
    assert [e.action for e in store.audit_entries()] == ["declaration.stored", "replication.refused"]
    assert store.verify_audit() == 2 and store.last_cursor() == 1
