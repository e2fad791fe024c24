"""TEST-ONLY: make the keys, certificates and signed trust list the suite's cases use.

Run once (``python -m conformance_tests.make_keys``); the output under
``suite/v1/keys/`` is committed so that every case is static data. Running it again makes
new keys, so every attestation must then be re-made (``python -m conformance_tests.generate``).

Besides the entities of :mod:`signing.testpki` the list names two verifiers whose keys
changed status on 2025-06-01 (one revoked, one suspended), so that cases can show a key
refused after its revocation and accepted for what it signed before. Its sequence number is
``SUITE_SEQUENCE`` (2), so that a client can supply an older list (rollback). The list is valid
from 2024-01-01 to 2045-01-01 so the cases stay valid for years; nothing here may ever
protect anything real.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from signing import KeyStatus, generate_key, load_trust_list, set_key_status, sign_trust_list
from signing.keys import Algorithm
from signing.testpki import KEYS_VALID_FROM, make_test_pki
from signing.trustsign import add_entity, add_key

from .trust_lists import SUITE_SEQUENCE

KEYS = Path(__file__).resolve().parent / "suite" / "v1" / "keys"
PREFIX = "TEST-ONLY-"
ISSUED = datetime(2024, 1, 1, tzinfo=timezone.utc)
NEXT_UPDATE = datetime(2045, 1, 1, tzinfo=timezone.utc)
STATUS_CHANGE = datetime(2025, 6, 1, tzinfo=timezone.utc)
UNLISTED = "urn:example:exporter:unlisted"
EXTRA = (
    ("urn:jjj:verifier:revoked-test", KeyStatus.REVOKED, "Revoked test verifier", "CNAS V9001"),
    ("urn:jjj:verifier:suspended-test", KeyStatus.SUSPENDED, "Suspended test verifier", "CNAS V9002"),
)


def make_keys(folder: Path = KEYS) -> dict[str, str]:
    """Write every key file to ``folder``; return {role: file name}."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pki = make_test_pki(tmp)
        draft = pki.draft
        written: dict[str, bytes] = {}
        for name, path in pki.files.items():
            if name not in ("trust_list", "trust_draft"):
                written[path.name] = path.read_bytes()
    for entity_id, status, label, number in EXTRA:
        key = generate_key(Algorithm.ED25519)
        short = entity_id.rsplit(":", 1)[-1]
        draft = add_entity(draft, {
            "id": entity_id, "name": {"zh": "测试核查机构（仅供测试）", "en": label}, "region": "120000",
            "role": "verifier", "scopes": ["steel", "batteries", "building-materials"],
            "accreditation": {"body": "urn:jjj:accreditation-body:cnas", "number": number}, "keys": [],
        })
        draft = add_key(draft, entity_id, f"{entity_id}#ed25519-1", key.public_key, valid_from=KEYS_VALID_FROM)
        draft = set_key_status(draft, f"{entity_id}#ed25519-1", status, since=STATUS_CHANGE, reason="test-only status")
        written[f"{short}-ed25519.pem"] = key.to_pem()
    written["unlisted-ed25519.pem"] = generate_key(Algorithm.ED25519).to_pem()
    # A client certificate from the test CA for an entity the trust list does not name.
    unlisted = pki.ca.issue("Unlisted exporter", uris=(UNLISTED,))
    written["unlisted.pem"], written["unlisted-p256.pem"] = unlisted.cert_pem, unlisted.key_pem
    document = sign_trust_list(draft, pki.root_key, sequence=SUITE_SEQUENCE, issued=ISSUED, next_update=NEXT_UPDATE)
    load_trust_list(document, pki.root_key.public_key, at=ISSUED)
    written["trust-list.json"] = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    for old in folder.glob(f"{PREFIX}*"):
        old.unlink()
    for name, data in sorted(written.items()):
        (folder / f"{PREFIX}{name}").write_bytes(data)
    return {name: f"{PREFIX}{name}" for name in written}


if __name__ == "__main__":
    for name in sorted(make_keys()):
        print(f"{PREFIX}{name}")
