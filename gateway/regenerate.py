"""Regenerate every generated artefact of the repository, or check that none is stale.

    python -m gateway.regenerate            # rewrite what is stale; print each file written
    python -m gateway.regenerate --check    # print what is stale; exit 1 when anything is
    python -m gateway.regenerate --only docs --only conformance   # some of them

The artefacts, in the order they depend on each other:

- ``proto``: the gRPC code in ``gateway/_proto/`` from ``proto/`` (needs grpcio-tools, a test
  dependency; compiler version stamps are not compared);
- ``xsd``: the shipped XSD of every XML rendering (``mappings.xmlcodec``);
- ``docs``: the pages ``gateway.docgen`` writes (formats, code lists, CLI, recognition) and
  the canonical JSON Schema;
- ``reasons``: the error reason table in ``docs/api.md``;
- ``conformance``: the conformance suite's generated parts (``conformance_tests.generate``:
  example copies, the translation group, the re-signed trust list, every ``made`` input).

The staleness tests (``tests/test_regenerate.py``) call :func:`stale` for each, so a test
failure and this command always agree. Run it from a checkout: it writes into the repository.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_PAGE = ROOT / "docs" / "api.md"


@dataclass(frozen=True)
class Artefact:
    name: str
    stale: Callable[[], list[Path]]
    write: Callable[[], list[Path]]


def _proto_stale() -> list[Path]:
    from gateway._proto import regenerate

    return regenerate.stale_files()


def _proto_write() -> list[Path]:
    from gateway._proto import regenerate

    return regenerate.write()


def _stale_xsd_formats() -> list:
    from mappings.registry import available, get_format
    from mappings.xmlcodec import XmlRendering

    return [f for f in map(get_format, available()) if isinstance(f, XmlRendering) and not f.xsd_is_current()]


def _xsd_write() -> list[Path]:
    stale = _stale_xsd_formats()
    for fmt in stale:
        fmt.write_xsd()
    return [Path(str(fmt.xsd_path())) for fmt in stale]


def _stale_pages() -> dict[Path, str]:
    from gateway import docgen

    return {path: text for path, text in docgen.pages().items()
            if not path.exists() or path.read_text("utf-8") != text}


def _docs_write() -> list[Path]:
    pages = _stale_pages()
    for path, text in pages.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return sorted(pages)


def _api_page() -> str:
    """docs/api.md with its reasons block replaced by the current table."""
    from gateway.server.reasons import BEGIN, END, reasons_markdown

    text = API_PAGE.read_text("utf-8")
    head, found, rest = text.partition(BEGIN)
    if not found or END not in rest:
        raise RuntimeError(f"{API_PAGE} has no {BEGIN} … {END} block")
    return head + reasons_markdown() + rest.split(END, 1)[1].removeprefix("\n")


def _reasons_stale() -> list[Path]:
    return [API_PAGE] if _api_page() != API_PAGE.read_text("utf-8") else []


def _reasons_write() -> list[Path]:
    stale = _reasons_stale()
    if stale:
        API_PAGE.write_text(_api_page(), "utf-8")
    return stale


def _suite_differences(committed: Path, fresh: Path) -> list[Path]:
    """Files of ``fresh`` (a regenerated copy of ``committed``) that are new or differ."""
    out = []
    for path in sorted(p for p in fresh.rglob("*") if p.is_file()):
        relative = path.relative_to(fresh)
        mine = committed / relative
        if not mine.is_file() or not filecmp.cmp(mine, path, shallow=False):
            out.append(mine)
    out += [p for p in sorted(committed.rglob("*")) if p.is_file() and not (fresh / p.relative_to(committed)).exists()]
    return out


def _conformance_stale() -> list[Path]:
    from conformance_tests.generate import generate
    from conformance_tests.suite import SUITES

    committed = SUITES / "v1"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "v1"
        shutil.copytree(committed, fresh, ignore=shutil.ignore_patterns("__pycache__"))
        generate(root=fresh)
        return _suite_differences(committed, fresh)


def _conformance_write() -> list[Path]:
    from conformance_tests.generate import generate

    stale = _conformance_stale()
    if stale:
        generate()
    return stale


ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("proto", _proto_stale, _proto_write),
    Artefact("xsd", lambda: [Path(str(f.xsd_path())) for f in _stale_xsd_formats()], _xsd_write),
    Artefact("docs", lambda: sorted(_stale_pages()), _docs_write),
    Artefact("reasons", _reasons_stale, _reasons_write),
    Artefact("conformance", _conformance_stale, _conformance_write),
)


def artefact(name: str) -> Artefact:
    return next(a for a in ARTEFACTS if a.name == name)


def stale(name: str) -> list[Path]:
    """The files of artefact ``name`` that differ from what would be generated now."""
    return artefact(name).stale()


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.regenerate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when anything is stale")
    parser.add_argument("--only", action="append", choices=[a.name for a in ARTEFACTS], help="only this artefact (repeatable)")
    args = parser.parse_args(argv)
    any_stale = False
    for item in ARTEFACTS:
        if args.only and item.name not in args.only:
            continue
        paths = item.stale() if args.check else item.write()
        any_stale |= bool(paths)
        for path in paths:
            print(f"{'stale' if args.check else 'wrote'} ({item.name}): {_shown(path)}")
    return 1 if args.check and any_stale else 0


if __name__ == "__main__":
    sys.exit(main())
