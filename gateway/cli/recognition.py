"""``fpgw assess``, ``fpgw policy`` and ``fpgw recognition matrix``: mutual recognition (互认)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from gateway.cli.output import fail, read_input, write_output
from gateway.cli.trust import ROOT_HELP, load_list
from gateway.core.errors import GatewayError, InvalidRequest
from gateway.core.i18n import N_, _, error_text
from gateway.core.model import Declaration
from gateway.core.model.serde import parse_datetime
from gateway.recognition import RecognitionDecision, assess, get_policy, shipped_policies, sign_decision
from gateway.recognition.docs import policy_page
from gateway.recognition.policy import RecognitionPolicy, load_policy
from gateway.translate import read
from signing import document_digest, load_private_key, loads, parse_digest
from signing.timeutil import utcnow

_MARK = {"PASS": "✓", "CONDITIONAL": "~", "FAIL": "✗", "NOT_APPLICABLE": "·"}


def _at(text: str | None) -> datetime:
    if text is None:
        return utcnow()
    try:
        return parse_datetime(text)
    except ValueError as exc:
        raise click.BadParameter(_("{text!r}: {exc}").format(text=text, exc=error_text(exc)), param_hint="--at") from None


def _declaration(path: str) -> tuple[Declaration, str]:
    """The declaration and the digest of its canonical form (what attestations are over)."""
    data = read_input(path)
    reading = read(data)
    return reading.declaration, document_digest(data, "xml" if reading.format.syntax == "xml" else "json")


def _attestation_files(paths: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for p in paths:
        files = sorted(str(f) for f in Path(p).glob("*.json")) if Path(p).is_dir() else [p]
        out.extend(loads(read_input(f)) for f in files)
    return out


def _about(vc: dict[str, Any], digest: str) -> bool:
    """Whether an attestation names this digest (so a matrix gives each declaration only its own)."""
    subject = vc.get("credentialSubject")
    try:
        return isinstance(subject, dict) and "sha256:" + parse_digest(subject.get("digest")) == digest
    except GatewayError:
        return False


trust_options = [
    click.option("--trust-list", "trust_list_path", required=True, metavar="FILE", help="Signed trust list (JSON)."),
    click.option("--root", "--root-key", "root_key", envvar="FPGW_TRUST_ROOT", metavar="KEY", help=ROOT_HELP),
    click.option("--accept-expired-trust-list", is_flag=True, help="Accept a trust list past its next-update time."),
    click.option("--at", "at_text", metavar="TIME", help="Assessment time, RFC 3339 (default: now)."),
]


def _with(options):
    def wrap(fn):
        for opt in reversed(options):
            fn = opt(fn)
        return fn
    return wrap


@click.command("assess")
@click.argument("declaration", metavar="DECL", type=click.Path(allow_dash=True))
@click.option("--policy", "policy_ref", required=True, metavar="ID|FILE", help="Shipped policy id (see `fpgw policy list`) or a policy file.")
@click.option("--attestation", "attestations", multiple=True, metavar="FILE", help="Attestation (JSON) about DECL; repeatable; a directory adds every *.json in it.")
@_with(trust_options)
@click.option("--sign", is_flag=True, help="Output the decision as a signed `recognised` attestation.")
@click.option("--key", "key_path", metavar="FILE", help="Private key (PEM) to sign with; must be on the trust list.")
@click.option("--issuer", metavar="ID", help="Trust-list entity id of the signer (a platform or the coordination body).")
@click.option("-o", "--output", default="-", show_default=True, metavar="OUT", help="Where to write the decision (or attestation) JSON.")
@click.option("--json", "as_json", is_flag=True, help="Write the decision as JSON (canonical, RFC 8785) instead of a table.")
def assess_command(declaration: str, policy_ref: str, attestations: tuple[str, ...], trust_list_path: str, root_key: str | None,
                   accept_expired_trust_list: bool, at_text: str | None, sign: bool, key_path: str | None, issuer: str | None,
                   output: str, as_json: bool) -> None:
    """Assess whether DECL is recognised under a policy, with every criterion and its evidence.

    \b
    Examples:
      fpgw assess steel.json --policy cn-tj --attestation reg.json --trust-list tl.json --root root.txt
      fpgw assess pack.json --policy eu-battery-cfp --attestation atts/ --trust-list tl.json --root root.txt --json
      fpgw assess steel.json --policy cn-tj ... --sign --key tianjin.pem --issuer urn:jjj:platform:tianjin -o decision.vc.json

    Exit code 0 when a decision was made (whatever it is), 1 when an input is invalid or
    untrusted, 2 on usage errors.
    """
    if sign and not (key_path and issuer):
        raise click.UsageError(_("--sign needs --key and --issuer"))
    at = _at(at_text)
    try:
        policy = get_policy(policy_ref)
        trust_list = load_list(trust_list_path, root_key, accept_expired=accept_expired_trust_list)
        decl, digest = _declaration(declaration)
        decision = assess(decl, policy, attestations=_attestation_files(attestations), trust_list=trust_list, at=at, declaration_digest=digest)
        if sign:
            key = load_private_key(Path(key_path).read_bytes())
            trusted = trust_list.key_for_public_key(key.public_key)
            if trusted is None or trusted.entity_id != issuer:
                raise InvalidRequest(N_("the signing key is not a key of {issuer} on trust list #{sequence}", issuer=issuer, sequence=trust_list.sequence), path="key")
            region = trust_list.entity(issuer).region
            vc = sign_decision(decision, key=key, issuer_id=issuer, verification_method=trusted.id, receiving_region=region, signed_at=utcnow())
            write_output(output, json.dumps(vc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
            click.echo(_("{value}: signed by {issuer} ({digest})").format(value=decision.decision.value, issuer=issuer, digest=decision.digest), err=True)
            return
    except GatewayError as exc:
        fail(exc, as_json, source=declaration)
    if as_json:
        write_output(output, decision.canonical_json() + b"\n")
    else:
        write_output(output, render_decision(decision, policy).encode("utf-8"))


def render_decision(decision: RecognitionDecision, policy: RecognitionPolicy) -> str:
    d = decision.declaration
    lines = [f"{decision.decision.value} under {policy.id} {policy.version} ({policy.title.en} / {policy.title.zh})",
             f"declaration {d['id']} v{d['version']} {d['digest']}; trust list #{decision.trust_list['sequence']}; at {decision.assessed_at}", ""]
    width = max(len(c.id) for c in decision.criteria)
    for c in decision.criteria:
        lines.append(f"  {_MARK[c.outcome.value]} {c.outcome.value:<14} {c.id:<{width}}  {c.message.en}")
        lines.append(f"    {'':<14} {'':<{width}}  {c.message.zh}")
    if decision.conditions:
        lines += ["", "conditions 条件:"]
        lines += [f"  - {cid}: {cond.en} / {cond.zh}" for cid, cond in decision.conditions]
    lines += ["", decision.summary.en, decision.summary.zh, ""]
    return "\n".join(lines)


@click.group()
def policy() -> None:
    """List, show and validate recognition policies."""


@policy.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def policy_list(as_json: bool) -> None:
    """List the shipped recognition policies."""
    rows = [{**p.summary(), "side": p.side, "title": {"zh": p.title.zh, "en": p.title.en}, "criteria": len(p.criteria)} for p in shipped_policies().values()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r['id']:<16} {r['version']:<6} {r['region']:<7} {r['side']:<9} {r['title']['en']} / {r['title']['zh']}")


@policy.command("show")
@click.argument("ref", metavar="ID|FILE")
@click.option("--json", "as_json", is_flag=True, help="The policy data with its digest.")
def policy_show(ref: str, as_json: bool) -> None:
    """Show a policy: its criteria, parameters, decision rules and equivalence tables."""
    try:
        p = get_policy(ref)
    except GatewayError as exc:
        fail(exc, as_json, source=ref)
    if as_json:
        click.echo(json.dumps({"digest": p.digest, "policy": p.data}, ensure_ascii=False, indent=2))
    else:
        click.echo(policy_page(p))


@policy.command("validate")
@click.argument("files", metavar="FILE...", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable results.")
def policy_validate(files: tuple[str, ...], as_json: bool) -> None:
    """Check policy files against the policy schema, the code lists and the equivalence tables.

    Exit code 0 when every file is valid, 1 otherwise (each error with its path).
    """
    results = []
    for f in files:
        try:
            p = load_policy(read_input(f), name=f)
            results.append({"file": f, "valid": True, "id": p.id, "version": p.version, "digest": p.digest})
        except GatewayError as exc:
            results.append({"file": f, "valid": False, **exc.as_dict()})
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r["valid"]:
                click.echo(_("{file}: valid policy {id} {version} ({digest})").format(file=r['file'], id=r['id'], version=r['version'], digest=r['digest']))
            else:
                click.echo(_("error: {file}: {reason}: {message}").format(file=r['file'], reason=r['reason'], message=r['message']), err=True)
                for v in r.get("violations", [])[1:]:
                    click.echo(f"  {v['path']}: {v['message']}", err=True)
    if not all(r["valid"] for r in results):
        sys.exit(1)


@click.group()
def recognition() -> None:
    """Mutual recognition across policies."""


@recognition.command("matrix")
@click.argument("examples", metavar="EXAMPLES...", nargs=-1, required=True)
@click.option("--policies", "policy_refs", multiple=True, metavar="ID[,ID...]", help="Policies (ids or files; default: every shipped policy).")
@click.option("--attestation", "attestations", multiple=True, metavar="FILE", help="Attestations (files or directories); each declaration gets those over its digest.")
@_with(trust_options)
@click.option("--json", "as_json", is_flag=True, help="Every decision as JSON.")
def matrix(examples: tuple[str, ...], policy_refs: tuple[str, ...], attestations: tuple[str, ...], trust_list_path: str, root_key: str | None,
           accept_expired_trust_list: bool, at_text: str | None, as_json: bool) -> None:
    """Which policy recognises which declaration, and why not.

    EXAMPLES are declaration files or directories (every *.json and *.xml in them).
    """
    at = _at(at_text)
    refs = [r for ref in policy_refs for r in ref.split(",") if r] or list(shipped_policies())
    files = [f for e in examples for f in (sorted(p for p in Path(e).iterdir() if p.suffix in (".json", ".xml")) if Path(e).is_dir() else [Path(e)])]
    try:
        policies = [get_policy(r) for r in refs]
        trust_list = load_list(trust_list_path, root_key, accept_expired=accept_expired_trust_list)
        given = _attestation_files(attestations)
    except GatewayError as exc:
        fail(exc, as_json)
    rows = []
    for f in files:
        try:
            decl, digest = _declaration(str(f))
        except GatewayError as exc:
            rows.append({"file": str(f), "error": exc.as_dict()})
            continue
        mine = [vc for vc in given if _about(vc, digest)]
        decisions = {p.id: assess(decl, p, attestations=mine, trust_list=trust_list, at=at, declaration_digest=digest) for p in policies}
        rows.append({"file": str(f), "region": decl.region, "sector": decl.product.sector, "decisions": decisions})
    if as_json:
        out = [{**{k: v for k, v in r.items() if k != "decisions"},
                **({"decisions": {pid: d.to_data() for pid, d in r["decisions"].items()}} if "decisions" in r else {})} for r in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(render_matrix(rows, [p.id for p in policies]))
    if any("error" in r for r in rows):
        sys.exit(1)


_SHORT = {"RECOGNISED": "✓ recognised", "RECOGNISED_WITH_CONDITIONS": "~ conditions", "NOT_RECOGNISED": "✗ not"}


def render_matrix(rows: list[dict[str, Any]], policy_ids: list[str]) -> str:
    names = [Path(r["file"]).name for r in rows]
    width = max([len(n) for n in names] + [11])
    header = f"{'declaration':<{width}}  {'region':<6}  {'sector':<24}  " + "  ".join(f"{p:<14}" for p in policy_ids)
    lines = [header, "-" * len(header)]
    why = []
    for name, r in zip(names, rows):
        if "error" in r:
            lines.append(f"{name:<{width}}  unreadable: {r['error']['reason']}: {r['error']['message']}")
            continue
        cells = []
        for pid in policy_ids:
            d = r["decisions"][pid]
            cells.append(f"{_SHORT[d.decision.value]:<14}")
            if d.decision.value != "RECOGNISED":
                parts = []
                if d.failing:
                    parts.append("failing: " + ", ".join(d.failing))
                if d.conditional:
                    parts.append("conditional: " + ", ".join(d.conditional))
                why.append(f"  {name} × {pid}: {'; '.join(parts)}")
        lines.append(f"{name:<{width}}  {r['region'] or '-':<6}  {r['sector'] or '-':<24}  " + "  ".join(cells))
    if why:
        lines += ["", "why not / conditions:"] + why
    return "\n".join(lines)
