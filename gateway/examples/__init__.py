"""The example declarations: one per sector, each ``cn-jjj-json`` file with its ``cn-jjj-xml`` twin
(see README.md here). Shipped in the wheel because ``fpgw demo`` reads them; the conformance
generator, the tests, the benchmarks and the docs read the same files.

Data only, importing nothing of ours, so every layer may read it (the demo and the conformance
suite are siblings that may not import each other).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIXES = (".json", ".xml")


def folder() -> Path:
    """The examples' directory (the package is installed as plain files, never zipped)."""
    return Path(str(resources.files(__name__)))


def declarations(suffix: str | None = None) -> list[Path]:
    """Every example declaration, sorted by name; only those ending in ``suffix`` when given."""
    wanted = SUFFIXES if suffix is None else (suffix,)
    return sorted(p for p in folder().iterdir() if p.suffix in wanted)


def example(name: str) -> Path:
    """One example by file name, e.g. ``hebei-hot-rolled-steel-coil.json``."""
    path = folder() / name
    if not path.is_file():
        raise FileNotFoundError(f"no example {name!r} in {folder()}")
    return path
