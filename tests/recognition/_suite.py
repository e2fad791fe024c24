"""Adapter from the language-neutral recognition cases (conformance_tests/suite/v1/recognition/)
to in-process inputs: frozen Case objects, declarations with their patches applied, trust
lists edited and re-signed with the test PKI, attestations issued from the ``made`` specs
the suite's generator signed its static attestation files from. The case format is
conformance_tests/suite/v1/case-schema.json (see the suite's README.md); over gRPC the
conformance runner sends the static files instead.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from gateway import examples
from gateway.core.jsonpatch import json_patch, merge_patch
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.model.serde import parse_datetime
from gateway.recognition.policy import RecognitionPolicy, build_policy, shipped_policies
from gateway.translate import read
from signing import KeyStatus, RecognisedClaim, RegisteredClaim, TrustList, VerifiedClaim, canonicalize, document_digest, set_key_status
from signing.testpki import TestPki

ROOT = Path(__file__).resolve().parents[2]
VERSION_ROOT = ROOT / "conformance_tests" / "suite" / "v1"
SUITE = VERSION_ROOT / "recognition"
DECLARATIONS = VERSION_ROOT / "documents" / "recognition"
OTHER_DIGEST = "sha256:" + "0" * 64


@dataclass(frozen=True)
class Case:
    file: str
    id: str
    description: str
    input: dict[str, Any]
    expected: dict[str, Any]


def _declaration_spec(spec: dict[str, Any]) -> dict[str, Any]:
    made = spec.get("made")
    if made is None:
        return {"file": spec["file"]}
    return {"file": made["from"], **{k: made[k] for k in ("merge_patch", "json_patch") if k in made}}


def _old_style(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(input, expected) in the terms of the in-process harness."""
    given = raw["input"]
    inp: dict[str, Any] = {"declaration": _declaration_spec(given["documents"]["declaration"]),
                           "attestations": [a["made"] for a in given.get("attestations", {}).values()],
                           "policy": given["policy"], "at": given["at"]}
    if "trust_list" in given:
        inp["trust_list"] = given["trust_list"]
    expected = raw["tests"][0]["expected"]
    return inp, expected["result"] if "result" in expected else expected


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(SUITE.glob("*.json")):
        for c in json.loads(path.read_text("utf-8")):
            inp, expected = _old_style(c)
            cases.append(Case(path.name, c["id"], c["description"], inp, expected))
    return cases


def _declaration_path(name: str) -> Path:
    if name.startswith("examples/"):
        return examples.example(name.removeprefix("examples/"))
    if name.startswith("documents/"):
        return VERSION_ROOT / name
    return DECLARATIONS / name.removeprefix("declarations/")


def _patched(data: Any, spec: dict[str, Any]) -> Any:
    if "merge_patch" in spec:
        data = merge_patch(data, spec["merge_patch"])
    if "json_patch" in spec:
        data = json_patch(data, spec["json_patch"])
    return data


def build_declaration(spec: dict[str, Any]) -> tuple[Declaration, str]:
    """The declaration and the digest attestations are over (of the file bytes when unpatched)."""
    if "data" in spec:
        data = spec["data"]
        raw = None
    else:
        raw = _declaration_path(spec["file"]).read_bytes()
        data = declaration_to_data(read(raw).declaration)
    patched = "merge_patch" in spec or "json_patch" in spec
    data = _patched(data, spec)
    decl = declaration_from_data(data)
    if raw is not None and not patched:
        return decl, document_digest(raw, "xml" if raw.lstrip().startswith(b"<") else "json")
    return decl, document_digest(canonicalize(data), "json")


def build_policy_from(spec: str | dict[str, Any]) -> RecognitionPolicy:
    if isinstance(spec, str):
        return shipped_policies()[spec]
    data = spec["data"] if "data" in spec else shipped_policies()[spec["base"]].data
    return build_policy(_patched(data, spec), spec.get("base", "<inline policy>"))


def build_trust_list(pki: TestPki, spec: dict[str, Any] | None) -> TrustList:
    if not spec:
        return pki.trust_list
    draft = copy.deepcopy(pki.draft)
    for change in spec.get("status", ()):
        ent = next(e for e in draft["entities"] if e["id"] == change["entity"])
        for key in ent["keys"]:
            draft = set_key_status(draft, key["id"], KeyStatus(change["status"]), since=parse_datetime(change["since"]), reason=change.get("reason"))
    for ent in draft["entities"]:
        if ent["id"] in spec.get("accreditation_until", {}):
            ent["accreditation"]["validUntil"] = spec["accreditation_until"][ent["id"]]
        if ent["id"] in spec.get("scopes", {}):
            ent["scopes"] = spec["scopes"][ent["id"]]
    draft["entities"] = [e for e in draft["entities"] if e["id"] not in spec.get("remove", ())]
    return pki.resign(draft, sequence=pki.trust_list.sequence + 1, issued=pki.trust_list.issued)[1]


def _claim(kind: str, decl: Declaration, issuer: Any, pki: TestPki, overrides: dict[str, Any]) -> Any:
    ent = pki.trust_list.entity(issuer.id)
    if kind == "registered":
        base = {"format": "canonical-json", "declaration_id": str(decl.id), "version": decl.version, "region": ent.region,
                "sector": decl.product.sector}
        return RegisteredClaim(**{**base, **overrides})
    if kind == "verified":
        ver = decl.verification
        base = {"format": "canonical-json", "declaration_id": str(decl.id), "version": decl.version, "sector": decl.product.sector,
                "accreditation_body": ent.accreditation.body if ent.accreditation else "none",
                "accreditation_number": ent.accreditation.number if ent.accreditation else "none", "scope": tuple(ent.scopes),
                "level": ver.level.value if ver and ver.level else "limited", "verified_on": ver.date.isoformat() if ver and ver.date else "2026-01-01"}
        overrides = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        return VerifiedClaim(**{**base, **overrides})
    if kind == "recognised":
        return RecognisedClaim(**{"receiving_region": ent.region, "policy_id": "x", "policy_version": "1", "decision": "RECOGNISED", **overrides})
    raise ValueError(f"unknown attestation kind {kind}")


def build_attestations(pki: TestPki, decl: Declaration, digest: str, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for spec in specs:
        issuer = pki[spec["issuer"]]
        signed = parse_datetime(spec["signed"])
        valid_until = parse_datetime(spec["valid_until"]) if "valid_until" in spec else None
        subject = digest if spec.get("subject", "declaration") == "declaration" else OTHER_DIGEST
        claim = _claim(spec["kind"], decl, issuer, pki, spec.get("claim", {}))
        out.append(issuer.attest(claim, subject, valid_from=signed, created=signed, valid_until=valid_until))
    return out


def at_of(case_input: dict[str, Any]) -> datetime:
    return parse_datetime(case_input["at"])
