"""Footprints received over PACT (an answer to our request, a published notice, a pull)
into the store, through the same rule as a gRPC Submit."""

from __future__ import annotations

from typing import Any

from ...core.errors import GatewayError
from ...core.parsing import dump_json
from ...server.submission import Submission, VerifySubmission
from ...store import Store
from ...translate import read

FORMATS = {"2": "pact-v2", "3": "pact-v3"}


def store_footprint(store: Store, verify_submission: VerifySubmission, pf: dict[str, Any], spec: str,
                    source: str) -> dict[str, Any]:
    """Store one footprint from ``source``; the outcome as a small record (never raises for
    a refused footprint: the refusal is the outcome)."""
    content = dump_json(pf)
    target = FORMATS[spec]
    try:
        decl = read(content, target).declaration
        new = verify_submission(Submission(
            declaration_id=str(decl.id), version=max(decl.version, 1), region=decl.region or "",
            sector=decl.product.sector or "", product_id=decl.product.ids[0].value if decl.product.ids else "",
            format_id=target, media_type="application/json", content=content, attestations=(), submitter=None,
            source_peer=source))
        result = store.put_declaration(new, actor=f"pact:{source}")
    except GatewayError as exc:
        return {"id": pf.get("id"), "stored": False, "reason": exc.reason, "message": str(exc)}
    return {"id": pf.get("id"), "stored": True, "digest": result.receipt.digest, "duplicate": result.duplicate}
