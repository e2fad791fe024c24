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
from signing.testpki import make_test_pki  # noqa: E402
from tests.recognition._suite import build_attestations  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    pki = make_test_pki()
    cases = []
    for path in examples.declarations(".json"):
        raw = path.read_bytes()
        decl = read(raw).declaration
        digest = document_digest(raw, "json")
        specs = [{"kind": "registered", "issuer": PLATFORMS[decl.region], "signed": "2025-08-01T00:00:00Z"}]
        if decl.verification and decl.product.sector in pki.trust_list.entity("urn:jjj:verifier:jjj-cert").scopes:
            specs.append({"kind": "verified", "issuer": "urn:jjj:verifier:jjj-cert", "signed": "2025-08-01T00:00:00Z"})
        cases.append((raw, decl, digest, build_attestations(pki, decl, digest, specs)))
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
    base = rate(digest_only, n, args.seconds)
    print(f"{len(cases)} declarations x {len(shipped_policies())} policies, {sum(len(c[3]) for c in cases)} attestations verified per pass")
    print(f"baseline  declaration digest (JCS + SHA-256)        {base:10.0f} /s   1.00x")
    for label, fn in (("assess, no attestations given", no_attestations), ("assess (unsigned)", unsigned), ("assess + sign (Ed25519)", signed)):
        r = rate(fn, n, args.seconds)
        print(f"{label:<50}{r:10.0f} /s   {base / r:5.1f}x slower than baseline")


if __name__ == "__main__":
    main()
