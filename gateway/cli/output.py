"""Input, output and error reporting shared by every ``fpgw`` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from gateway.core.errors import GatewayError

EXIT_INVALID = 1


def read_input(source: str) -> bytes:
    """Bytes of a file, or of stdin for ``-``."""
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise click.FileError(source, hint=exc.strerror) from None


def write_output(target: str, data: bytes) -> None:
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(target).write_bytes(data)


def fail(exc: GatewayError, as_json: bool, *, source: str | None = None) -> NoReturn:
    """Report a gateway error on stderr (JSON with ``--json``) and exit 1."""
    if as_json:
        payload = exc.as_dict()
        if source is not None:
            payload["file"] = source
        click.echo(json.dumps({"error": payload}, ensure_ascii=False), err=True)
    else:
        prefix = f"{source}: " if source else ""
        click.echo(f"error: {prefix}{exc.reason}: {exc}", err=True)
        for v in exc.violations[1:]:
            click.echo(f"  {v.path}: {v.message}", err=True)
    sys.exit(EXIT_INVALID)
