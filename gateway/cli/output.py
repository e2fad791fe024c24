"""Input, output and error reporting shared by every ``fpgw`` command.

One rule for every command: exit 0 when it did its job, 1 when an input (a document, an
attestation, a key, a trust list) is invalid or untrusted, 2 when the command line is wrong,
which includes naming a file that does not exist, cannot be read or (as a directory or glob)
matches no file. With ``--json`` every error, usage errors included, is one JSON object
``{"error": {"reason", "message", ...}}`` on stderr, and every summary a command prints
with ``--json`` has snake_case keys (documents it writes keep their published form).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from gateway.core.errors import GatewayError
from gateway.core.i18n import ERROR, HINT, _, error_text, localize, reason_label

from .hints import cli_message, hint

EXIT_INVALID = 1
EXIT_USAGE = 2


class InputFileError(click.ClickException):
    """A file the command line names that is missing or unreadable, or a directory or glob that
    matches no file: a usage error (exit 2), reported against that file."""

    exit_code = EXIT_USAGE
    reason = "FILE_NOT_FOUND"

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(detail)
        self.path = path


class InputFile(click.Path):
    """A file argument that must exist: missing is :class:`InputFileError`, like every other
    file the command reads (click's own check would word it, and exit, differently)."""

    def __init__(self, *, allow_dash: bool = False, dir_okay: bool = False, path_type: type | None = None) -> None:
        super().__init__(dir_okay=dir_okay, allow_dash=allow_dash, path_type=path_type)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if not (self.allow_dash and text == "-"):
            path = Path(text)
            if not path.exists():
                raise InputFileError(text, _("no such file"))
            if path.is_dir() and not self.dir_okay:
                raise InputFileError(text, _("is a directory, not a file"))
        return super().convert(value, param, ctx)


def read_input(source: str) -> bytes:
    """Bytes of a file, or of stdin for ``-``."""
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise InputFileError(source, _("no such file")) from None
    except OSError as exc:
        raise InputFileError(source, exc.strerror or str(exc)) from None


def snake_keys(value: Any) -> Any:
    """``value`` with every mapping key in snake_case: the one key style of the CLI's own JSON
    summaries (as ``assess --json`` has it), whatever style the library objects use. Documents
    the CLI writes as files (translation reports, attestations, trust lists) keep their
    published form."""
    if isinstance(value, dict):
        return {re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", k).lower(): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def echo_json(value: Any, *, indent: int | None = 2) -> None:
    """A JSON summary on stdout, keys in snake_case."""
    click.echo(json.dumps(snake_keys(value), ensure_ascii=False, indent=indent))


def write_output(target: str, data: bytes) -> None:
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(target).write_bytes(data)


def fail(exc: GatewayError, as_json: bool, *, source: str | None = None, data: bytes | None = None,
         syntax: str | None = None) -> NoReturn:
    """Report a gateway error on stderr (JSON with ``--json``) and exit 1.

    ``data`` and ``syntax`` (what the document was read as) let the hint say when a file
    looks like the other syntax.
    """
    ctx = click.get_current_context(silent=True)
    advice = hint(exc, ctx, data, syntax)
    if as_json:
        payload = exc.as_dict()
        payload["message"] = cli_message(localize(exc.text), ctx)
        if exc.violations:
            payload["violations"] = [{"path": v.path, "message": localize(v.text)} for v in exc.violations]
        if source is not None:
            payload["file"] = source
        if advice:
            payload["hint"] = advice
        click.echo(json.dumps({"error": payload}, ensure_ascii=False), err=True)
    else:
        prefix = f"{source}: " if source else ""
        click.echo(f"{_(ERROR)}: {prefix}{reason_label(exc.reason)}: {cli_message(error_text(exc), ctx)}", err=True)
        for v in exc.violations[1:]:
            click.echo(f"  {v.path}: {localize(v.text)}", err=True)
        if advice:
            click.echo(f"{_(HINT)}: {advice}", err=True)
    sys.exit(EXIT_INVALID)


def report_click_error(exc: click.ClickException, as_json: bool) -> NoReturn:
    """A usage or input-file error, as click prints it or as JSON; exits with its code."""
    if isinstance(exc, InputFileError):
        if as_json:
            error = {"reason": exc.reason, "message": f"{exc.path}: {exc.format_message()}", "file": exc.path}
            click.echo(json.dumps({"error": error}, ensure_ascii=False), err=True)
        else:
            click.echo(_("error: {path}: {reason}: {value}").format(path=exc.path, reason=exc.reason, value=exc.format_message()), err=True)
        sys.exit(exc.exit_code)
    if as_json:
        error = {"reason": "USAGE_ERROR", "message": exc.format_message()}
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            error["command"] = ctx.command_path
        click.echo(json.dumps({"error": error}, ensure_ascii=False), err=True)
    else:
        exc.show()
    sys.exit(exc.exit_code)
