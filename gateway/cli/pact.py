"""``fpgw pact``: the PACT REST client (pull, request, requests), the host's status, and
hashing a client secret for the clients file."""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import click

from gateway.core.errors import ConfigurationError, GatewayError, InvalidRequest
from gateway.core.i18n import N_, _, error_text

from .output import fail

FILTERS = (("product_id", "productId"), ("company_id", "companyId"), ("geography", "geography"),
           ("classification", "classification"), ("status", "status"))


@click.group()
def pact() -> None:
    """PACT Tech Specs v2.3/v3.0: pull footprints from any PACT host, request them, and see
    what this gateway's PACT host serves."""


def _secret(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise click.UsageError(_("environment variable {var} (the client secret) is not set").format(var=var))
    return value


def _verify(ca: Path | None) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=str(ca)) if ca else True


def _config(path: Path):
    from gateway.server import load_config

    config = load_config(path)
    if config.pact is None or config.https is None:
        raise ConfigurationError(N_("{path} has no [https] and [pact] sections", path=path), path="pact")
    return config


@pact.command("hash-secret")
@click.option("--secret-env", help="Read the secret from this environment variable (default: stdin).")
def hash_secret_command(secret_env: str | None) -> None:
    """Print the argon2id hash of a client secret, for a clients file's secret_hash."""
    from gateway.rest.pact import hash_secret

    secret = _secret(secret_env) if secret_env else sys.stdin.readline().rstrip("\n")
    if not secret:
        raise click.UsageError(_("the secret is empty"))
    click.echo(hash_secret(secret))


def _client(url: str, client_id: str, secret_env: str, ca: Path | None):
    from gateway.rest.pact import PactClient

    return PactClient(url, client_id, _secret(secret_env), verify=_verify(ca))


