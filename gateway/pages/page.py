"""The verification page as HTML, drawn from its JSON form (:mod:`gateway.pages.view`).

Only what the view holds is drawn, so a withheld field is absent from both forms. A
superseded or withdrawn declaration, and every attestation that fails now, is said in red.
"""

from __future__ import annotations

from typing import Any

from gateway.reports import esc, page

STANDING = {
    "active": ("有效", "Active"),
    "superseded": ("已被新版本取代", "Superseded by a newer version"),
    "withdrawn": ("已撤回", "Withdrawn"),
}


def _bi(value: dict[str, Any] | None) -> str:
    if not value:
        return "—"
    zh, en = value.get("zh"), value.get("en")
    return esc(zh) if zh == en or not en else f"{esc(zh)} <span class='muted'>{esc(en)}</span>"


def _row(label: str, value: str) -> str:
    return f"<tr><th>{label}</th><td>{value}</td></tr>"


def _signer(s: dict[str, Any] | None) -> str:
    if not s:
        return "—"
    if not s.get("onTrustList"):
        return f'<span class="bad">{esc(s["id"])} (不在信任列表 not on the trust list)</span>'
    return f"{_bi(s.get('name'))} <code>{esc(s['id'])}</code> · {esc(s.get('role'))}"


def _result(item: dict[str, Any]) -> str:
    if item.get("result") == "valid":
        return '<span class="ok" data-result="valid">✓ 验证通过 valid now</span>'
    if item.get("result") == "unsigned":
        return '<span class="muted" data-result="unsigned">未签名 unsigned: cannot be verified</span>'
    return (f'<span class="bad" data-result="invalid">✗ 验证失败 invalid: {esc(item.get("reason"))}</span>'
            f' <span class="muted">{esc(item.get("message"))}</span>')


def _standing(view: dict[str, Any]) -> str:
    standing = view.get("standing", {"state": "active"})
    zh, en = STANDING[standing["state"]]
    if standing["state"] == "active":
        return f'<section id="standing"><p class="ok" data-state="active">● {zh} {en}</p></section>'
    extra = f" (v{esc(standing['byVersion'])})" if standing.get("byVersion") else ""
    comment = f" — {esc(standing['comment'])}" if standing.get("comment") else ""
    return (f'<section id="standing"><p class="alert" data-state="{standing["state"]}" style="color:#fff">'
            f"{zh} {en}{extra}{comment}</p></section>")


def _declaration(d: dict[str, Any] | None) -> str:
    if not d:
        return ""
    rows = [_row("产品 Product", _bi(d.get("product")))]
    org = d.get("organisation")
    if isinstance(org, dict):
        rows.append(_row("企业 Organisation", _bi(org.get("name"))))
        for key, label in (("address", "地址 Address"), ("contact", "联系 Contact")):
            if key in org and org[key]:
                rows.append(_row(label, esc(org[key])))
    fp, du = d.get("footprint"), d.get("declaredUnit")
    if fp:
        per = f" / {esc(du['amount'])} {esc(du['zh'])} ({esc(du['en'])})" if du else ""
        rows.append(_row("碳足迹 Carbon footprint", f'<strong id="footprint">{esc(fp["value"])}</strong> {esc(fp["unit"])}{per}'))
    if d.get("boundary"):
        rows.append(_row("系统边界 Boundary", _bi(d["boundary"])))
    if "standards" in d:
        rows.append(_row("核算方法 Methodology", esc(" · ".join(d["standards"] + d.get("productRules", [])))))
    if d.get("region"):
        rows.append(_row("登记地区 Region", _bi(d["region"])))
    if d.get("validity"):
        rows.append(_row("有效期 Validity", f"{esc(d['validity'].get('from'))} – {esc(d['validity'].get('until') or '—')}"))
    rows.append(_row("声明 Declaration", f"<code>{esc(d.get('id'))}</code> v{esc(d.get('version'))} · {esc(d.get('format'))}"))
    if d.get("receivedAt"):
        rows.append(_row("收到 Received", esc(d["receivedAt"])))
    if d.get("sourcePeer"):
        rows.append(_row("来自 From peer", esc(d["sourcePeer"])))
    return f'<section id="declaration"><h2>声明摘要 Declaration</h2><table>{"".join(rows)}</table></section>'


