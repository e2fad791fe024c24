"""``fpgw submit|get|list|watch|sync``: the ExchangeService from the command line."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from gateway.cli.output import fail, read_input, write_output
from gateway.cli.remote import calling, connection_options, declaration_json, feed_json, feed_line, stamp, table
from gateway.core.errors import GatewayError
from gateway.core.i18n import _


def _stub(channel):
    from gateway._proto import exchange_pb2_grpc

    return exchange_pb2_grpc.ExchangeServiceStub(channel)


def _metadata(content: bytes, format_id: str | None, stated: dict) -> tuple[str, dict]:
    """The document's format and the metadata it states, with the caller's values on top."""
    from gateway.translate import read

    reading = read(content, format_id)
    decl = reading.declaration
    product = next((i.value for i in decl.product.ids), "")
    found = {"declaration_id": str(decl.id), "version": decl.version, "region": decl.region or "",
             "sector": decl.product.sector or "", "product_id": product}
    return reading.format.id, {**found, **{k: v for k, v in stated.items() if v is not None}}


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--format", "format_id", metavar="ID", help="Format of FILE (detected when omitted).")
@click.option("--attestation", "attestations", multiple=True, type=click.Path(dir_okay=False),
              help="Attestation to submit with it (repeatable; at least the registration).")
@click.option("--id", "declaration_id", help="Declaration id (default: the document's).")
@click.option("--version", type=click.IntRange(1), help="Declaration version (default: the document's).")
@click.option("--region", help="GB/T 2260 region code (default: the document's).")
@click.option("--sector", help="Priority sector (default: the document's).")
@click.option("--product-id", help="Main product identifier (default: the document's first).")
@connection_options
def submit(file: str, format_id: str | None, attestations: tuple[str, ...], declaration_id: str | None,
           version: int | None, region: str | None, sector: str | None, product_id: str | None, connection,
           as_json: bool) -> None:
    """Submit FILE with its attestations; print the receipt (the same again for a repeat)."""
    from gateway._proto import document_pb2, exchange_pb2
    from gateway.server.trust import ATTESTATION_MEDIA_TYPE

    content = read_input(file)
    try:
        fmt, metadata = _metadata(content, format_id, {"declaration_id": declaration_id, "version": version,
                                                       "region": region, "sector": sector, "product_id": product_id})
    except GatewayError as error:
        fail(error, as_json, source=file)
    from mappings import get_format

    request = exchange_pb2.SubmitRequest(
        metadata=exchange_pb2.DeclarationMetadata(**metadata),
        document=document_pb2.Document(format_id=fmt, media_type=get_format(fmt).media_type, content=content),
        attestations=[document_pb2.Attestation(media_type=ATTESTATION_MEDIA_TYPE, content=read_input(a))
                      for a in attestations],
    )
    with calling(connection, as_json) as channel:
        answer = _stub(channel).Submit(request, timeout=connection.timeout)
    r = answer.receipt
    if as_json:
        click.echo(json.dumps({"declaration_id": r.declaration_id, "version": r.version, "digest": r.digest,
                               "cursor": r.cursor, "received_at": stamp(r, "received_at"),
                               "duplicate": answer.duplicate}))
    else:
        text = _("already stored: {id} v{version} {digest} at cursor {cursor} ({when})") if answer.duplicate \
            else _("stored: {id} v{version} {digest} at cursor {cursor} ({when})")
        click.echo(text.format(id=r.declaration_id, version=r.version, digest=r.digest, cursor=r.cursor,
                               when=stamp(r, "received_at")))


@click.command()
@click.argument("declaration_id")
@click.option("--version", type=click.IntRange(1), help="Version (default: the highest stored).")
@click.option("--output", "-o", metavar="FILE", help="Write the document's bytes here ('-' for stdout).")
@click.option("--attestations-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write each attestation here as attestation-N.json.")
@connection_options
def get(declaration_id: str, version: int | None, output: str | None, attestations_dir: Path | None, connection,
        as_json: bool) -> None:
    """Show one stored declaration; --output writes the document exactly as stored."""
    from gateway._proto import exchange_pb2

    with calling(connection, as_json) as channel:
        record = _stub(channel).Get(exchange_pb2.GetRequest(declaration_id=declaration_id, version=version or 0),
                                    timeout=connection.timeout).record
    if output:
        write_output(output, record.document.content)
    if attestations_dir:
        attestations_dir.mkdir(parents=True, exist_ok=True)
        for n, a in enumerate(record.attestations, 1):
            (attestations_dir / f"attestation-{n}.json").write_bytes(a.content)
    if output == "-":
        return
    if as_json:
        click.echo(json.dumps(declaration_json(record, content=not output), ensure_ascii=False, indent=2))
        return
    d = declaration_json(record)
    width = max(map(len, d))
    for name, value in d.items():
        click.echo(f"{name:<{width}}  {value}")  # field names stay as in --json


def _filter(region, sector, product_id, after, before):
    from gateway._proto import exchange_pb2
    from gateway.server.convert import timestamp

    f = exchange_pb2.DeclarationFilter(region=region or "", sector=sector or "", product_id=product_id or "")
    if after:
        f.received_after.CopyFrom(timestamp(after))
    if before:
        f.received_before.CopyFrom(timestamp(before))
    return f


def filter_options(command):
    for option in reversed([
        click.option("--region", help="Only this GB/T 2260 region code."),
        click.option("--sector", help="Only this priority sector."),
        click.option("--product-id", help="Only this product identifier."),
        click.option("--received-after", "after", type=click.DateTime(), help="Only received at or after (UTC)."),
        click.option("--received-before", "before", type=click.DateTime(), help="Only received before (UTC)."),
    ]):
        command = option(command)
    return command


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


@click.command(name="list")
@filter_options
@click.option("--page-size", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--page-token", default="", help="next_page_token of the previous page.")
@click.option("--all", "all_pages", is_flag=True, help="Follow next_page_token to the last page.")
@connection_options
def list_command(region, sector, product_id, after, before, page_size: int, page_token: str, all_pages: bool,
                 connection, as_json: bool) -> None:
    """List stored declarations, oldest first, a page at a time (--all for every page)."""
    from gateway._proto import exchange_pb2

    wanted = _filter(region, sector, product_id, _utc(after), _utc(before))
    records, token = [], page_token
    with calling(connection, as_json) as channel:
        stub = _stub(channel)
        while True:
            page = stub.List(exchange_pb2.ListRequest(filter=wanted, page_size=page_size, page_token=token),
                             timeout=connection.timeout)
            records.extend(page.records)
            token = page.next_page_token
            if not (all_pages and token):
                break
    rows = [declaration_json(r) for r in records]
    if as_json:
        click.echo(json.dumps({"records": rows, "next_page_token": token}, ensure_ascii=False, indent=2))
        return
    click.echo(table((_("cursor"), _("id"), _("version"), _("region"), _("sector"), _("format"), _("received"),
                      _("from")),
                     [(r["cursor"], r["declaration_id"], r["version"], r["region"], r["sector"], r["format_id"],
                       r["received_at"], r["source_peer"]) for r in rows]))
    if token:
        click.echo(_("more: --page-token {token}").format(token=token))


def _start_cursor(after: int | None, cursor_file: Path | None) -> int:
    if after is not None:
        return after
    if cursor_file and cursor_file.exists():
        text = cursor_file.read_text(encoding="utf-8").strip()
        if not text.isdigit():
            raise click.BadParameter(_("{cursor_file} holds {text!r}, not a cursor").format(cursor_file=cursor_file, text=text), param_hint="--cursor-file")
        return int(text)
    return 0


def _remember(cursor_file: Path | None, cursor: int) -> None:
    if cursor_file:
        partial = cursor_file.with_name(cursor_file.name + ".partial")
        partial.write_text(f"{cursor}\n", encoding="utf-8")
        partial.replace(cursor_file)


def _emit(record, as_json: bool) -> None:
    click.echo(json.dumps(feed_json(record), ensure_ascii=False) if as_json else feed_line(record))
    sys.stdout.flush()


@click.command()
@filter_options
@click.option("--after-cursor", type=click.IntRange(0), help="Start after this cursor (default 0, or --cursor-file's).")
@click.option("--cursor-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Resume from the cursor saved here and save each record's cursor (survives restarts).")
@click.option("--count", type=click.IntRange(1), help="Stop after this many records.")
@connection_options
def watch(region, sector, product_id, after, before, after_cursor: int | None, cursor_file: Path | None,
          count: int | None, connection, as_json: bool) -> None:
    """Print records as the gateway stores them (one line, or one JSON object, each), from
    a cursor on; with --cursor-file a restarted watch gets each record exactly once."""
    from gateway._proto import exchange_pb2

    start = _start_cursor(after_cursor, cursor_file)
    request = exchange_pb2.WatchRequest(after_cursor=start,
                                        filter=_filter(region, sector, product_id, _utc(after), _utc(before)))
    seen = 0
    with calling(connection, as_json) as channel:
        stream = _stub(channel).Watch(request)
        try:
            for answer in stream:
                _emit(answer.record, as_json)
                _remember(cursor_file, answer.record.cursor)
                seen += 1
                if count and seen >= count:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            stream.cancel()


@click.command()
@click.option("--after", type=click.IntRange(0), help="Start after this cursor (default 0, or --cursor-file's).")
@click.option("--cursor-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Resume from the cursor saved here; save the last one fetched.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True, help="Records per batch.")
@click.option("--into", "into", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="GATEWAY.TOML",
              help="Replicate into this gateway's store, verified as its Submit does, instead of printing.")
@click.option("--peer-id", help="With --into: the peer's trust-list entity id (cursor and source_peer).")
@connection_options
def sync(after: int | None, cursor_file: Path | None, limit: int, into: Path | None, peer_id: str | None,
         connection, as_json: bool) -> None:
    """Fetch a peer's record feed with Sync (a platform's client certificate) until caught up:
    print it, or with --into replicate it into a gateway's store (resuming from its cursor)."""
    if into:
        _sync_into(into, peer_id, limit, connection, as_json)
        return
    from gateway._proto import exchange_pb2

    cursor = _start_cursor(after, cursor_file)
    with calling(connection, as_json) as channel:
        stub = _stub(channel)
        while True:
            answer = stub.Sync(exchange_pb2.SyncRequest(after_cursor=cursor, limit=limit), timeout=connection.timeout)
            for record in answer.records:
                _emit(record, as_json)
            cursor = max(cursor, answer.next_cursor)
            _remember(cursor_file, cursor)
            if not answer.more or not answer.records:
                break


