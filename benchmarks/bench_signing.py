"""Sign/verify throughput for a 3 KB declaration (JCS + Ed25519) next to raw Ed25519.

Run: python benchmarks/bench_signing.py [--seconds 2]

All rates are measured in the same run on the same machine, so the ratios are what to read:
how much of an attestation's cost is canonicalisation, hashing and the trust-list checks on
top of the Ed25519 operation itself, and how the JCS fast path compares with the
reference path and the pure-Python ``rfc8785`` package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable

import rfc8785

from signing import RegisteredClaim, document_digest, jcs, verify_attestation
from signing.dataintegrity import add_proof, verify_proof
from signing.testpki import make_test_pki
from signing.timeutil import utcnow

DATA = Path(__file__).with_name("data") / "declaration-3k.json"


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Operations per second over about ``seconds`` of wall time (after a short warm-up)."""
    for _ in range(50):
        fn()
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(100):
            fn()
        n += 100
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()

    raw = DATA.read_bytes()
    value = jcs.loads(raw)
    pki = make_test_pki()
    hebei = pki["hebei"]
    key, public = hebei.ed25519, hebei.ed25519.public_key
    digest = document_digest(raw, "json")
    claim = RegisteredClaim("cn-jjj-json", "6f1c2b0e-3a55-4c1e-9a53-0b5c7d1e2f40", 2, "130000", "steel")
    now = utcnow()
    options = {"created": "2026-06-01T12:00:00Z", "verificationMethod": hebei.ed25519_key_id, "proofPurpose": "assertionMethod"}
    secured = add_proof(value, key, options)
    # The sample holds one integral float (2.0), which sends it through the rewriting walk;
    # this variant shows the cost when orjson's output can be returned unchanged.
    no_integral = jcs.loads(raw.replace(b'"completeness": 2.0', b'"completeness": 2.1'))
    assert no_integral != value
    secured_raw = json.dumps(secured, ensure_ascii=False).encode("utf-8")
    vc = hebei.attest(claim, digest, embed=raw, valid_from=now - timedelta(days=1), created=now - timedelta(minutes=1))
    vc_ref = hebei.attest(claim, digest, valid_from=now - timedelta(days=1), created=now - timedelta(minutes=1))
    message = hashlib.sha256(jcs.canonicalize(value)).digest() * 2
    raw_sig = key.sign(message)

    # (name, what it is compared with: "sign", "verify" or None, operation)
    rows = [
        ("raw Ed25519 sign (64-byte message)", "sign", lambda: key.sign(message)),
        ("raw Ed25519 verify", "verify", lambda: public.verify(raw_sig, message)),
        ("JCS + Ed25519 sign: Data Integrity proof over the 3 KB declaration", "sign", lambda: add_proof(value, key, options)),
        ("JCS + Ed25519 verify: Data Integrity proof", "verify", lambda: verify_proof(secured, public)),
        ("parse + JCS + Ed25519 sign from bytes", "sign", lambda: add_proof(jcs.loads(raw), key, options)),
        ("parse + JCS + Ed25519 verify from bytes", "verify", lambda: verify_proof(jcs.loads(secured_raw), public)),
        ("attestation verify, by digest (trust list, validity, claim)", "verify", lambda: verify_attestation(vc_ref, pki.trust_list)),
        ("attestation verify, 3 KB document embedded", "verify", lambda: verify_attestation(vc, pki.trust_list)),
        ("JCS fast path (3 KB)", None, lambda: jcs.canonicalize(value)),
        ("JCS, same document without integral floats: orjson output as is", None, lambda: jcs.canonicalize(no_integral)),
        ("JCS reference path (3 KB)", None, lambda: jcs.canonicalize_reference(value)),
        ("rfc8785 package (3 KB)", None, lambda: rfc8785.dumps(value)),
        ("strict parse signing.jcs.loads (3 KB)", None, lambda: jcs.loads(raw)),
    ]
    print(f"document: {DATA.name}, {len(raw)} bytes; canonical form {len(jcs.canonicalize(value))} bytes")
    results = {name: rate(fn, args.seconds) for name, _, fn in rows}
    base = {"sign": results[rows[0][0]], "verify": results[rows[1][0]]}
    for name, versus, _ in rows:
        ops = results[name]
        ratio = f"{ops / base[versus]:5.2f}× raw {versus}" if versus else ""
        print(f"{name:66} {ops:10,.0f} ops/s  {1e6 / ops:8.1f} µs  {ratio}")
    fast, ref, pkg = (results[f"{n} (3 KB)"] for n in ("JCS fast path", "JCS reference path", "rfc8785 package"))
    print(f"JCS fast path is {fast / pkg:.1f}× the rfc8785 package and {fast / ref:.1f}× our reference path")


if __name__ == "__main__":
    main()
