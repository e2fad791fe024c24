"""Operations of the suite, one per RPC of the public contract (jjj.footprint.v1).

Each operation builds its request from a test's ``request`` (documents and attestations
named from the case input, earlier results referenced) and turns the response into a
*result view*: plain JSON-like data that the test's ``expected.result`` pattern is matched
against. Only the generated stubs of the contract are used, so any implementation of it
can be tested.

A case's ``input.policy`` is a policy id or a policy document (``{file, media_type}``) sent
inline; ``input.trust_list`` (``{file, media_type}``) is a signed trust list sent with every
assess and verify request of the case. Verify with ``"xml_signature": true`` checks the
document's enveloped XML signature; its view then has ``xml_signature: {signer, values,
contains_signature}``, ``values`` being the signed XML's leaf texts by path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import grpc
from google.protobuf import timestamp_pb2
from lxml import etree

from gateway._proto import (
    attestation_pb2,
    attestation_pb2_grpc,
    document_pb2,
    exchange_pb2,
    exchange_pb2_grpc,
    recognition_pb2,
    recognition_pb2_grpc,
    translation_pb2,
    translation_pb2_grpc,
)

from .suite import load_json

JSON_ATTESTATION = "application/vc+ld+json"


@dataclass
class Context:
    """What one case's tests share: the channel, the case input, the results so far."""

    channel_for: Callable[[str | None], grpc.Channel]
    read: Callable[[str], bytes]
    input: dict[str, Any]
    deadline: float
    results: list[Any]
    raw: list[Any]

    def document(self, ref: Any) -> document_pb2.Document:
        if isinstance(ref, dict) and "output_of" in ref:
            out = self.raw[ref["output_of"]]
            return out.document if hasattr(out, "document") else out
        spec = self.input["documents"][ref]
        content = self.read(spec["file"]) if "file" in spec else spec["text"].encode("utf-8")
        return document_pb2.Document(format_id=spec.get("format_id", ""), media_type=spec.get("media_type", ""),
                                     content=content)

    def attestation(self, ref: Any) -> document_pb2.Attestation:
        if isinstance(ref, dict) and "output_of" in ref:
            return self.raw[ref["output_of"]].attestation
        spec = self.input["attestations"][ref]
        content = self.read(spec["file"]) if "file" in spec else spec["text"].encode("utf-8")
        return document_pb2.Attestation(media_type=spec.get("media_type", JSON_ATTESTATION), content=content)

    def attestations(self, refs: Any) -> list[document_pb2.Attestation]:
        names = list(self.input.get("attestations", {})) if refs is None else refs
        return [self.attestation(r) for r in names]

    def trust_list(self, req: dict[str, Any]) -> document_pb2.SuppliedTrustList | None:
        """The case's supplied trust list (``input.trust_list``), sent unless the request says
        ``"trust_list": false``; ``accept_expired_trust_list`` sets its accept_expired."""
        spec = self.input.get("trust_list")
        if spec is None or req.get("trust_list") is False:
            return None
        return document_pb2.SuppliedTrustList(content=self.read(spec["file"]),
                                              media_type=spec.get("media_type", "application/json"),
                                              accept_expired=req.get("accept_expired_trust_list", False))


def _timestamp(text: str | None) -> timestamp_pb2.Timestamp | None:
    if not text:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(datetime.fromisoformat(text.replace("Z", "+00:00")))
    return ts


def _short(enum_name: str, prefix: str) -> str:
    return enum_name.removeprefix(prefix)


def _report_view(report: translation_pb2.TranslationReport) -> dict[str, Any]:
    entries = [{"kind": _short(translation_pb2.TranslationEntryKind.Name(e.kind), "TRANSLATION_ENTRY_KIND_").lower(),
                "source_path": e.source_path, "target_path": e.target_path} for e in report.entries]
    entries.sort(key=lambda e: (e["kind"], e["source_path"], e["target_path"]))
    return {"lossless": report.lossless, "source_format_id": report.source_format_id,
            "target_format_id": report.target_format_id, "entries": entries}


