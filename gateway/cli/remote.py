"""What every command that calls a gateway shares: connection options, one-line failures,
tables, and JSON of records."""

from __future__ import annotations

import base64
import functools
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
import grpc

from gateway.cli.output import EXIT_INVALID, fail
from gateway.client import Connection, call_failure, resolve_connection
from gateway.core.errors import GatewayError
from gateway.core.i18n import _, language


def connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--profile, --address, --ca, --cert, --key, --server-name, --insecure, --timeout,
    --client-config and --json, handed to the command as ``connection`` and ``as_json``."""
    options = [
        click.option("--profile", metavar="NAME", help="Named profile of the client config file (default: its `default`)."),
        click.option("--address", metavar="HOST:PORT", help="Gateway to call (overrides the profile)."),
        click.option("--ca", type=click.Path(dir_okay=False, path_type=Path), help="CA certificate of the gateway's server certificate."),
        click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="Client certificate (mutual TLS)."),
        click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="Private key of --cert."),
        click.option("--server-name", metavar="NAME", help="TLS host name to check instead of the address's host."),
        click.option("--insecure", is_flag=True, default=None, help="Plaintext (a loopback development gateway only)."),
        click.option("--timeout", type=click.FloatRange(0.1), help="Seconds per call (default 30)."),
        click.option("--client-config", type=click.Path(dir_okay=False, path_type=Path),
                     help="Client config file (default $FPGW_CLIENT_CONFIG or ~/.config/fpgw/client.toml)."),
        click.option("--json", "as_json", is_flag=True, help="JSON output and errors."),
    ]

    @functools.wraps(command)
    def wrapper(*, profile, address, ca, cert, key, server_name, insecure, timeout, client_config, as_json, **kwargs):
        try:
            connection = resolve_connection(profile=profile, config_file=client_config, address=address, ca=ca,
                                            cert=cert, key=key, server_name=server_name, insecure=insecure,
                                            timeout=timeout)
        except GatewayError as error:
            fail(error, as_json)
        return command(connection=connection, as_json=as_json, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def rpc_fail(error: grpc.RpcError, connection: Connection, as_json: bool) -> NoReturn:
    failure = call_failure(error, connection.address)
    if as_json:
        click.echo(json.dumps({"error": failure.as_dict()}, ensure_ascii=False), err=True)
    else:
        click.echo(failure.line(), err=True)
        for v in failure.details["violations"][1:]:
            said = failure.details["chinese"]["violations"].get(v["path"]) if language() == "zh" else None
            click.echo(f"  {v['path']}: {said or v['message']}", err=True)
    sys.exit(EXIT_INVALID)


@contextmanager
def calling(connection: Connection, as_json: bool) -> Iterator[grpc.Channel]:
    """A channel to the gateway; a failed call or unusable setting ends the command (exit 1)."""
    try:
        with connection.channel() as channel:
            yield channel
    except grpc.RpcError as error:
        rpc_fail(error, connection, as_json)
    except GatewayError as error:
        fail(error, as_json)


def _cells(text: str) -> int:
    """Terminal cells of ``text``: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(_cells(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c + " " * (w - _cells(c)) for c, w in zip(row, widths)).rstrip() for row in cells)


def stamp(message: Any, field: str) -> str:
    return getattr(message, field).ToDatetime().strftime("%Y-%m-%dT%H:%M:%SZ") if message.HasField(field) else ""


def declaration_json(d: Any, *, content: bool = False) -> dict[str, Any]:
    m = d.metadata
    out: dict[str, Any] = {
        "declaration_id": m.declaration_id, "version": m.version, "region": m.region, "sector": m.sector,
        "product_id": m.product_id, "digest": d.digest, "format_id": d.document.format_id,
        "media_type": d.document.media_type, "cursor": d.cursor, "received_at": stamp(d, "received_at"),
        "source_peer": d.source_peer, "attestations": len(d.attestations),
    }
    if content:
        out["content_base64"] = base64.b64encode(d.document.content).decode()
        out["attestation_contents_base64"] = [base64.b64encode(a.content).decode() for a in d.attestations]
    return out


def feed_json(record: Any) -> dict[str, Any]:
    kind = record.WhichOneof("record")
    if kind == "declaration":
        return {"cursor": record.cursor, "kind": kind, **declaration_json(record.declaration)}
    if kind == "attestation":
        a = record.attestation
        return {"cursor": record.cursor, "kind": kind, "declaration_digest": a.declaration_digest,
                "digest": a.digest, "media_type": a.attestation.media_type, "source_peer": a.source_peer,
                "received_at": stamp(a, "received_at")}
    from gateway._proto import recognition_pb2

    r = record.decision
    return {"cursor": record.cursor, "kind": kind, "declaration_digest": r.declaration_digest, "digest": r.digest,
            "policy_id": r.policy_id, "source_peer": r.source_peer, "received_at": stamp(r, "received_at"),
            "outcome": recognition_pb2.RecognitionOutcome.Name(r.outcome).removeprefix("RECOGNITION_OUTCOME_")}


def feed_line(record: Any) -> str:
    """One record of the feed as one line of text."""
    r = feed_json(record)
    peer = "  " + _("from {peer}").format(peer=r["source_peer"]) if r["source_peer"] else ""
    if r["kind"] == "declaration":
        return _("{cursor:>6}  declaration  {id} v{version}  {region} {sector}  {digest}").format(
            cursor=r["cursor"], id=r["declaration_id"], version=r["version"], region=r["region"], sector=r["sector"],
            digest=r["digest"][:19]) + peer
    if r["kind"] == "attestation":
        return _("{cursor:>6}  attestation  about {about}  {digest}").format(
            cursor=r["cursor"], about=r["declaration_digest"][:19], digest=r["digest"][:19]) + peer
    return _("{cursor:>6}  decision     {outcome} under {policy} about {about}").format(
        cursor=r["cursor"], outcome=r["outcome"], policy=r["policy_id"], about=r["declaration_digest"][:19]) + peer
