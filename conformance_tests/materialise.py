"""Make the input files that case files describe with ``made`` (provenance) specs.

Documents: ``made = {from, merge_patch?, json_patch?, replace?}`` — a suite file (or
``examples/NAME``, one of gateway.examples) with RFC 7386 / RFC 6902 patches applied to its JSON,
or literal text replacements ``[[old, new], ...]`` applied to its bytes.

Signed XML documents and their hostile variants: ``made = {from, sign_xml}`` and
``{from, xml_attack}`` (see xml_inputs.py).

Policy documents (``input.policy`` as an object with a ``file``): the shipped policy
``base`` with ``merge_patch`` / ``json_patch`` applied, as JSON; unpatched with media type
``application/toml``, the shipped TOML file itself. Supplied trust lists (``input.trust_list``
with a ``file``): see trust_lists.py.

Attestations: ``made = {kind, issuer, signed, valid_until?, subject?, claim?, key?,
verification_method?, issuer_id?, challenge?, domain?, tamper?, replace?}`` — a VC signed
with the suite's TEST-ONLY key of ``issuer`` (short name or entity id) over the digest of
the ``subject`` document of the case (default ``declaration``; ``other`` for a digest of
nothing in the suite), its claim filled from that document and overridden by ``claim``;
``tamper`` (JSON Patch) and ``replace`` alter it after signing.

The generator writes what it makes into the suite (:meth:`Materialiser.case`). In process
(:meth:`Materialiser.in_process`, with a test PKI of :mod:`signing.testpki` instead of the
TEST-ONLY files) the same specs give a case's inputs as objects, made in memory:
:meth:`Materialiser.inputs` (declaration, digest, policy, trust list, attestations, time).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from gateway import examples
from gateway.core.jsonpatch import json_patch, merge_patch
from gateway.core.model import Declaration, declaration_from_data
from gateway.core.model.serde import parse_datetime
from gateway.core.parsing import dump_json
from gateway.recognition import RecognitionPolicy, load_policy, shipped_policies
from gateway.translate import read
from mappings import get_format
from signing import RecognisedClaim, RegisteredClaim, TrustList, VerifiedClaim, document_digest, issue_attestation
from signing.jcs import canonicalize
from signing.testpki import TestPki
from signing.trustsign import load_trust_list

from .keyring import Keyring, PkiKeys, SuiteKeys
from .suite import SUITES
from .trust_lists import TrustLists
from .xml_inputs import attacked, signed_document

OTHER_DIGEST = "sha256:" + "0" * 64


@dataclass(frozen=True)
class CaseInputs:
    """What a gateway assesses a recognition case with, as objects."""

    declaration: Declaration
    digest: str  # what the attestations are over
    policy: RecognitionPolicy
    trust_list: TrustList
    attestations: list[dict[str, Any]]
    at: datetime


class Materialiser:
    def __init__(self, suite_root: Path, keys: Keyring | None = None) -> None:
        self.root = suite_root
        self.keys = keys or SuiteKeys(suite_root / "keys")
        self.trust_list = self.keys.trust_list
        self.trust_lists = TrustLists(self.keys)
        self.written: set[str] = set()
        self._documents: dict[str, bytes] = {}

    @classmethod
    def in_process(cls, pki: TestPki, version: str = "v1") -> Materialiser:
        """Inputs of the shipped suite's cases signed with ``pki``'s keys, made in memory."""
        return cls(SUITES / version, PkiKeys(pki))

    def source_bytes(self, ref: str) -> bytes:
        if ref.startswith("examples/"):
            return examples.example(ref.removeprefix("examples/")).read_bytes()
        return (self.root / ref).read_bytes()

    def document(self, spec: dict[str, Any]) -> bytes:
        made = spec["made"]
        data = self.source_bytes(made["from"])
        if "sign_xml" in made:
            existing = (self.root / spec["file"]).read_bytes() if (self.root / spec["file"]).is_file() else None
            return signed_document(data, made["sign_xml"], self.keys, existing)
        if "xml_attack" in made:
            data = attacked(data, made["xml_attack"])
        if "merge_patch" in made or "json_patch" in made:
            value = json.loads(data, parse_float=Decimal)
            if "merge_patch" in made:
                value = merge_patch(value, made["merge_patch"])
            if "json_patch" in made:
                value = json_patch(value, made["json_patch"])
            data = dump_json(value)
        for old, new in made.get("replace", ()):
            if old.encode() not in data:
                raise ValueError(f"{spec['file']}: {old!r} is not in {made['from']}")
            data = data.replace(old.encode(), new.encode(), 1)
        return data

    def entity(self, name: str) -> Any:
        for ent in self.trust_list.entities:
            if name in (ent.id, ent.id.rsplit(":", 1)[-1]) or (ent.role.value == name):
                return ent
        raise KeyError(name)

    def _short(self, ent: Any) -> str:
        return ent.id.rsplit(":", 1)[-1] if ent.role.value in ("platform",) or ent.id.endswith("-test") else ent.role.value

    def claim(self, kind: str, doc: dict[str, Any], content: bytes, ent: Any, overrides: dict[str, Any]) -> Any:
        decl = _declaration(content, doc.get("format_id"))
        fmt = doc.get("format_id") or "canonical-json"
        overrides = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        if kind == "registered":
            base = {"format": fmt, "declaration_id": str(decl.id), "version": decl.version, "region": ent.region,
                    "sector": decl.product.sector}
            return RegisteredClaim(**{**base, **overrides})
        if kind == "verified":
            ver = decl.verification
            base = {"format": fmt, "declaration_id": str(decl.id), "version": decl.version,
                    "sector": decl.product.sector,
                    "accreditation_body": ent.accreditation.body if ent.accreditation else "none",
                    "accreditation_number": ent.accreditation.number if ent.accreditation else "none",
                    "scope": tuple(ent.scopes),
                    "level": ver.level.value if ver and ver.level else "limited",
                    "verified_on": ver.date.isoformat() if ver and ver.date else "2026-01-01"}
            return VerifiedClaim(**{**base, **overrides})
        if kind == "recognised":
            return RecognisedClaim(**{"receiving_region": ent.region, "policy_id": "x", "policy_version": "1",
                                      "decision": "RECOGNISED", **overrides})
        raise ValueError(f"unknown attestation kind {kind}")

    def attestation(self, spec: dict[str, Any], documents: dict[str, Any]) -> bytes:
        made = spec["made"]
        ent = self.entity(made["issuer"])
        subject_name = made.get("subject", "declaration")
        if subject_name == "other":
            subject_doc = documents.get("declaration") or next(iter(documents.values()))
            digest = OTHER_DIGEST
        else:
            subject_doc = documents[subject_name]
        content = self.doc_bytes(subject_doc)
        if subject_name != "other":
            digest = _digest(subject_doc, content)
        key = self.keys.private_key(made.get("key", f"{self._short(ent)}-ed25519"))
        method = made.get("verification_method", f"{ent.id}#ed25519-1")
        if method == "did:key":
            method = key.public_key.did_key
        signed = parse_datetime(made["signed"])
        vc = issue_attestation(
            self.claim(made["kind"], subject_doc, content, ent, made.get("claim", {})), digest,
            key=key, issuer_id=made.get("issuer_id", ent.id), verification_method=method, valid_from=signed,
            created=signed, valid_until=_time(made.get("valid_until")), expires=_time(made.get("expires")),
            challenge=made.get("challenge"), domain=made.get("domain"),
            credential_id=f"urn:uuid:{hashlib.sha256(json.dumps(made, sort_keys=True).encode()).hexdigest()[:32]}")
        if "tamper" in made:
            vc = json_patch(vc, made["tamper"])
        data = canonicalize(vc) if not made.get("pretty") else json.dumps(vc, ensure_ascii=False, indent=2).encode()
        for old, new in made.get("replace", ()):
            if old.encode() not in data:
                raise ValueError(f"{spec.get('file')}: {old!r} is not in the attestation")
            data = data.replace(old.encode(), new.encode(), 1)
        return data

    def doc_bytes(self, doc: dict[str, Any]) -> bytes:
        if "text" in doc:
            return doc["text"].encode("utf-8")
        if "made" in doc:
            return self.made_document(doc)
        return self.source_bytes(doc["file"])

    def made_document(self, spec: dict[str, Any]) -> bytes:
        """The document a ``made`` spec describes, made once per run: a new XML signature is
        randomised, and what is written must be what attestations are over."""
        key = json.dumps([spec.get("file"), spec["made"]], sort_keys=True, default=str)
        if key not in self._documents:
            self._documents[key] = self.document(spec)
        return self._documents[key]

    def write(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        if relative in self.written and path.read_bytes() != data:
            raise ValueError(f"{relative} is made twice with different content")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written.add(relative)

    def policy(self, spec: dict[str, Any]) -> bytes:
        """A policy document: a shipped policy file as it is, or its data patched, as JSON."""
        if "merge_patch" not in spec and "json_patch" not in spec and spec["media_type"] == "application/toml":
            return resources.files("mappings.recognition").joinpath(shipped_policies()[spec["base"]].source).read_bytes()
        data = shipped_policies()[spec["base"]].data
        if "merge_patch" in spec:
            data = merge_patch(data, spec["merge_patch"])
        if "json_patch" in spec:
            data = json_patch(data, spec["json_patch"])
        return dump_json(data)

    def case(self, case: dict[str, Any]) -> None:
        inputs = case.get("input", {})
        documents = inputs.get("documents", {})
        for spec in documents.values():
            if "made" in spec and "file" in spec:
                self.write(spec["file"], self.made_document(spec))
        if isinstance(inputs.get("policy"), dict) and "file" in inputs["policy"]:
            self.write(inputs["policy"]["file"], self.policy(inputs["policy"]))
        if "file" in inputs.get("trust_list", {}):
            self.write(inputs["trust_list"]["file"], self.trust_lists.supplied(inputs["trust_list"]))
        for spec in case.get("input", {}).get("attestations", {}).values():
            if "made" in spec and "file" in spec:
                self.write(spec["file"], self.attestation(spec, documents))

    def declaration(self, doc: dict[str, Any]) -> tuple[Declaration, str]:
        """A document spec's declaration and the digest attestations over it are over."""
        content = self.doc_bytes(doc)
        return _declaration(content, doc.get("format_id")), _digest(doc, content)

    def attestations(self, specs: Iterable[dict[str, Any]], documents: dict[str, Any]) -> list[dict[str, Any]]:
        """The attestations ``specs`` (``{made: …}`` each) describe, over ``documents``."""
        return [json.loads(self.attestation(spec, documents)) for spec in specs]

    def inputs(self, given: dict[str, Any]) -> CaseInputs:
        """A recognition case's ``input`` as objects, as a gateway would receive them."""
        at = parse_datetime(given["at"])
        documents = given["documents"]
        declaration, digest = self.declaration(documents["declaration"])
        trust_list = self.trust_list
        if "trust_list" in given:
            trust_list = load_trust_list(self.trust_lists.supplied(given["trust_list"]), self.keys.root_public, at=at)
        attestations = self.attestations(given.get("attestations", {}).values(), documents)
        spec = given["policy"]
        policy = shipped_policies()[spec] if isinstance(spec, str) else load_policy(self.policy(spec), name=spec["file"])
        return CaseInputs(declaration, digest, policy, trust_list, attestations, at)


def _digest(doc: dict[str, Any], content: bytes) -> str:
    syntax = get_format(doc["format_id"]).syntax if doc.get("format_id") else (
        "xml" if content.lstrip().startswith(b"<") else "json")
    return document_digest(content, syntax)


def _declaration(content: bytes, format_id: str | None) -> Any:
    """The declaration, also when it breaks a semantic rule on purpose (a case may test that)."""
    if format_id == "canonical-json":
        return declaration_from_data(json.loads(content, parse_float=Decimal))
    return read(content, format_id or None).declaration


def _time(text: str | None) -> datetime | None:
    return parse_datetime(text) if text else None
