"""Every message the Chinese catalogue must translate, collected from where it lives:
``_()``/``N_()`` calls in our sources (error templates included), each error reason's text, the
client's and the CLI's hints, the help of every ``fpgw`` command and its options, and the click
messages a user meets. ``python -m gateway.cli.catalogue`` adds missing ones to the ``.po``
(empty, for a translator) and drops those no longer used; ``tests/test_i18n.py`` fails while
any is untranslated.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
import tomllib
from importlib import resources
from pathlib import Path

import click

from gateway.core import errors
from gateway.core.i18n import LOCALE_DIR, reason_source

# Our packages: every message of ours is written in one of them.
SOURCES = tuple(Path(__file__).resolve().parents[2] / name for name in ("gateway", "mappings", "signing"))
PO_FILE = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "fpgw.po"

# click's own messages (its gettext msgids) that users of these commands see.
CLICK_MESSAGES = (
    "Usage:", "Options", "Commands", "Error: {message}", "Try '{command} {option}' for help.",
    "Show this message and exit.", "Show the version and exit.", "Missing argument", "Missing option",
    "Missing parameter", "Missing command.", "No such command {name!r}.", "No such option: {name}",
    "No such option {name!r}.", "Invalid value for {param_hint}: {message}", "Invalid value: {message}",
    "Option {name!r} does not take a value.", "Option {name!r} requires an argument.",
    "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.",
    "{value!r} is not one of {choices}.", "{value!r} is not a valid boolean. Recognized values: {states}",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a directory.", "{name} {filename!r} is a file.",
    "default: {default}", "required", "Aborted!", "Got unexpected extra argument ({args})",
    "%(prog)s, version %(version)s", "Did you mean {possibility}?",
)


def _extracted() -> set[str]:
    from babel.messages.extract import extract_from_dir

    found = set()
    for source in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(source), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _reasons() -> set[str]:
    return {reason_source(getattr(errors, n).__doc__) for n in errors.__all__
            if isinstance(getattr(errors, n), type) and getattr(errors, n).__doc__}


def _hints() -> set[str]:
    from gateway.cli.hints import table

    data = tomllib.loads(resources.files("gateway.client").joinpath("hints.toml").read_text(encoding="utf-8"))
    cli = table()
    return ({text for section in data.values() for text in section.values()} | set(cli["reasons"].values())
            | {cli["looks_like_xml"], cli["looks_like_json"]})


def _commands(command: click.Command, ctx: click.Context) -> list[click.Command]:
    """``command`` and every command under it."""
    found = [command]
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            found += _commands(sub, click.Context(sub, parent=ctx, info_name=name))
    return found


def _help_texts() -> set[str]:
    """The help of every ``fpgw`` command and of its options."""
    from gateway.cli import main

    found = set()
    for command in _commands(main, click.Context(main, info_name="fpgw")):
        if command.help:
            found.add(inspect.cleandoc(command.help).partition("\f")[0])
        for param in command.params:
            if isinstance(param, click.Option) and param.help and param.name != "help":
                found.add(param.help)
    return found


def _error_classes(trees: dict[Path, ast.Module]) -> set[str]:
    """The names of our error classes: those of ``gateway.core.errors`` and, in any source,
    a class derived from one of them."""
    names = {n for n in errors.__all__ if n != "FieldViolation"}
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        isinstance(b, ast.Name | ast.Attribute) and _called(b) in names for b in node.bases):
                    names.add(node.name)
                    grown = True
    return names


def _called(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _written_in_english(node: ast.expr) -> bool:
    """Text written out at this place: a literal, an f-string, a concatenation or %/format of one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _written_in_english(node.left) or _written_in_english(node.right)
    if isinstance(node, ast.IfExp):
        return _written_in_english(node.body) or _written_in_english(node.orelse)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):  # .format(), .strip() and the like
        return _written_in_english(node.func.value)
    return False


def _english_words(node: ast.AST) -> bool:
    """Words (three letters or more) written out in ``node``, outside ``_()`` and ``N_()``."""
    if isinstance(node, ast.Call) and _called(node.func) in ("_", "N_"):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and re.search(r"[A-Za-z]{3,}", node.value) is not None
    if isinstance(node, ast.Call):  # what a call returns is not text written here, but its receiver may be
        return isinstance(node.func, ast.Attribute) and _english_words(node.func.value)
    if isinstance(node, ast.FormattedValue):
        return False
    return any(_english_words(child) for child in ast.iter_child_nodes(node))


# Problems whose first argument is the place and the second the message.
_MESSAGE_AFTER_PATH = {"FieldViolation": 1, "InputFileError": 1}


def unmarked() -> list[str]:
    """``file:line`` of every error (ours, click's, a :class:`FieldViolation`) made with text
    that is written out in English instead of marked with ``N_``/``_``, which the catalogue
    cannot see, and of every line a command (or the demo) prints with English words written out."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path))
             for source in SOURCES for path in sorted(source.rglob("*.py"))}
    classes = _error_classes(trees)
    found = []
    for path, tree in trees.items():
        # Other exception classes raised here (click's usage errors, the CLI's own): all but
        # Python's own exceptions, which name a programming error, not the operator's.
        raised = {name for node in ast.walk(tree) if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                  and (name := _called(node.exc.func)) and name[0].isupper()} - set(dir(builtins))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node.func)
            if name in ("echo", "secho", "say") and path.parent.name in ("cli", "demo") and node.args \
                    and _english_words(node.args[0]):
                found.append(f"{path.relative_to(SOURCES[0].parent)}:{node.lineno}")
                continue
            position = _MESSAGE_AFTER_PATH.get(name, 0 if name in classes or name in raised or name == "cls" else None)
            if position is None:
                continue
            given = [*node.args[position:position + 1], *(k.value for k in node.keywords if k.arg in ("message", "detail"))]
            if any(_written_in_english(arg) for arg in given):
                found.append(f"{path.relative_to(SOURCES[0].parent)}:{node.lineno}")
    return found


def messages() -> set[str]:
    """Every msgid the catalogue must hold."""
    return _extracted() | _reasons() | _hints() | _help_texts() | set(CLICK_MESSAGES)


def update() -> tuple[int, int]:
    """Add missing msgids to the .po (untranslated) and drop unused ones; (added, dropped)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    with PO_FILE.open("rb") as source:
        old = read_po(source)
    wanted = messages()
    new = Catalog(locale="zh_CN", domain="fpgw", project="jjj-footprint-gateway", charset="utf-8")
    for msgid in sorted(wanted):
        held = old.get(msgid)
        new.add(msgid, held.string if held else "", flags=("python-format",) if "%(" in msgid else ())
    added = len(wanted - {m.id for m in old if m.id})
    dropped = len({m.id for m in old if m.id} - wanted)
    if not added and not dropped:
        return 0, 0  # leave the file (and its dates) alone
    with PO_FILE.open("wb") as target:
        write_po(target, new, width=0, omit_header=False, sort_output=True)
    return added, dropped


if __name__ == "__main__":
    print("added %d, dropped %d" % update())
