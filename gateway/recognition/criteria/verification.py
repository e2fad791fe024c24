"""``verification``: a third-party verifier the trust list names, accredited for the sector at the verification date.

The verifier is found on the trust list by, in order: the issuer of a valid ``verified``
attestation over this declaration (cryptographic proof), ``verification/verifier_id`` as an
entity id, or ``verification/accreditation/number`` as a verifier's accreditation number. A
declared id naming another listed entity than the attesting one is a contradiction and fails.
At the verification date (00:00 UTC) the trust list
must name it as a verifier whose scopes cover the sector, whose accreditation had not
expired and which held at least one active key (a verifier revoked or suspended by then
fails; one revoked later does not undo an earlier verification, and the evidence says so).
The assurance level must reach the policy's minimum (per sector). With ``attestation =
"required"`` a valid ``verified`` attestation by that verifier over this declaration is
also needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timezone
from typing import Any

from gateway.core.errors import UntrustedSigner
from gateway.core.model.serde import format_datetime
from gateway.recognition.context import Context
from gateway.recognition.criteria._common import FAIL, PASS, ev, ev_text, sentence
from gateway.recognition.outcome import Finding
from signing import KeyStatus, Role

_LEVELS = {"limited": 1, "reasonable": 2}
_LEVEL_ZH = {"limited": "有限保证", "reasonable": "合理保证"}
_MIDNIGHT = time(0)


def evaluate(params: Mapping[str, Any], ctx: Context) -> Finding:
    ver = ctx.declaration.verification
    attested = [a for a in ctx.attestations if a.kind == "verified" and a.verified is not None]
    if ver is None:
        return FAIL, "声明没有第三方核查信息。", "The declaration carries no third-party verification.", (ev_text("verification", None),), None
    level = ver.level.value if ver.level else None
    evidence = [ev_text("verification/verifier", ver.verifier), ev_text("verification/verifier_id", ver.verifier_id),
                ev_text("verification/level", level), ev_text("verification/date", ver.date and ver.date.isoformat())]
    zh: list[str] = []
    en: list[str] = []
    entity_id = _identify(ver, attested, ctx, zh, en)
    if entity_id is None:
        zh.append(f"核查机构 {ver.verifier_id or ver.verifier} 不在信任列表 #{ctx.trust_list.sequence} 中（标识、认可证书号或核查证明均未对应）")
        en.append(f"verifier {ver.verifier_id or ver.verifier} is not on trust list #{ctx.trust_list.sequence} (by attestation, id or accreditation number)")
    else:
        evidence.append(ev_text("trust_list/verifier", entity_id))
        _check_entity(entity_id, ver.date, ctx, evidence, zh, en)
    minimum = params["min_level"]
    if level is None:
        zh.append("未注明保证等级")
        en.append("no assurance level is stated")
    elif _LEVELS[level] < _LEVELS[minimum]:
        zh.append(f"保证等级为{_LEVEL_ZH[level]}，本政策要求{_LEVEL_ZH[minimum]}")
        en.append(f"assurance is {level}; this policy requires {minimum}")
    mine = [a for a in attested if a.verified.issuer.id == entity_id]
    for a in mine:
        evidence.append(ev(f"attestations/{a.index}", a.credential_id))
    if params.get("attestation", "optional") == "required" and not mine:
        refused = [f"{a.index}: {a.error}" for a in ctx.invalid("verified")]
        zh.append("缺少该核查机构对本声明的有效核查证明" + (f"（无效：{'；'.join(refused)}）" if refused else ""))
        en.append("no valid verification attestation by that verifier over this declaration" + (f" (refused: {'; '.join(refused)})" if refused else ""))
    if zh:
        return FAIL, sentence(zh, zh=True), sentence(en, zh=False), tuple(evidence), None
    return (PASS, f"由信任列表所列、具备该行业资质的核查机构进行{_LEVEL_ZH[level]}核查。",
            f"Verified with {level} assurance by a trust-listed verifier accredited for the sector.", tuple(evidence), None)


def _identify(ver, attested, ctx: Context, zh: list[str], en: list[str]) -> str | None:
    declared = ver.verifier_id if ctx.trust_list.lists(ver.verifier_id) else None
    if declared is None and ver.accreditation is not None:
        accredited = ctx.trust_list.verifier_accredited_as(ver.accreditation.number)
        declared = accredited.id if accredited is not None else None
    if attested:
        issuer = attested[0].verified.issuer.id
        if declared is not None and declared != issuer:
            zh.append(f"声明的核查机构 {declared} 与出具核查证明的 {issuer} 不一致")
            en.append(f"the declared verifier {declared} is not {issuer}, which signed the verification attestation")
        return issuer
    return declared


def _check_entity(entity_id: str, on, ctx: Context, evidence: list, zh: list[str], en: list[str]) -> None:
    try:
        entity = ctx.trust_list.entity(entity_id)
    except UntrustedSigner:
        zh.append(f"核查机构 {entity_id} 不在信任列表 #{ctx.trust_list.sequence} 中")
        en.append(f"verifier {entity_id} is not on trust list #{ctx.trust_list.sequence}")
        return
    evidence.append(ev(f"trust_list/entities/{entity_id}/scopes", list(entity.scopes)))
    if entity.role is not Role.VERIFIER:
        zh.append(f"{entity_id} 在信任列表中不是核查机构")
        en.append(f"{entity_id} is not a verifier on the trust list (role {entity.role.value})")
    if ctx.sector is None:
        zh.append("声明未注明行业，无法核对核查机构的资质范围")
        en.append("the declaration names no sector to check the verifier's accreditation scope against")
    elif ctx.sector not in entity.scopes:
        zh.append(f"核查机构的资质范围不含行业 {ctx.sector}")
        en.append(f"the verifier's accreditation scope does not cover sector {ctx.sector}")
    if on is None:
        zh.append("未注明核查日期")
        en.append("no verification date is stated")
        return
    moment = datetime.combine(on, _MIDNIGHT, tzinfo=timezone.utc)
    if moment > ctx.at:
        zh.append("核查日期晚于评估时间")
        en.append("the verification date is after the assessment time")
    acc = entity.accreditation
    if acc is not None and acc.valid_until is not None:
        evidence.append(ev_text(f"trust_list/entities/{entity_id}/accreditation/validUntil", format_datetime(acc.valid_until)))
        if acc.valid_until <= moment:
            zh.append(f"核查机构资质已于 {format_datetime(acc.valid_until)} 到期")
            en.append(f"the verifier's accreditation expired at {format_datetime(acc.valid_until)}")
    statuses = []
    for key in entity.keys:
        in_window = key.valid_from <= moment and (key.valid_until is None or moment < key.valid_until)
        change = key.status_at(moment) if in_window else None
        statuses.append(change)
        for later in key.later_changes(moment):
            evidence.append(ev_text(f"trust_list/keys/{key.id}/later", f"{later.status.value} {format_datetime(later.since)}"))
    active = [c for c in statuses if c is not None and c.status is KeyStatus.ACTIVE]
    if not active:
        worst = next((c for c in statuses if c is not None), None)
        state = f"{worst.status.value} since {format_datetime(worst.since)} ({worst.reason or 'no reason given'})" if worst else "without a valid key"
        evidence.append(ev_text(f"trust_list/entities/{entity_id}/status", state))
        zh.append(f"核查日期时核查机构已被撤销或暂停（{state}）")
        en.append(f"at the verification date the verifier was {state}")