def _translation_view(response: translation_pb2.TranslateResponse) -> dict[str, Any]:
    view: dict[str, Any] = {"document": {"format_id": response.document.format_id,
                                         "media_type": response.document.media_type},
                            "report": _report_view(response.report),
                            "attested": response.HasField("attestation")}
    if response.document.format_id == "canonical-json":
        view["canonical"] = load_json(response.document.content)
    return view


def translate(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    response = stub.Translate(translation_pb2.TranslateRequest(
        document=ctx.document(req["document"]), target_format_id=req.get("target_format_id", ""),
        options=req.get("options", {}), attest=req.get("attest", False)), timeout=ctx.deadline)
    return response, _translation_view(response)


def translate_stream(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    items = [translation_pb2.TranslateStreamRequest(
        request_id=item["request_id"], document=ctx.document(item["document"]),
        target_format_id=item.get("target_format_id", ""), options=item.get("options", {}))
        for item in req["items"]]
    answers = []
    for r in stub.TranslateStream(iter(items), timeout=ctx.deadline):
        if r.HasField("error"):
            answers.append({"request_id": r.request_id, "error": {"reason": r.error.reason}})
        else:
            answers.append({"request_id": r.request_id, **_translation_view(r.translation)})
    answers.sort(key=lambda a: a["request_id"])
    return answers, {"items": answers}


def validate(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.Validate(translation_pb2.ValidateRequest(document=ctx.document(req["document"])), timeout=ctx.deadline)
    return r, {"valid": r.valid, "format_id": r.format_id,
               "violations": sorted(({"path": v.path, "reason": v.reason} for v in r.violations),
                                    key=lambda v: (v["path"], v["reason"]))}


def list_formats(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.ListFormats(translation_pb2.ListFormatsRequest(), timeout=ctx.deadline)
    return r, {"formats": {f.format_id: {"readable": f.readable, "writable": f.writable,
                                         "media_types": sorted(f.media_types)} for f in r.formats},
               "order": [f.format_id for f in r.formats]}


_CLAIM_TYPES = {"registered": 1, "verified": 2, "translated": 3, "recognised": 4, "conformance": 5}


def sign(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    claim_json = req.get("claim_json", "")
    r = stub.Sign(attestation_pb2.SignRequest(
        document=ctx.document(req["document"]), claim_type=_CLAIM_TYPES.get(req.get("claim_type", ""), 0),
        claim_json=claim_json.encode("utf-8"), key_id=req.get("key_id", ""), media_type=req.get("media_type", ""),
        predecessors=ctx.attestations(req.get("predecessors", []))), timeout=ctx.deadline)
    return r, {"digest": r.digest, "attestation": {"media_type": r.attestation.media_type}}


def _verified_view(v: attestation_pb2.VerifiedAttestation) -> dict[str, Any]:
    return {"issuer": v.issuer, "key_id": v.key_id,
            "claim_type": _short(attestation_pb2.ClaimType.Name(v.claim_type), "CLAIM_TYPE_").lower(),
            "digest": v.digest, "format_id": v.format_id, "declaration_id": v.declaration_id, "version": v.version,
            "claim": load_json(v.claim_json) if v.claim_json else {}}


def _xml_values(signed_xml: bytes) -> dict[str, str]:
    """Text of every leaf element of the signed XML by its path of local names, with a
    1-based ``[n]`` after a name its siblings share: ``/declaration/results/total``."""
    values: dict[str, str] = {}

    def walk(element: Any, path: str) -> None:
        children = [c for c in element if isinstance(c.tag, str)]
        if not children:
            values[path] = "".join(element.itertext())
        names = [etree.QName(c).localname for c in children]
        seen: dict[str, int] = {}
        for child, name in zip(children, names):
            seen[name] = seen.get(name, 0) + 1
            walk(child, f"{path}/{name}" + (f"[{seen[name]}]" if names.count(name) > 1 else ""))

    root = etree.fromstring(signed_xml, etree.XMLParser(resolve_entities=False, no_network=True))
    walk(root, f"/{etree.QName(root).localname}")
    return values


def _xml_signature_view(v: attestation_pb2.VerifiedXmlSignature) -> dict[str, Any]:
    return {"signer": v.signer, "values": _xml_values(v.signed_xml),
            "contains_signature": b"http://www.w3.org/2000/09/xmldsig#" in v.signed_xml}


def verify(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    message = attestation_pb2.VerifyRequest(attestations=ctx.attestations(req.get("attestations")),
                                            challenge=req.get("challenge", ""), domain=req.get("domain", ""),
                                            trust_list=ctx.trust_list(req), xml_signature=req.get("xml_signature", False))
    if "document" in req:
        message.document.CopyFrom(ctx.document(req["document"]))
    at = _timestamp(req.get("at_time", ctx.input.get("at")))
    if at is not None:
        message.at_time.CopyFrom(at)
    r = stub.Verify(message, timeout=ctx.deadline)
    view: dict[str, Any] = {"verified": [_verified_view(v) for v in r.verified]}
    if r.HasField("xml_signature"):
        view["xml_signature"] = _xml_signature_view(r.xml_signature)
    return r, view


def get_trust_list(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.GetTrustList(attestation_pb2.GetTrustListRequest(), timeout=ctx.deadline)
    return r, {"sequence": r.sequence, "media_type": r.media_type, "trust_list": load_json(r.trust_list)}


def assess(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    message = recognition_pb2.AssessRequest(document=ctx.document(req.get("document", "declaration")),
                                            attestations=ctx.attestations(req.get("attestations")),
                                            trust_list=ctx.trust_list(req))
    policy = req.get("policy_id", ctx.input.get("policy", ""))
    if isinstance(policy, dict):
        message.policy_document.CopyFrom(recognition_pb2.PolicyDocument(media_type=policy["media_type"],
                                                                        content=ctx.read(policy["file"])))
    else:
        message.policy_id = policy
    at = _timestamp(req.get("at_time", ctx.input.get("at")))
    if at is not None:
        message.at_time.CopyFrom(at)
    r = stub.Assess(message, timeout=ctx.deadline)
    d = r.decision
    outcomes = {c.criterion_id: _short(recognition_pb2.CriterionOutcome.Name(c.outcome), "CRITERION_OUTCOME_")
                for c in d.criteria}
    return r, {"decision": _short(recognition_pb2.RecognitionOutcome.Name(d.outcome), "RECOGNITION_OUTCOME_"),
               "failing": sorted(k for k, v in outcomes.items() if v == "FAIL"),
               "conditional": sorted(k for k, v in outcomes.items() if v == "CONDITIONAL"),
               "outcomes": outcomes, "policy_id": d.policy_id, "region": d.region, "digest": d.digest,
               "declaration_id": d.declaration_id, "version": d.version,
               "bilingual": all(c.message.zh and c.message.en for c in d.criteria),
               "decision_json": load_json(r.decision_json) if r.decision_json else {}}


def list_policies(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.ListPolicies(recognition_pb2.ListPoliciesRequest(region=req.get("region", "")), timeout=ctx.deadline)
    return r, {"policies": {p.policy_id: {"region": p.region, "version": p.version, "sectors": sorted(p.sectors)}
                            for p in r.policies}}


def _metadata(meta: Any) -> dict[str, Any]:
    return {"declaration_id": meta.declaration_id, "version": meta.version, "region": meta.region,
            "sector": meta.sector, "product_id": meta.product_id}


def _record_view(rec: exchange_pb2.DeclarationRecord) -> dict[str, Any]:
    return {"metadata": _metadata(rec.metadata), "digest": rec.digest, "cursor": rec.cursor,
            "document": {"format_id": rec.document.format_id}, "attestation_count": len(rec.attestations),
            "source_peer": rec.source_peer}


def submit(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.Submit(exchange_pb2.SubmitRequest(
        metadata=exchange_pb2.DeclarationMetadata(**req.get("metadata", {})),
        document=ctx.document(req["document"]) if "document" in req else None,
        attestations=ctx.attestations(req.get("attestations"))), timeout=ctx.deadline)
    receipt = r.receipt
    return r, {"receipt": {"declaration_id": receipt.declaration_id, "version": receipt.version,
                           "digest": receipt.digest, "cursor": receipt.cursor,
                           "received_at": receipt.received_at.ToJsonString()},
               "duplicate": r.duplicate}


def get(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.Get(exchange_pb2.GetRequest(declaration_id=req.get("declaration_id", ""),
                                         version=req.get("version", 0)), timeout=ctx.deadline)
    return r, {"record": _record_view(r.record)}


def _filter(spec: dict[str, Any]) -> exchange_pb2.DeclarationFilter:
    return exchange_pb2.DeclarationFilter(**spec)


def list_(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.List(exchange_pb2.ListRequest(filter=_filter(req.get("filter", {})), page_size=req.get("page_size", 0),
                                           page_token=req.get("page_token", "")), timeout=ctx.deadline)
    return r, {"declarations": [_record_view(rec)["metadata"] for rec in r.records],
               "next_page_token": r.next_page_token, "more": bool(r.next_page_token)}


def _feed_view(records: list[Any]) -> dict[str, Any]:
    cursors = [r.cursor for r in records]
    declarations = [{"declaration_id": r.declaration.metadata.declaration_id, "version": r.declaration.metadata.version,
                     "cursor": r.cursor} for r in records if r.WhichOneof("record") == "declaration"]
    return {"declarations": declarations, "cursors_increasing": all(a < b for a, b in zip(cursors, cursors[1:])),
            "cursors_unique": len(set(cursors)) == len(cursors)}


def watch(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    """Read the feed until ``until`` (a declaration id) arrives, ``max_records`` are read or
    the stream stays quiet for ``quiet_seconds`` (default 1); the feed never ends by itself."""
    call = stub.Watch(exchange_pb2.WatchRequest(after_cursor=req.get("after_cursor", 0),
                                                filter=_filter(req.get("filter", {}))), timeout=ctx.deadline)
    records: list[Any] = []
    until, limit = req.get("until"), req.get("max_records", 100)
    stop = threading.Timer(float(req.get("quiet_seconds", 1.0)), call.cancel)
    stop.start()
    try:
        for item in call:
            stop.cancel()
            records.append(item.record)
            if len(records) >= limit or (until and item.record.WhichOneof("record") == "declaration"
                                         and item.record.declaration.metadata.declaration_id == until):
                break
            stop = threading.Timer(float(req.get("quiet_seconds", 1.0)), call.cancel)
            stop.start()
    except grpc.RpcError as exc:
        if exc.code() != grpc.StatusCode.CANCELLED:
            raise
    finally:
        stop.cancel()
        call.cancel()
    return records, _feed_view(records)


def sync(ctx: Context, req: dict[str, Any], stub: Any) -> tuple[Any, Any]:
    r = stub.Sync(exchange_pb2.SyncRequest(after_cursor=req.get("after_cursor", 0), limit=req.get("limit", 0)),
                  timeout=ctx.deadline)
    view = _feed_view(list(r.records))
    return r, {**view, "more": r.more, "next_cursor": r.next_cursor}


STUBS = {
    "translation": translation_pb2_grpc.TranslationServiceStub,
    "attestation": attestation_pb2_grpc.AttestationServiceStub,
    "recognition": recognition_pb2_grpc.RecognitionServiceStub,
    "exchange": exchange_pb2_grpc.ExchangeServiceStub,
}
# operation -> (service, function); one RPC each.
OPERATIONS: dict[str, tuple[str, Callable[..., tuple[Any, Any]]]] = {
    "translate": ("translation", translate),
    "translate_stream": ("translation", translate_stream),
    "validate": ("translation", validate),
    "list_formats": ("translation", list_formats),
    "sign": ("attestation", sign),
    "verify": ("attestation", verify),
    "get_trust_list": ("attestation", get_trust_list),
    "assess": ("recognition", assess),
    "list_policies": ("recognition", list_policies),
    "submit": ("exchange", submit),
    "get": ("exchange", get),
    "list": ("exchange", list_),
    "watch": ("exchange", watch),
    "sync": ("exchange", sync),
}
