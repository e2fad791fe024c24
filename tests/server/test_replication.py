"""Two gateways replicating each other over Sync with mutual TLS converge; records that
fail verification are refused, audited and skipped."""

from __future__ import annotations

import grpc

from gateway._proto import document_pb2, exchange_pb2, exchange_pb2_grpc
from gateway.core.errors import InvalidSignature
from gateway.server import Replicator, accept_as_declared
from gateway.store import NewDecision

from .conftest import BEIJING, HEBEI, submit_request


def _ids(store) -> list[tuple[str, int]]:
    return sorted((r.declaration_id, r.version) for r in store.list_declarations().records)


def test_two_peers_converge_both_ways(start_server, make_store, pki) -> None:
    hebei_store, beijing_store = make_store("hebei"), make_store("beijing")
    tls = pki.server_tls(mutual=True)
    _, hebei_port = start_server(store=hebei_store, tls=tls, identity=HEBEI)
    _, beijing_port = start_server(store=beijing_store, tls=tls, identity=BEIJING)
    with pki.channel(hebei_port, pki.beijing) as to_hebei, pki.channel(beijing_port, pki.hebei) as to_beijing:
        hebei, beijing = exchange_pb2_grpc.ExchangeServiceStub(to_hebei), exchange_pb2_grpc.ExchangeServiceStub(to_beijing)
        receipt = hebei.Submit(submit_request(1))
        beijing.Submit(submit_request(2))
        beijing_store.put_decision(
            NewDecision(receipt.receipt.digest, "bj-2025", "RECOGNISED_WITH_CONDITIONS", b'{"c": 1}'),
            actor=BEIJING,
        )
        hebei_pulls = Replicator(hebei_store, actor=HEBEI)
        beijing_pulls = Replicator(beijing_store, actor=BEIJING)
        first = beijing_pulls.pull(hebei, HEBEI, batch=1)
        second = hebei_pulls.pull(beijing, BEIJING)
        assert (first.stored, second.stored) == (1, 2)  # Beijing's d2 + its decision
        again = hebei_pulls.pull(beijing, BEIJING)
        assert (again.stored, again.duplicates) == (0, 0)  # cursor remembered
        back = beijing_pulls.pull(hebei, HEBEI)
        assert (back.stored, back.duplicates) == (0, 2)  # d2 and the decision came back: already held
    assert _ids(hebei_store) == _ids(beijing_store) == [("d1", 1), ("d2", 1)]
    assert beijing_store.get_declaration("d1").source_peer == HEBEI
    assert hebei_store.get_declaration("d2").source_peer == BEIJING
    assert hebei_store.decisions_for(receipt.receipt.digest)[0].outcome == "RECOGNISED_WITH_CONDITIONS"
    assert hebei_store.verify_audit() and beijing_store.verify_audit()


def test_records_that_fail_verification_are_refused(start_server, make_store) -> None:
    source, target = make_store("source"), make_store("target")

    def verify(submission):
        if b"forged" in submission.content:
            raise InvalidSignature("registration proof does not verify", path="/proof")
        return accept_as_declared(submission)

    _, port = start_server(store=source)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = exchange_pb2_grpc.ExchangeServiceStub(channel)
        stub.Submit(submit_request(1))
        stub.Submit(submit_request(2, content=b'{"forged": true}'))
        stub.Submit(submit_request(3))
        outcome = Replicator(target, actor=BEIJING, verify_submission=verify).pull(stub, HEBEI)
    assert outcome.stored == 2 and outcome.cursor == 3
    assert [(r.cursor, r.reason) for r in outcome.refused] == [(2, "INVALID_SIGNATURE")]
    assert _ids(target) == [("d1", 1), ("d3", 1)]
    assert [e.action for e in target.audit_entries()] == [
        "declaration.stored", "replication.refused", "declaration.stored",
    ]


def test_an_incomplete_record_is_refused_like_an_incomplete_submit(make_store) -> None:
    """A peer's declaration record is checked for the fields a Submit must carry."""
    record = exchange_pb2.FeedRecord(cursor=7, declaration=exchange_pb2.DeclarationRecord(
        metadata=exchange_pb2.DeclarationMetadata(version=1),
        document=document_pb2.Document(format_id="cn-jjj-json", content=b"{}"),
    ))

    class Peer:
        def Sync(self, request, timeout):  # noqa: N802 - the stub's method name
            return exchange_pb2.SyncResponse(records=[record], next_cursor=7, more=False)

    target = make_store("target")
    outcome = Replicator(target, actor=BEIJING).pull(Peer(), HEBEI)
    assert outcome.stored == 0 and outcome.cursor == 7
    assert [(r.cursor, r.reason) for r in outcome.refused] == [(7, "INVALID_REQUEST")]
    assert _ids(target) == []
