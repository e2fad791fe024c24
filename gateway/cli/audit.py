"""``fpgw audit``: check the store's hash-chained audit log."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from gateway.core.i18n import ERROR, _, error_text, reason_label
from ..core.errors import GatewayError
from .output import InputFile


@click.group()
def audit() -> None:
    """Inspect the audit log."""


@audit.command()
@click.option("--store", "store_url", help="Store URL: a SQLite file or postgresql://...")
@click.option("--schema", default=None, help="PostgreSQL schema (default from config, else fpgw).")
@click.option("--config", "config_path", type=InputFile(path_type=Path),
              help="Take the store from this server configuration.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")
def verify(store_url: str | None, schema: str | None, config_path: Path | None, as_json: bool) -> None:
    """Recompute the audit hash chain; exit 1 naming the first bad entry if it is broken."""
    from ..server.config import load_config
    from ..store import open_store

    try:
        if store_url is None:
            if config_path is None:
                raise click.UsageError(_("give --store or --config"))
            store_config = load_config(config_path).store
            store_url, schema = store_config.url, schema or store_config.schema
        store = open_store(store_url, schema=schema or "fpgw")
        try:
            count = store.verify_audit()
        finally:
            store.close()
    except GatewayError as error:
        if as_json:
            click.echo(orjson.dumps({"ok": False, **error.as_dict()}).decode())
        else:
            click.echo(f"{_(ERROR)}: {reason_label(error.reason)}: {error_text(error)}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(orjson.dumps({"ok": True, "entries": count}).decode())
    else:
        click.echo(_("audit log intact: {count} entries").format(count=count))
