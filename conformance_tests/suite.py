"""The suite as frozen objects: Suite -> Case -> Test, read from ``suite/<version>/``.

Group folders hold the mandatory cases of their level; ``optional/`` holds cases no
implementation must pass. Numbers are read as :class:`decimal.Decimal` so that expected
values keep their exact digits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

SUITES = Path(__file__).resolve().parent / "suite"
GROUPS = ("translation", "validation", "signing", "recognition", "exchange", "security")
OPTIONAL = "optional"
LEVELS = ("core", "signing", "recognition", "full")


def load_json(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)


@dataclass(frozen=True)
class Test:
    __test__ = False  # a suite test, not a pytest class (tests/conformance imports it)

    index: int
    description: str
    operation: str
    request: dict[str, Any]
    expected: dict[str, Any]
    identity: str | None = None


@dataclass(frozen=True)
class Case:
    group: str
    file: str
    id: str
    description: str
    specification: tuple[dict[str, str], ...]
    level: str
    input: dict[str, Any]
    tests: tuple[Test, ...]
    requires: tuple[str, ...] = ()
    optional: bool = False

    @property
    def node_id(self) -> str:
        """``group/file/case`` (the file without .json), as in test ids and reports."""
        return f"{self.group}/{self.file.removesuffix('.json')}/{self.id}"

    def in_level(self, level: str) -> bool:
        return LEVELS.index(self.level) <= LEVELS.index(level)


@dataclass(frozen=True)
class Suite:
    root: Path
    version: str
    digest: str
    cases: tuple[Case, ...] = field(repr=False)

    def read(self, relative: str) -> bytes:
        """A file of the suite, by its path relative to the version folder."""
        path = (self.root / relative).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"{relative} is outside the suite")
        return path.read_bytes()

    def select(self, *, level: str = "full", groups: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> list[Case]:
        return [c for c in self.cases if c.in_level(level) and (not groups or c.group in groups)
                and (not ids or c.id in ids)]


def case_files(root: Path) -> list[tuple[str, Path]]:
    """(group, path) of every case file, mandatory groups first, then optional/."""
    files = [(g, p) for g in GROUPS for p in sorted((root / g).glob("*.json")) if not p.name.endswith("schema.json")]
    files += [(OPTIONAL, p) for p in sorted((root / OPTIONAL).glob("*.json"))]
    return files


def suite_digest(root: Path) -> str:
    """SHA-256 over every file of the version folder (path and bytes), in path order."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        h.update(len(rel).to_bytes(4, "big") + rel + len(data).to_bytes(8, "big") + data)
    return "sha256:" + h.hexdigest()


def _case(group: str, path: Path, raw: dict[str, Any]) -> Case:
    tests = tuple(Test(i, t["description"], t["operation"], t.get("request", {}), t["expected"], t.get("as"))
                  for i, t in enumerate(raw["tests"]))
    return Case(group=group, file=path.name, id=raw["id"], description=raw["description"],
                specification=tuple(raw["specification"]), level=raw["level"], input=raw.get("input", {}),
                tests=tests, requires=tuple(raw.get("requires", ())), optional=group == OPTIONAL)


def load_suite(version: str = "v1", root: Path | None = None) -> Suite:
    """Read every case file of ``suite/<version>`` (no schema check: ``check`` does that)."""
    folder = root or SUITES / version
    cases = [_case(g, p, raw) for g, p in case_files(folder) for raw in load_json(p.read_bytes())]
    return Suite(root=folder, version=version, digest=suite_digest(folder), cases=tuple(cases))