def _attestations(items: list[dict[str, Any]] | None) -> str:
    if items is None:
        return ""
    rows = "".join(
        f'<tr data-kind="{esc(a.get("kind", ""))}"><td>{esc(a.get("kind", "?"))}</td><td>{_signer(a.get("signer"))}</td>'
        f"<td>{esc(a.get('signedAt', ''))}</td><td>{_result(a)}"
        + "".join(f"<br><span class='muted'>{esc(n)}</span>" for n in a.get("notes", [])) + "</td></tr>"
        for a in items
    ) or '<tr><td colspan="4">无 none held</td></tr>'
    return ('<section id="attestations"><h2>签名证明 Attestations</h2><table><tr><th>声明类型 Claim</th>'
            f"<th>签署方 Signer</th><th>签署时间 Signed</th><th>现在验证 Verified now</th></tr>{rows}</table></section>")


def _translations(chains: list[dict[str, Any]] | None) -> str:
    if chains is None:
        return ""
    if not chains:
        body = "<p class='muted'>本平台未发布此声明的翻译 No translation of this declaration is published here;" \
               " this is the registered original.</p>"
    else:
        body = ""
        for chain in chains:
            links = " ← ".join(f"{esc(li['to'])} <code>{esc(li['outputDigest'][7:19])}…</code>" for li in chain["links"])
            mark = "ok" if chain["reachesOriginal"] else "bad"
            body += f"<p class='{mark}'>{links} ← 登记原件 registered original</p>"
            for li in chain["links"]:
                losses = "无损 lossless" if li["lossless"] else f"{len(li['losses'])} 处损失 losses"
                body += (f"<p class='muted'>{esc(li['from'])} → {esc(li['to'])} · {esc(li['mappingVersion'])}"
                         f" · {losses}</p>")
    return f'<section id="translations"><h2>翻译链 Translation chain</h2>{body}</section>'


def _recognition(items: list[dict[str, Any]] | None) -> str:
    if items is None:
        return ""
    rows = "".join(
        f'<tr data-policy="{esc(d["policyId"])}"><td>{esc(d.get("region") or "—")}</td><td>{esc(d["policyId"])}'
        f" {esc(d.get('policyVersion') or '')}</td><td><strong>{esc(d['outcome'])}</strong></td>"
        f"<td>{_signer(d.get('signer')) if d.get('signed') else '—'}</td><td>{_result(d)}</td></tr>"
        for d in items
    ) or '<tr><td colspan="5">无 none stored</td></tr>'
    return ('<section id="recognition"><h2>互认决定 Recognition decisions</h2><table><tr><th>地区 Region</th>'
            "<th>政策 Policy</th><th>结果 Outcome</th><th>签署方 Signer</th><th>现在验证 Verified now</th></tr>"
            f"{rows}</table></section>")


def _trust(t: dict[str, Any] | None) -> str:
    if not t:
        return ""
    state = '<span class="ok">有效 valid</span>' if t["valid"] else '<span class="bad">已过期 expired</span>'
    rows = (_row("序号 Sequence", '<span id="trust-sequence">#' + esc(t["sequence"]) + "</span>")
            + _row("发布方 Issuer", "<code>" + esc(t["issuer"]) + "</code>")
            + _row("有效期 Validity", f"{esc(t['issued'])} – {esc(t['nextUpdate'])} {state}"))
    return f'<section id="trust-list"><h2>信任列表 Trust list</h2><table>{rows}</table></section>'



def verification_page(view: dict[str, Any], *, font_url: str | None = None) -> bytes:
    product = (view.get("declaration") or {}).get("product") or {}
    body = (_standing(view) + _declaration(view.get("declaration")) + _attestations(view.get("attestations"))
            + _translations(view.get("translations")) + _recognition(view.get("recognition"))
            + _trust(view.get("trustList"))
            + f'<p class="muted">摘要 Digest <code id="digest">{esc(view["digest"])}</code> · 验证于 checked at '
              f'{esc(view["checkedAt"])}</p>')
    return page("碳足迹验证 Carbon footprint verification", f"{product.get('zh') or ''} {product.get('en') or ''}",
                body, font_url=font_url)
