"""``registration``: a valid ``registered`` attestation by the originating region's platform."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.core.model import codelists
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, PASS, ev, ev_text
from gateway.recognition.outcome import Finding
from signing import Role


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    decl = ctx.declaration
    region = decl.region if params["issuer_region"] == "origin" else params["issuer_region"]
    evidence = [ev_text("region", decl.region)]
    if region is None:
        return FAIL, "声明未注明登记地区。", "The declaration names no region of registration.", tuple(evidence), None
    reasons = []
    for a in ctx.attestations:
        if a.kind != "registered":
            continue
        if a.verified is None:
            reasons.append(f"{a.index}: {a.error}")
            continue
        claim, issuer = a.verified.claim, a.verified.issuer
        if issuer.role is not Role.PLATFORM or issuer.region != region:
            reasons.append(f"{a.index}: issued by {issuer.id} (region {issuer.region}), not the {region} platform")
        elif claim.declaration_id != str(decl.id) or claim.version != decl.version:
            reasons.append(f"{a.index}: registers {claim.declaration_id} v{claim.version}, not {decl.id} v{decl.version}")
        else:
            evidence.append(ev(f"attestations/{a.index}", a.credential_id))
            signed = a.verified.signed_at
            day = f"{signed.year}-{signed.month:02d}-{signed.day:02d}"  # strftime's %Y-%m-%d, without strftime's 2 µs
            return PASS, f"已由 {issuer.name_zh}登记（{day}）。", f"Registered by the {issuer.name_en} ({day}).", tuple(evidence), None
    evidence.append(ev("attestations", reasons))
    detail = "; ".join(reasons) if reasons else "none given"
    named = codelists.regions().get(region)
    zh_name, en_name = (named.zh, named.en) if named else (region, region)
    return (FAIL, f"缺少{zh_name}（{region}）平台对本声明的有效登记证明（{detail}）。",
            f"No valid registration attestation by the {en_name} ({region}) platform for this declaration ({detail}).", tuple(evidence), None)
