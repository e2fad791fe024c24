"""``fpgw serve``: run the gateway until SIGTERM."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click
import orjson

from ..core.errors import GatewayError


def _fail(error: GatewayError, as_json: bool, code: int) -> None:
    if as_json:
        click.echo(orjson.dumps(error.as_dict()).decode(), err=True)
    else:
        click.echo(f"error: {error.reason}: {error}", err=True)
    sys.exit(code)


@click.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML configuration file (FPGW_<SECTION>_<KEY> variables override it).")
@click.option("--address", help="host:port to listen on (overrides server.address).")
@click.option("--insecure", is_flag=True, help="Allow plaintext on a non-loopback address.")
@click.option("--json", "as_json", is_flag=True, help="Errors and the start line as JSON.")
def serve(config_path: Path | None, address: str | None, insecure: bool, as_json: bool) -> None:
    """Serve the gRPC API (and the HTTPS API when [https] is configured) until SIGTERM or
    Ctrl-C, then shut down gracefully."""
    from ..rest import serve as run
    from ..server import load_config

    env = dict(os.environ)
    if address:
        env["FPGW_SERVER_ADDRESS"] = address
    if insecure:
        env["FPGW_SERVER_INSECURE"] = "true"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        config = load_config(config_path, env)
    except GatewayError as error:
        _fail(error, as_json, 2)

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
                                     "signs_as": config.signer_id if config.signing else None}).decode())
        else:
            click.echo(f"fpgw: serving on {host}:{port} ({security}), store {config.store.url}"
                       + (f", https {https}" if https else "")
                       + (f", trust list {trust}" if trust else ", no trust list (development mode)"))
        sys.stdout.flush()

    try:
        run(config, on_started=started)
    except GatewayError as error:
        _fail(error, as_json, 1)
