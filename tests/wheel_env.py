"""Build the project's wheel and install it into a fresh venv, as a user installs it.

The wheel is built once per test run (every xdist worker waits for the first) from a copy of
the git-tracked files, so stale ``build/`` output or untracked files cannot leak into it.
Its dependencies come from this environment, repacked into wheels from what is installed, so
the fresh venv installs with ``--no-index``: offline and without the index's resolution time,
yet still from the wheel's own ``Requires-Dist`` (a dependency missing there fails the install
or the commands).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("gateway", "mappings", "signing", "conformance_tests")


def tracked_files(*folders: str) -> list[str]:
    """Paths git tracks under ``folders`` (all of the checkout when none), as stored."""
    out = subprocess.run(["git", "ls-files", "-z", "--", *folders], cwd=ROOT, capture_output=True, check=True)
    return [p for p in out.stdout.decode("utf-8").split("\0") if p and (ROOT / p).is_file()]


def shared_wheel(shared: Path) -> Path:
    """The wheel in ``shared``, built there by whichever worker comes first."""
    shared.mkdir(parents=True, exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wheels = sorted((shared / "dist").glob("*.whl"))
        if not wheels:
            wheels = [build_wheel(shared)]
    return wheels[0]


def build_wheel(work: Path) -> Path:
    source = work / "source"
    for name in tracked_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(work / "dist"), str(source)], check=True, capture_output=True)
    (wheel,) = (work / "dist").glob("*.whl")
    return wheel


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(archive.read(name).decode("utf-8"))
    reqs = [Requirement(r) for r in meta.get_all("Requires-Dist") or ()]
    return [r for r in reqs if r.marker is None or r.marker.evaluate({"extra": ""})]


def installed_closure(requirements: list[Requirement]) -> list[metadata.Distribution]:
    """The installed distributions that satisfy ``requirements``, with their dependencies."""
    found: dict[str, metadata.Distribution] = {}
    walked: set[tuple[str, frozenset[str]]] = set()
    todo = [(r, set(r.extras)) for r in requirements]
    while todo:
        req, extras = todo.pop()
        key = canonicalize_name(req.name)
        if (key, frozenset(extras)) in walked:
            continue
        walked.add((key, frozenset(extras)))
        dist = found.setdefault(key, metadata.distribution(req.name))
        for text in dist.requires or ():
            dep = Requirement(text)
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in extras | {""}):
                todo.append((dep, set(dep.extras)))
    return list(found.values())


def _wheel_tag(dist: metadata.Distribution) -> str:
    text = dist.read_text("WHEEL")
    if text is None:
        raise RuntimeError(f"{dist.metadata['Name']} was not installed from a wheel; cannot repack it")
    tags = [line.split(":", 1)[1].strip().split("-") for line in text.splitlines() if line.startswith("Tag:")]
    return "-".join(".".join(dict.fromkeys(t[i] for t in tags)) for i in range(3))


def repack(dist: metadata.Distribution, out: Path) -> Path:
    """A wheel of an installed distribution: its RECORD's files inside site-packages."""
    name = canonicalize_name(dist.metadata["Name"]).replace("-", "_")
    wheel = out / f"{name}-{dist.version}-{_wheel_tag(dist)}.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in dist.files or ():
            text = file.as_posix()
            if text.startswith("..") or "__pycache__" in file.parts or file.name in ("direct_url.json", "INSTALLER", "REQUESTED"):
                continue
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                archive.write(path, text)
    return wheel


def fresh_venv(wheel: Path, where: Path) -> Path:
    """A venv without access to this checkout or environment, with ``wheel`` installed; its bin/."""
    house = where / "wheelhouse"
    house.mkdir(parents=True)
    for dist in installed_closure(wheel_requirements(wheel)):
        repack(dist, house)
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-index", "--no-compile", "--find-links", str(house), str(wheel)],
                   check=True, capture_output=True, env=clean_env())
    return venv / "bin"


def clean_env() -> dict[str, str]:
    """This process's environment without anything pointing Python at the checkout or its venv."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP", "PIP_REQUIRE_VIRTUALENV")
    return {k: v for k, v in os.environ.items() if k not in drop} | {"PYTHONUNBUFFERED": "1"}
