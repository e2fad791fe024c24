"""``fpgw serve``: run the gateway until SIGTERM."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
import orjson

from ..core.errors import GatewayError
from ..core.i18n import ERROR, _, error_text, reason_label
from .output import InputFile


def _fail(error: GatewayError, as_json: bool, code: int) -> None:
    if as_json:
        click.echo(orjson.dumps(error.as_dict()).decode(), err=True)
    else:
        click.echo(f"{_(ERROR)}: {reason_label(error.reason)}: {error_text(error)}", err=True)
    sys.exit(code)


@click.command()
@click.option("--config", "config_path", type=InputFile(path_type=Path),
              help="TOML configuration file (FPGW_<SECTION>_<KEY> variables override it).")
@click.option("--address", help="host:port to listen on (overrides server.address).")
@click.option("--insecure", is_flag=True, help="Allow plaintext on a non-loopback address.")
@click.option("--json", "as_json", is_flag=True, help="Errors and the start line as JSON.")
@click.option("--check-config", "check_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Only validate FILE (settings and that every file it names exists), then exit 0 or 1.")
@click.option("--no-files", is_flag=True, help="With --check-config: do not require the certificate, key and "
              "trust-list files to exist (a template).")
def serve(config_path: Path | None, address: str | None, insecure: bool, as_json: bool, check_path: Path | None,
          no_files: bool) -> None:
    """Serve the gRPC API (and the HTTPS API when [https] is configured) until SIGTERM or
    Ctrl-C, then shut down gracefully. SIGHUP re-reads the configuration's [peers] and
    [logging] without a restart."""
    from ..rest import serve as run
    from ..server import load_config
    from ..server.config import ConfigFile
    from ..server.logs import configure_logging

    env = dict(os.environ)
    if address:
        env["FPGW_SERVER_ADDRESS"] = address
    if insecure:
        env["FPGW_SERVER_INSECURE"] = "true"
    if check_path is not None:
        _check(check_path, env, files=not no_files, as_json=as_json)
        return
    try:
        config = load_config(config_path, env)
    except GatewayError as error:
        _fail(error, as_json, 2)
    configure_logging(config.logging)

    def started(ports) -> None:
        from ..rest import base_url

        host = config.address.rsplit(":", 1)[0]
        port = ports.grpc
        security = "plaintext" if config.tls is None else ("mtls" if config.tls.mutual else "tls")
        trust = str(config.trust.list) if config.trust else None
        https = base_url(config, ports.https) if ports.https is not None else None
        if as_json:
            click.echo(orjson.dumps({"address": f"{host}:{port}", "port": port, "security": security,
                                     "https": https, "trust_list": trust,
                                     "signs_as": config.signer_id if config.signing else None,
                                     "processes": config.process_count}).decode())
        else:
            parts = [_("fpgw: serving on {address} ({security}), store {store}").format(
                address=f"{host}:{port}", security=security, store=config.store.url)]
            if https:
                parts.append(_("https {url}").format(url=https))
            parts.append(_("trust list {path}").format(path=trust) if trust else _("no trust list (development mode)"))
            click.echo(_(", ").join(parts))
        sys.stdout.flush()

    try:
        run(config, on_started=started, reload=ConfigFile(config_path, env) if config_path is not None else None)
    except GatewayError as error:
        _fail(error, as_json, 1)


def _check(path: Path, env: dict[str, str], *, files: bool, as_json: bool) -> None:
    from ..server import load_config
    from ..server.checkconfig import missing_files, setting_problems, summary

    try:
        config = load_config(path, env)
    except GatewayError as error:
        _fail(error, as_json, 1)
    missing = missing_files(config) if files else []
    problems = [(where, f"names {name}, which does not exist") for where, name in missing] + setting_problems(config)
    if as_json:
        click.echo(orjson.dumps({"file": str(path), "ok": not problems, "problems": problems,
                                 **summary(config)}).decode())
    elif problems:
        for where, problem in problems:
            click.echo(f"{_(ERROR)}: {reason_label('INVALID_CONFIGURATION')}: {path}: {where} {problem}", err=True)
    else:
        facts = summary(config)
        text = _("{path}: configuration ok ({security} on {address}, {processes} server processes, store {store}, "
                 "{peers} peers, metrics {metrics})")
        click.echo(text.format(path=path, security=facts["security"], address=facts["address"],
                               processes=facts["processes"], store=facts["store"], peers=len(facts["peers"]),
                               metrics=facts["metrics"] or _("off"))
                   + (" " + _("(files not checked)") if not files else ""))
    sys.exit(1 if problems else 0)