def _sync_into(config_path: Path, peer_id: str | None, limit: int, connection, as_json: bool) -> None:
    from gateway.server import load_config
    from gateway.server.peers import local_replicator

    if not peer_id:
        raise click.UsageError(_("--into needs --peer-id (the peer's trust-list entity id)"))
    try:
        config = load_config(config_path)
    except GatewayError as error:
        fail(error, as_json)
    with local_replicator(config) as replicator, calling(connection, as_json) as channel:
        outcome = replicator.pull(_stub(channel), peer_id, batch=limit, timeout=connection.timeout)
    refused = [{"cursor": r.cursor, "reason": r.reason, "message": r.message} for r in outcome.refused]
    if as_json:
        click.echo(json.dumps({"peer": peer_id, "cursor": outcome.cursor, "stored": outcome.stored,
                               "duplicates": outcome.duplicates, "refused": refused}, ensure_ascii=False))
    else:
        click.echo(_("{peer}: stored {stored}, already held {duplicates}, refused {refused}; cursor now {cursor}")
                   .format(peer=peer_id, stored=outcome.stored, duplicates=outcome.duplicates, refused=len(refused),
                           cursor=outcome.cursor))
        for r in refused:
            click.echo("  " + _("refused #{cursor}: {reason}: {message}").format(**r))
    sys.exit(1 if refused else 0)
