"""``fpgw peers status``: each replication peer's state, read from a running gateway's
monitoring endpoint (``[metrics]``). The peer set itself is the ``[peers]`` section of the
gateway's configuration: edit it and send SIGHUP (``systemctl reload fpgw``) to apply it."""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import click

from gateway.cli.output import EXIT_INVALID, fail
from gateway.cli.remote import table
from gateway.core.errors import GatewayError
from gateway.core.i18n import ERROR, HINT, _


@click.group()
def peers() -> None:
    """Replication peers of a running gateway ([peers] in its configuration; SIGHUP reloads it)."""


def _endpoint(config_path: Path | None, url: str | None) -> str:
    if url:
        return url.rstrip("/")
    if config_path is None:
        raise click.UsageError(_("give --config GATEWAY.TOML or --url http://HOST:PORT"))
    from gateway.server import load_config

    config = load_config(config_path)
    if config.metrics is None:
        raise click.UsageError(_("{config_path} has no [metrics] section: the gateway serves no peer state").format(config_path=config_path))
    return f"http://{config.metrics.address}"


@peers.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The gateway's configuration (its [metrics] address is asked).")
@click.option("--url", help="Monitoring endpoint, e.g. http://127.0.0.1:9464 (instead of --config).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def status(config_path: Path | None, url: str | None, as_json: bool) -> None:
    """Last cursor, lag, record counts and last error per peer; exit 1 when a peer's last pull failed."""
    try:
        base = _endpoint(config_path, url)
    except GatewayError as error:
        fail(error, as_json)
    try:
        with urllib.request.urlopen(f"{base}/peers", timeout=10) as answer:
            states = json.loads(answer.read())["peers"]
    except (urllib.error.URLError, OSError, ValueError) as exc:
        click.echo(f"{_(ERROR)}: UNAVAILABLE: " + _("cannot read {url}: {problem}").format(
            url=f"{base}/peers", problem=getattr(exc, "reason", exc))
            + f" ({_(HINT)}: " + _("is the gateway running with [metrics] at that address?") + ")", err=True)
        sys.exit(EXIT_INVALID)
    if as_json:
        click.echo(json.dumps(states, ensure_ascii=False, indent=2))
    else:
        now = time.time()
        rows = [(s["name"], s["identity"], s["address"], s["cursor"], f"{s['lag_seconds']:.1f}s", s["stored"],
                 s["refused"], _ago(s["last_success_at"], now), s["last_error"] or "-") for s in states]
        headers = (_("peer"), _("identity"), _("address"), _("cursor"), _("lag"), _("stored"), _("refused"),
                   _("last ok"), _("last error"))
        click.echo(table(headers, rows) if rows else _("no peers configured"))
    sys.exit(EXIT_INVALID if any(s["last_error"] for s in states) else 0)


def _ago(moment: float | None, now: float) -> str:
    return _("never") if moment is None else _("{seconds}s ago").format(seconds=f"{now - moment:.0f}")
