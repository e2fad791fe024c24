"""The signed result: a ``conformance`` attestation over the JSON report."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from signing import ConformanceClaim, document_digest, issue_attestation, load_private_key
from signing.jcs import canonicalize
from signing.timeutil import utcnow


def sign_report(report_bytes: bytes, report: dict[str, Any], key_file: Path, issuer: str,
                key_id: str | None = None) -> bytes:
    """A VC whose subject is the report's digest and whose claim names suite, level, target, verdict."""
    digest = document_digest(report_bytes, "json")
    claim = ConformanceClaim(suite_version=f"{report['suite']['version']} {report['suite']['digest']}",
                             level=report["level"], target=report.get("implementation") or report["target"],
                             passed=report["passed"], report_digest=digest,
                             implementation=report.get("implementation"), run_at=report.get("run_at"))
    key = load_private_key(key_file.read_bytes())
    method = key_id or f"{issuer}#{'ed25519' if key.algorithm.value == 'EdDSA' else 'p256'}-1"
    vc = issue_attestation(claim, digest, key=key, issuer_id=issuer, verification_method=method,
                           valid_from=utcnow() - timedelta(seconds=5))
    return canonicalize(vc)
