"""``fpgw trust``: keep a trust-list draft, sign it with the root key, show and verify lists.

The draft (unsigned JSON) is what the coordination body edits; ``sign`` turns it into the
published, signed list. The root public key that verifies lists is pinned with ``--root``
(Multikey text or a key file) or the ``FPGW_TRUST_ROOT`` environment variable.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from gateway.core.i18n import _
from gateway.core.errors import GatewayError
from gateway.core.parsing import dump_json

from .keys import load_any_key
from .output import InputFile, echo_json, fail, read_input

ROOT_HELP = "Pinned root public key (Multikey z… or a key file); default $FPGW_TRUST_ROOT."


def parse_at(value: str | None) -> datetime | None:
    from signing.timeutil import parse_time

    return parse_time(value, field="--at") if value else None


def root_key(value: str | None, as_json: bool = False):
    """The pinned root public key from ``--root`` (a key file or Multikey text); a key that
    cannot be read is reported against ``--root``, not against the list it was to check."""
    from signing import load_public_key

    if not value:
        raise click.UsageError(_("give --root or set FPGW_TRUST_ROOT (the coordination body's public key)"))
    if Path(value).is_file():
        key = load_any_key(value, None, as_json)
        return getattr(key, "public_key", key)
    try:
        return load_public_key(value)
    except GatewayError as exc:
        fail(exc, as_json, source="--root")


def load_list(path: str, root: str | None, *, at: datetime | None = None, min_sequence: int | None = None,
              accept_expired: bool = False, as_json: bool = False):
    """The verified trust list; a list that fails is reported against its own file (exit 1)."""
    from signing import load_trust_list

    data = read_input(path)
    pinned = root_key(root, as_json)
    try:
        return load_trust_list(data, pinned, min_sequence=min_sequence, at=at,
                               accept_expired=accept_expired)
    except GatewayError as exc:
        fail(exc, as_json, source=path)


def _read_draft(path: str) -> dict[str, Any]:
    """The draft is signed, so it is read as strictly as a signed list (signing.jcs.loads)."""
    from signing.jcs import loads

    return loads(read_input(path))


def _write_json(path: str, doc: dict[str, Any]) -> None:
    Path(path).write_bytes(dump_json(doc))


@click.group()
def trust() -> None:
    """Edit, sign, show and verify the trust list."""


@trust.command()
@click.argument("draft", type=click.Path(dir_okay=False))
@click.option("--issuer", required=True, help="Coordination body id, e.g. urn:jjj:coordination-body:jjj.")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def init(draft: str, issuer: str, as_json: bool) -> None:
    """Start an empty trust-list draft."""
    from signing import new_trust_list

    if Path(draft).exists():
        raise click.UsageError(_("{draft} exists").format(draft=draft))
    _write_json(draft, new_trust_list(issuer))
    click.echo(_("draft trust list written to {draft}").format(draft=draft))


@trust.command()
@click.argument("draft", type=InputFile())
@click.option("--id", "entity_id", required=True, help="Entity id, e.g. urn:jjj:platform:hebei.")
@click.option("--name-zh", required=True)
@click.option("--name-en", required=True)
@click.option("--region", required=True, help="GB/T 2260 code, e.g. 130000.")
@click.option("--role", required=True, type=click.Choice(["coordination-body", "platform", "verifier", "accreditation-body", "gateway"]))
@click.option("--scope", multiple=True, help="Accredited sector code (repeatable).")
@click.option("--accreditation-body")
@click.option("--accreditation-number")
@click.option("--key", "key_files", multiple=True, help="Public (or private) key file or Multikey (repeatable).")
@click.option("--valid-from", help="Keys valid from (RFC 3339; default now). A key that already signed must be "
              "valid from before its first signature.")
@click.option("--valid-until", help="Keys valid until (RFC 3339).")
@click.option("--ca", "ca_files", multiple=True, type=InputFile(), help="X.509 CA PEM for this entity.")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def add(draft: str, entity_id: str, name_zh: str, name_en: str, region: str, role: str, scope: tuple[str, ...],
        accreditation_body: str | None, accreditation_number: str | None, key_files: tuple[str, ...],
        valid_from: str | None, valid_until: str | None, ca_files: tuple[str, ...], as_json: bool) -> None:
    """Add (or replace) an entity with its keys; a key another entry already lists is refused."""
    from signing import add_entity, add_key
    from signing.timeutil import utcnow

    publics = [_public_key(ref, as_json) for ref in key_files]
    try:
        entity: dict[str, Any] = {"id": entity_id, "name": {"zh": name_zh, "en": name_en}, "region": region,
                                  "role": role, "scopes": list(scope), "keys": []}
        if accreditation_body and accreditation_number:
            entity["accreditation"] = {"body": accreditation_body, "number": accreditation_number}
        if ca_files:
            entity["x509"] = {"ca": [read_input(p).decode("ascii", "replace") for p in ca_files]}
        doc = add_entity(_read_draft(draft), entity)
        start = parse_at(valid_from) or utcnow()
        end = parse_at(valid_until)
        for n, public in enumerate(publics, 1):
            doc = add_key(doc, entity_id, f"{entity_id}#key-{n}", public, valid_from=start, valid_until=end)
    except GatewayError as exc:
        fail(exc, as_json, source=draft)
    _write_json(draft, doc)
    click.echo(_("{entity_id} added with {count} key(s)").format(entity_id=entity_id, count=len(key_files)))


def _public_key(ref: str, as_json: bool):
    """A ``--key`` value: a key file, or Multikey / did:key text; errors name that key."""
    from signing import load_public_key

    if Path(ref).is_file():
        key = load_any_key(ref, None, as_json)
        return getattr(key, "public_key", key)
    try:
        return load_public_key(ref)
    except GatewayError as exc:
        fail(exc, as_json, source=f"--key {ref}")


@trust.command()
@click.argument("draft", type=InputFile())
@click.argument("key_id")
@click.option("--at", "since", help="Time of the revocation (RFC 3339; default now).")
@click.option("--reason", help="e.g. key-compromise, superseded, cessation-of-operation.")
@click.option("--suspend", is_flag=True, help="Suspend instead of revoking.")
@click.option("--reactivate", is_flag=True, help="Lift a suspension.")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def revoke(draft: str, key_id: str, since: str | None, reason: str | None, suspend: bool, reactivate: bool,
           as_json: bool) -> None:
    """Revoke, suspend or re-activate a key from a given time."""
    from signing import set_key_status
    from signing.timeutil import utcnow

    status = "active" if reactivate else "suspended" if suspend else "revoked"
    try:
        doc = set_key_status(_read_draft(draft), key_id, status, since=parse_at(since) or utcnow(), reason=reason)
    except GatewayError as exc:
        fail(exc, as_json, source=draft)
    _write_json(draft, doc)
    click.echo(f"{key_id}: {status}")


@trust.command()
@click.argument("draft", type=InputFile())
@click.option("--root-key", required=True, type=InputFile(), help="Root private key (PKCS#8 PEM).")
@click.option("--passphrase-env", metavar="VAR")
@click.option("--sequence", type=int, help="Sequence number (default: the draft's, which is then incremented).")
@click.option("--days", type=int, default=30, show_default=True, help="Days until the next update.")
@click.option("-o", "--output", required=True, help="Signed trust list to write.")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def sign(draft: str, root_key: str, passphrase_env: str | None, sequence: int | None, days: int, output: str,
         as_json: bool) -> None:
    """Sign the draft with the root key; the draft's sequence number moves on.

    A draft that lists one public key twice (under two ids or two entities) is refused.
    """
    from signing import sign_trust_list

    key = load_any_key(root_key, passphrase_env, as_json)
    if not hasattr(key, "sign"):
        raise click.UsageError(_("--root-key must be a private key"))
    try:
        doc = _read_draft(draft)
        seq = sequence if sequence is not None else doc["sequence"]
        signed = sign_trust_list(doc, key, sequence=seq, validity=timedelta(days=days))
    except GatewayError as exc:
        fail(exc, as_json, source=draft)
    _write_json(output, signed)
    doc["sequence"] = seq + 1
    _write_json(draft, doc)
    click.echo(_("trust list #{seq} signed, next update {next_update}: {output}").format(seq=seq, next_update=signed['nextUpdate'], output=output))


def _summary(tl) -> dict[str, Any]:
    return {
        "issuer": tl.issuer,
        "sequence": tl.sequence,
        "issued": tl.issued.isoformat(),
        "nextUpdate": tl.next_update.isoformat(),
        "digest": tl.digest,
        "entities": [
            {
                "id": e.id, "name": {"zh": e.name_zh, "en": e.name_en}, "region": e.region, "role": e.role.value,
                "scopes": list(e.scopes),
                "keys": [k.as_dict() for k in e.keys],
            }
            for e in tl.entities
        ],
    }


def _verify_options(f):
    for opt in reversed([
        click.argument("trust_list", type=click.Path(allow_dash=True)),
        click.option("--root", envvar="FPGW_TRUST_ROOT", help=ROOT_HELP),
        click.option("--min-sequence", type=int, help="Highest sequence number already accepted (rollback guard)."),
        click.option("--at", help="Check at this time (RFC 3339) instead of now."),
        click.option("--accept-expired", is_flag=True, help="Accept a list past its next-update date."),
        click.option("--json", "as_json", is_flag=True),
    ]):
        f = opt(f)
    return f


@trust.command()
@_verify_options
def show(trust_list: str, root: str | None, min_sequence: int | None, at: str | None, accept_expired: bool, as_json: bool) -> None:
    """Verify a signed trust list and show its entities and keys."""
    try:
        tl = load_list(trust_list, root, at=parse_at(at), min_sequence=min_sequence, accept_expired=accept_expired,
                       as_json=as_json)
    except GatewayError as exc:
        fail(exc, as_json, source=trust_list)
    summary = _summary(tl)
    if as_json:
        echo_json(summary)
        return
    click.echo(_("trust list #{sequence} by {issuer}, issued {issued:%Y-%m-%d}, next update {next_update:%Y-%m-%d}").format(sequence=tl.sequence, issuer=tl.issuer, issued=tl.issued, next_update=tl.next_update))
    for e in tl.entities:
        click.echo(_("  {id}  {value}  {region}  {name_zh} / {name_en}  scopes: {value2}").format(id=e.id, value=e.role.value, region=e.region, name_zh=e.name_zh, name_en=e.name_en, value2=', '.join(e.scopes) or '-'))
        for k in e.keys:
            history = ", ".join(f"{c.status.value} {c.since:%Y-%m-%d}" + (f" ({c.reason})" if c.reason else "") for c in k.history)
            click.echo(f"      {k.id}  {k.public_key.algorithm.label}  {history}")


@trust.command()
@_verify_options
def verify(trust_list: str, root: str | None, min_sequence: int | None, at: str | None, accept_expired: bool, as_json: bool) -> None:
    """Verify a signed trust list: root signature, schema, sequence, dates."""
    try:
        tl = load_list(trust_list, root, at=parse_at(at), min_sequence=min_sequence, accept_expired=accept_expired,
                       as_json=as_json)
    except GatewayError as exc:
        fail(exc, as_json, source=trust_list)
    if as_json:
        echo_json({"ok": True, "sequence": tl.sequence, "digest": tl.digest, "entities": len(tl.entities)}, indent=None)
    else:
        click.echo(_("trust list #{sequence} verified: {count} entities, digest {digest}").format(sequence=tl.sequence, count=len(tl.entities), digest=tl.digest))
