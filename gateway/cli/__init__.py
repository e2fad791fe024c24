"""The ``fpgw`` command line.

Sub-commands live one family per module and are imported only when used, so ``fpgw
--help`` and ``fpgw convert`` stay fast and an optional dependency of one family cannot
break another. Exit codes (one rule, :mod:`gateway.cli.output`): 0 ok, 1 invalid,
untrusted or untranslatable input, 2 usage, including a named file that is missing or a
directory or glob that matches no file; ``--json`` makes every error JSON.
"""

from __future__ import annotations

import errno
import gettext
import importlib
import os
import sys
from typing import Any

import click

from gateway.core.i18n import _, activate

from .help import TranslatingFormatter, short_help
from .output import report_click_error

# Our messages, click's and the help pages in the locale's language (LANG=zh_CN.UTF-8 gives
# Chinese) until --lang says otherwise. Every click context formats help through the
# catalogue; the class attribute is the one hook click has for all commands at once.
activate()
click.Context.formatter_class = TranslatingFormatter

# gRPC's C core writes its own lines to stderr (a failed TLS handshake, fork warnings); our
# commands report every failure in one line of their own. GRPC_VERBOSITY=ERROR brings it back.
os.environ.setdefault("GRPC_VERBOSITY", "NONE")

# name -> "module:attribute"; the help line is read from the command itself.
COMMANDS: dict[str, str] = {
    "formats": "gateway.cli.translate:formats",
    "validate": "gateway.cli.translate:validate",
    "convert": "gateway.cli.translate:convert",
    "demo": "gateway.cli.demo:demo",
    "keys": "gateway.cli.keys:keys",
    "trust": "gateway.cli.trust:trust",
    "sign": "gateway.cli.sign:sign",
    "verify": "gateway.cli.sign:verify",
    "serve": "gateway.cli.serve:serve",
    "audit": "gateway.cli.audit:audit",
    "assess": "gateway.cli.recognition:assess_command",
    "policy": "gateway.cli.recognition:policy",
    "recognition": "gateway.cli.recognition:recognition",
    "conformance": "gateway.cli.conformance:conformance",
    "pact": "gateway.cli.pact:pact",
    "submit": "gateway.cli.exchange:submit",
    "get": "gateway.cli.exchange:get",
    "list": "gateway.cli.exchange:list_command",
    "watch": "gateway.cli.exchange:watch",
    "sync": "gateway.cli.exchange:sync",
    "peers": "gateway.cli.peers:peers",
    "tls": "gateway.cli.tls:tls",
    "label": "gateway.cli.label:label",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short_help(self.get_command(ctx, name), formatter.width - 6 - len(name)))
                for name in self.list_commands(ctx)]
        with formatter.section(gettext.gettext("Commands")):  # click's own heading, from its catalogue
            formatter.write_dl(rows)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Click's main, with usage and input-file errors reported as JSON under ``--json``."""
        argv = list(sys.argv[1:] if args is None else args)
        activate()  # the environment's language for this run; --lang (eager) may change it
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            report_click_error(exc, as_json="--json" in argv)
        except click.Abort:
            click.echo(_("Aborted!"), err=True)
            sys.exit(1)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                sys.exit(1)
            raise
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        activate(value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jjj-footprint-gateway", prog_name="fpgw")
@click.option("--lang", type=click.Choice(["en", "zh"]), is_eager=True, expose_value=False, callback=_set_language,
              help="Language of messages and help (default: from LANG, e.g. zh_CN.UTF-8).")
def main() -> None:
    """JJJ Footprint Gateway: translate, sign, verify and recognise product carbon
    footprint (产品碳足迹) declarations between the Jing-Jin-Ji regional format and
    PACT, ISO 14067 and EU battery passport formats.

    \b
    Start with:
      fpgw demo                            three regional gateways, end to end
      fpgw formats                         what can be read and written
      fpgw validate decl.json              check a declaration
      fpgw convert decl.json --to pact-v3  translate it, with a loss report
      fpgw verify / fpgw assess            check signatures, decide recognition (互认)
    """
