"""Recognition throughput: assessments per second, unsigned and signed.

Assesses the example declarations (each with a registration attestation by its platform and,
where the test verifier's scope covers the sector, a verification attestation) under every
shipped policy, in process. The baseline, measured in the same run, is the bare declaration
digest (RFC 8785 canonicalisation + SHA-256 of the same documents) — the least any assessment
must do. Usage:

    python benchmarks/bench_recognition.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway import examples  # noqa: E402
from gateway.recognition import assess, shipped_policies, sign_decision  # noqa: E402
from gateway.translate import read  # noqa: E402
from signing import document_digest  # noqa: E402
from conformance_tests.materialise import Materialiser  # noqa: E402
from gateway.core.model.serde import parse_datetime  # noqa: E402
from signing.testpki import TestPki, make_test_pki  # noqa: E402

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
PLATFORMS = {"110000": "urn:jjj:platform:beijing", "120000": "urn:jjj:platform:tianjin", "130000": "urn:jjj:platform:hebei"}


def rate(fn: Callable[[int], None], items: int, seconds: float) -> float:
    """Items per second of ``fn(i)`` run repeatedly for about ``seconds``."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for i in range(items):
            fn(i)
        done += items
    return done / (time.perf_counter() - start)


def attestations(pki: TestPki, made: Materialiser, raw: bytes, digest: str, specs: list[dict[str, str]]) -> list[dict]:
    """The attestations ``specs`` name (kind, issuer, signing time), made as the conformance suite makes them."""
    out = []
    for spec in specs:
        signed = parse_datetime(spec["signed"])
        claim = made.claim(spec["kind"], {"format_id": "cn-jjj-json"}, raw, made.entity(spec["issuer"]), {})
        out.append(pki[spec["issuer"]].attest(claim, digest, valid_from=signed, created=signed))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    pki = make_test_pki()
    made = Materialiser.in_process(pki)
    cases = []
    for path in examples.declarations(".json"):
        raw = path.read_bytes()
        decl = read(raw).declaration
        digest = document_digest(raw, "json")
        specs = [{"kind": "registered", "issuer": PLATFORMS[decl.region], "signed": "2025-08-01T00:00:00Z"}]
        if decl.verification and decl.product.sector in pki.trust_list.entity("urn:jjj:verifier:jjj-cert").scopes:
            specs.append({"kind": "verified", "issuer": "urn:jjj:verifier:jjj-cert", "signed": "2025-08-01T00:00:00Z"})
        cases.append((raw, decl, digest, attestations(pki, made, raw, digest, specs)))
    pairs = [(c, p) for c in cases for p in shipped_policies().values()]
    signer = pki["tianjin"]

    def digest_only(i: int) -> None:
        document_digest(pairs[i][0][0], "json")

    def unsigned(i: int) -> object:
        (_, decl, digest, atts), policy = pairs[i]
        return assess(decl, policy, attestations=atts, trust_list=pki.trust_list, at=AT, declaration_digest=digest)

    def no_attestations(i: int) -> None:
        (_, decl, digest, _), policy = pairs[i]
        assess(decl, policy, trust_list=pki.trust_list, at=AT, declaration_digest=digest)

    def signed(i: int) -> None:
        sign_decision(unsigned(i), key=signer.ed25519, issuer_id=signer.id, verification_method=signer.ed25519_key_id,
                      receiving_region="120000", signed_at=AT)

    n = len(pairs)
    rows = (("assess, no attestations given", no_attestations), ("assess (unsigned)", unsigned), ("assess + sign (Ed25519)", signed))
    # Three rounds, each timing the baseline and then every row, so a row is compared with the
    # baseline of its own round (the load of a shared machine changes between rounds).
    rounds = []
    for _ in range(3):
        base = rate(digest_only, n, args.seconds)
        rounds.append((base, [base / rate(fn, n, args.seconds) for _, fn in rows]))
    base = statistics.median(r[0] for r in rounds)
    print(f"{len(cases)} declarations x {len(shipped_policies())} policies, {sum(len(c[3]) for c in cases)} attestations verified per pass; "
          f"median of 3 rounds, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"baseline  declaration digest (JCS + SHA-256)        {base:10.0f} /s   1.00x")
    for i, (label, _) in enumerate(rows):
        slower = statistics.median(r[1][i] for r in rounds)
        print(f"{label:<50}{base / slower:10.0f} /s   {slower:5.1f}x the baseline's cost")
    unsigned_cost = statistics.median(r[1][1] for r in rounds)
    print(f"target: an unsigned assessment within 2x a declaration digest: {unsigned_cost:.1f}x "
          f"({'met' if unsigned_cost <= 2 else 'NOT met'})")

if __name__ == "__main__":
    main()