def _common(f):
    f = click.option("--ca", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Trust this CA bundle for the host (default: the system's CAs).")(f)
    f = click.option("--client-secret-env", required=True, help="Environment variable holding the client secret.")(f)
    f = click.option("--client-id", required=True)(f)
    f = click.argument("url")(f)
    return f


def _filters(f):
    for option, _ in reversed(FILTERS):
        f = click.option(f"--{option.replace('_', '-')}", option, multiple=True,
                         help=f"Filter on {option.replace('_', ' ')} (repeatable: any of them).")(f)
    return f


@pact.command()
@_common
@_filters
@click.option("--spec", type=click.Choice(["3", "2"]), default="3", show_default=True, help="Tech Specs major version.")
@click.option("--valid-on", help="Only footprints valid at this RFC 3339 time (v3).")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <id>.pact.json, <id>.canonical.json and <id>.attestations/ here.")
@click.option("--submit", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Store them in the store of the gateway configured by this file (Submit's rule).")
@click.option("--json", "as_json", is_flag=True)
def pull(url: str, client_id: str, client_secret_env: str, ca: Path | None, spec: str, valid_on: str | None,
         out_dir: Path | None, config_path: Path | None, as_json: bool, **filters: tuple[str, ...]) -> None:
    """Fetch footprints from the PACT host at URL (following its Link pages), translate each
    to canonical, and write them to -o DIR or store them (--submit CONFIG)."""
    from gateway.core.parsing import dump_json
    from gateway.translate import read, write

    if (out_dir is None) == (config_path is None):
        raise click.UsageError(_("give exactly one of -o DIR and --submit CONFIG"))
    params = [(name, v) for option, name in FILTERS for v in filters[option]]
    if valid_on:
        params.append(("validOn", valid_on))
    if spec == "2" and params:
        raise click.UsageError(_("filters are v3 query parameters; v2 hosts take $filter (not offered here)"))
    results: list[dict[str, Any]] = []
    try:
        store = verify_submission = None
        if config_path is not None:
            store, verify_submission = _intake(config_path)
        with _client(url, client_id, client_secret_env, ca) as client:
            for pf in client.list_footprints(spec, params):
                entry: dict[str, Any] = {"id": pf.get("id")}
                if out_dir is not None:
                    out_dir.mkdir(parents=True, exist_ok=True)
                    stem = str(pf.get("id"))
                    pact_bytes = dump_json(pf)
                    (out_dir / f"{stem}.pact.json").write_bytes(pact_bytes)
                    try:
                        canonical = write(read(pact_bytes, f"pact-v{spec}").declaration, "canonical-json")[0]
                        (out_dir / f"{stem}.canonical.json").write_bytes(canonical)
                        entry["canonical"] = True
                    except GatewayError as exc:
                        entry.update(canonical=False, reason=exc.reason, message=error_text(exc))
                    chain = client.attestations(stem) if spec == "3" else []
                    if chain:
                        folder = out_dir / f"{stem}.attestations"
                        folder.mkdir(exist_ok=True)
                        for n, attestation in enumerate(chain):
                            (folder / f"{n:02d}.json").write_bytes(dump_json(attestation))
                    entry["attestations"] = len(chain)
                else:
                    from gateway.rest.pact.intake import store_footprint

                    entry.update(store_footprint(store, verify_submission, pf, spec, url))
                results.append(entry)
    except GatewayError as exc:
        fail(exc, as_json, source=url)
    finally:
        if store is not None:
            store.close()
    if as_json:
        click.echo(json.dumps({"ok": True, "footprints": results}, ensure_ascii=False, indent=2))
        return
    for entry in results:
        if out_dir is not None:
            note = _("canonical") if entry.get("canonical") else _("not canonical: {reason}: {message}").format(
                reason=entry.get("reason"), message=entry.get("message"))
            click.echo(_("{id}: {note}, {attestations} attestation(s)").format(id=entry['id'], note=note, attestations=entry['attestations']))
        else:
            outcome = (_("stored (already held)") if entry.get("duplicate") else _("stored")) if entry["stored"] else \
                _("refused: {reason}: {message}").format(reason=entry["reason"], message=entry["message"])
            click.echo(f"{entry['id']}: {outcome}")
    click.echo(_("{count} footprint(s) from {url}").format(count=len(results), url=url))


def _intake(config_path: Path):
    """The configured store and the rule its Submit applies."""
    from gateway.server import load_config
    from gateway.server.submission import accept_as_declared
    from gateway.server.trust import GatewayTrust
    from gateway.server.verification import SignedSubmissions
    from gateway.store import open_store

    config = load_config(config_path)
    trust = GatewayTrust.from_config(config)
    verify = SignedSubmissions(trust) if trust is not None else accept_as_declared
    return open_store(config.store.url, schema=config.store.schema), verify


def _source(config, source: str | None) -> str:
    from gateway.rest import base_url

    if source:
        return source.rstrip("/")
    port = config.https.address.rsplit(":", 1)[1]
    if port == "0" and not config.https.base_url:
        raise ConfigurationError(N_("the gateway's HTTPS port is chosen at start: give --source URL"), path="https.address")
    return base_url(config, int(port))


@pact.command()
@_common
@_filters
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The running gateway the answer goes to (its ledger records the request).")
@click.option("--source", help="That gateway's PACT base URL (default: from its [https] section).")
@click.option("--comment", default="")
@click.option("--no-wait", is_flag=True, help="Return once the host accepted the request.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for the answer.")
@click.option("--json", "as_json", is_flag=True)
def request(url: str, client_id: str, client_secret_env: str, ca: Path | None, config_path: Path, source: str | None,
            comment: str, no_wait: bool, timeout: float, as_json: bool, **filters: tuple[str, ...]) -> None:
    """Send a RequestCreated event to the PACT host at URL on behalf of a running gateway,
    whose /3/events receives (and stores) the answer; wait for it unless --no-wait."""
    from gateway.rest.pact import EVENT_TYPES, Ledger
    from gateway.rest.pact.ledger import now_text

    criteria: dict[str, Any] = {name: list(filters[option]) for option, name in FILTERS if filters[option]}
    if not criteria:
        raise click.UsageError(_("name at least one criterion (--product-id, --company-id, ...)"))
    if comment:
        criteria["comment"] = comment
    try:
        config = _config(config_path)
        event_id = str(uuid.uuid4())
        event = {"type": EVENT_TYPES["3"]["created"], "specversion": "1.0", "id": event_id,
                 "source": _source(config, source), "time": now_text(), "data": criteria}
        ledger = Ledger(config.pact.ledger)
        try:
            ledger.add_outbound(event_id, url, "3", criteria)
            with _client(url, client_id, client_secret_env, ca) as client:
                client.post_event(event)
            answer = ledger.outbound(event_id)[0]
            deadline = time.monotonic() + timeout
            while not no_wait and answer.state == "waiting" and time.monotonic() < deadline:
                time.sleep(0.2)
                answer = ledger.outbound(event_id)[0]
        finally:
            ledger.close()
        if not no_wait and answer.state == "waiting":
            raise InvalidRequest(N_("no answer to request {event_id} within {timeout:g} s (see fpgw pact requests)", event_id=event_id, timeout=timeout),
                                 path="timeout")
    except GatewayError as exc:
        fail(exc, as_json, source=url)
    if as_json:
        click.echo(json.dumps({"ok": True, **answer.as_dict()}, ensure_ascii=False, indent=2))
    else:
        click.echo(_describe(answer))


def _describe(answer) -> str:
    line = f"{answer.event_id} to {answer.target}: {answer.state}"
    if answer.state == "fulfilled":
        stored = sum(1 for s in answer.stored if s.get("stored"))
        line += f", {len(answer.answer.get('pfs', []))} footprint(s), {stored} stored"
    elif answer.state == "rejected":
        line += f": {answer.answer['error']['code']}: {answer.answer['error']['message']}"
    return line


@pact.command()
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def requests(config_path: Path, as_json: bool) -> None:
    """List the PACT requests this gateway sent (with their answers), the requests it
    answered (with every delivery attempt) and the published notices it received."""
    from gateway.rest.pact import Ledger

    try:
        ledger = Ledger(_config(config_path).pact.ledger)
        try:
            sent, answered, published = ledger.outbound(), ledger.inbound(), ledger.published()
        finally:
            ledger.close()
    except GatewayError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps({"sent": [s.as_dict() for s in sent],
                               "answered": [{"event_id": a.event_id, "source": a.source, "spec": a.spec,
                                             "client_id": a.client_id, "criteria": a.criteria, "state": a.state,
                                             "answer": a.answer_type or None, "attempts": a.attempts}
                                            for a in answered],
                               "published": published}, ensure_ascii=False, indent=2))
        return
    click.echo(_("sent ({count}):").format(count=len(sent)))
    for s in sent:
        click.echo(f"  {_describe(s)}")
    click.echo(_("answered ({count}):").format(count=len(answered)))
    for a in answered:
        failures = [x for x in a.attempts if not x.get("ok")]
        line = _("  {event_id} from {source} ({client_id}): {state} [{answer}], {count} attempt(s)").format(
            event_id=a.event_id, source=a.source, client_id=a.client_id, state=a.state, answer=a.answer_type or "-",
            count=len(a.attempts))
        click.echo(line + (_(", last error: {error}").format(error=failures[-1].get("error")) if failures else ""))
    click.echo(_("published notices ({count}):").format(count=len(published)))
    for p in published:
        click.echo(_("  {event_id} from {source}: {count} id(s), {value}").format(event_id=p['event_id'], source=p['source'], count=len(p['pf_ids']), value=p['outcome'] or _("pending")))


@pact.command()
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def status(config_path: Path, as_json: bool) -> None:
    """What this gateway's PACT host serves, and each declaration it cannot serve and why."""
    from gateway.rest.pact import Catalogue
    from gateway.store import open_store

    try:
        config = _config(config_path)
        store = open_store(config.store.url, schema=config.store.schema)
        try:
            catalogue = Catalogue(store, None, config.https.base_url or "https://" + config.https.address)
            report = {f"v{spec}": catalogue.all(spec) for spec in ("3", "2")}
        finally:
            store.close()
    except GatewayError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps({spec: {"served": len(served), "unservable": [u.as_dict() for u in refused]}
                               for spec, (served, refused) in report.items()}, ensure_ascii=False, indent=2))
        return
    for spec, (served, refused) in report.items():
        click.echo(_("PACT {spec}: {count} footprint(s) served, {count2} declaration version(s) not served").format(spec=spec, count=len(served), count2=len(refused)))
        for u in refused:
            click.echo(f"  {u.declaration_id} v{u.version} ({u.digest}): {u.reason}: {u.message}")
