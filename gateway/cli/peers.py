"""``fpgw peers status``: each replication peer's state, read from a running gateway's
monitoring endpoint (``[metrics]``). The peer set itself is the ``[peers]`` section of the
gateway's configuration: edit it (by hand, or with ``fpgw peers add/remove``, which keep
the file's comments and write only a file that loads) and send SIGHUP (``systemctl reload
fpgw``, or ``--pid``) to apply it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from gateway.cli.output import EXIT_INVALID, fail
from gateway.cli.remote import table
from gateway.core.errors import ConfigurationError, GatewayError
from gateway.core.i18n import ERROR, HINT, N_, _, reason_label


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
        click.echo(f"{_(ERROR)}: {reason_label('UNAVAILABLE')}: " + _("cannot read {url}: {problem}").format(
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


_CONFIG = click.option("--config", "config_path", required=True,
                       type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="The gateway's configuration file, edited in place.")
_PID = click.option("--pid", type=int, help="Send SIGHUP to this gateway process (its supervisor) to apply the "
                    "change now.")
_JSON = click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")


@peers.command()
@click.argument("name")
@_CONFIG
@click.option("--address", required=True, help="The peer's gRPC address, host:port.")
@click.option("--identity", required=True, help="The peer's trust-list entity id (a SAN URI of its server "
              "certificate).")
@click.option("--ca", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CA of the peer's server certificate.")
@click.option("--server-name", default="", help="TLS host name to check instead of the address's host.")
@click.option("--interval", type=click.FloatRange(min=0, min_open=True),
              help="Seconds between pulls after catching up (default: [peers] interval_seconds).")
@_PID
@_JSON
def add(name: str, config_path: Path, address: str, identity: str, ca: Path | None, server_name: str,
        interval: float | None, pid: int | None, as_json: bool) -> None:
    """Add a peer to the [peers] section of a gateway's configuration, written only when the
    result loads; SIGHUP applies it."""
    import tomlkit

    def change(document: Any) -> None:
        section = document.setdefault("peers", tomlkit.table())
        if name in section:
            raise ConfigurationError(N_("{file} already has a peer {name!r}: remove it first", file=config_path, name=name),
                                     path=f"peers.{name}")
        peer = tomlkit.table()
        peer["address"], peer["identity"] = address, identity
        if ca is not None:
            peer["ca"] = str(ca.resolve())
        if server_name:
            peer["server_name"] = server_name
        if interval is not None:
            peer["interval_seconds"] = interval
        section[name] = peer

    _edit(config_path, change, as_json)
    click.echo(_("added peer {name} ({identity}) to {file}").format(name=name, identity=identity, file=config_path))
    _apply(pid, as_json)


@peers.command()
@click.argument("name")
@_CONFIG
@_PID
@_JSON
def remove(name: str, config_path: Path, pid: int | None, as_json: bool) -> None:
    """Remove a peer from the [peers] section of a gateway's configuration; SIGHUP applies it
    (its stored cursor stays, so adding it again resumes where it stopped)."""

    def change(document: Any) -> None:
        section = document.get("peers")
        if section is None or not isinstance(section.get(name), dict):
            raise ConfigurationError(N_("{file} has no peer {name!r}", file=config_path, name=name),
                                     path=f"peers.{name}")
        del section[name]

    _edit(config_path, change, as_json)
    click.echo(_("removed peer {name} from {file}").format(name=name, file=config_path))
    _apply(pid, as_json)


def _edit(config_path: Path, change: Callable[[Any], None], as_json: bool) -> None:
    """Apply ``change`` to the parsed file (comments and layout kept) and replace the file
    only when the result loads as a configuration; else report why and exit 1."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    from gateway.server import load_config

    candidate = config_path.with_name(f".{config_path.name}.{os.getpid()}.new")
    try:
        try:
            document = tomlkit.parse(config_path.read_text(encoding="utf-8"))
        except TOMLKitError as exc:
            raise ConfigurationError(N_("cannot read configuration {path}: {exc}", path=config_path, exc=exc)) from exc
        change(document)
        candidate.write_text(tomlkit.dumps(document), encoding="utf-8")
        shutil.copymode(config_path, candidate)
        load_config(candidate)  # the environment's overrides included, as the gateway will read it
        os.replace(candidate, config_path)
    except GatewayError as error:
        fail(error, as_json)
    finally:
        candidate.unlink(missing_ok=True)


def _apply(pid: int | None, as_json: bool) -> None:
    if pid is None:
        click.echo(_("apply it with: systemctl reload fpgw (or kill -HUP the gateway's process)"))
        return
    try:
        os.kill(pid, signal.SIGHUP)
    except OSError as exc:
        fail(ConfigurationError(N_("cannot signal process {pid}: {problem}", pid=pid, problem=exc.strerror), path="pid"),
             as_json)
    click.echo(_("sent SIGHUP to process {pid}: the gateway applies the new peer set").format(pid=pid))
