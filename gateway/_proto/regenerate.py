"""Regenerate the committed Python code for the gRPC contract under ``proto/``.

Run ``python -m gateway._proto.regenerate`` after editing a ``.proto`` file. protoc writes
absolute imports (``from jjj.footprint.v1 import document_pb2``) that only work with
``proto/``'s layout on ``sys.path``; they are rewritten to package-relative imports so the
generated modules live flat in this package.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
PROTO_ROOT = REPO_ROOT / "proto"
PROTO_PACKAGE = Path("jjj/footprint/v1")
# The public contract, then internal services (the benchmarks' echo) kept out of it.
PROTO_PACKAGES = (PROTO_PACKAGE, Path("jjj/internal/echo/v1"))
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")

_ABSOLUTE_IMPORT = re.compile(r"^from jjj\.[\w.]+ import (\w+_pb2)", re.MULTILINE)


def proto_files(proto_root: Path = PROTO_ROOT, packages: tuple[Path, ...] = PROTO_PACKAGES) -> list[Path]:
    """The ``.proto`` files of ``packages``, relative to ``proto_root``, sorted."""
    return sorted(p.relative_to(proto_root) for package in packages for p in (proto_root / package).glob("*.proto"))


def generate(out_dir: Path, proto_root: Path = PROTO_ROOT) -> list[Path]:
    """Write the generated modules flat into ``out_dir``; return their paths, sorted."""
    from grpc_tools import protoc

    well_known = resources.files("grpc_tools") / "_proto"
    with tempfile.TemporaryDirectory() as raw:
        args = [
            "protoc",
            f"-I{proto_root}",
            f"-I{well_known}",
            f"--python_out={raw}",
            f"--pyi_out={raw}",
            f"--grpc_python_out={raw}",
            *(str(p) for p in proto_files(proto_root)),
        ]
        if protoc.main(args) != 0:
            raise RuntimeError(f"protoc failed: {' '.join(args)}")
        written = []
        for src in sorted(p for package in PROTO_PACKAGES for p in (Path(raw) / package).iterdir()):
            if not src.name.endswith(GENERATED_SUFFIXES):
                continue
            text = _ABSOLUTE_IMPORT.sub(r"from . import \1", src.read_text(encoding="utf-8"))
            dest = out_dir / src.name
            dest.write_text(text, encoding="utf-8")
            written.append(dest)
    return written


# Version stamps written by protoc/grpcio-tools; a newer compiler in CI changes only these.
_STAMPS = [
    re.compile(r"^# Protobuf Python Version: .*$", re.MULTILINE),
    re.compile(r"(ValidateProtobufRuntimeVersion\(\s*_runtime_version\.Domain\.PUBLIC,)\s*\d+,\s*\d+,\s*\d+,"),
    re.compile(r"^GRPC_GENERATED_VERSION = .*$", re.MULTILINE),
]


def normalise(text: str) -> str:
    """Generated code without the compiler's version stamps."""
    for stamp in _STAMPS:
        text = stamp.sub(lambda m: m.group(1) if m.groups() else "", text)
    return text


def stale_files() -> list[Path]:
    """Committed modules that differ from a fresh generation (stamps aside), or are missing or extra."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = {p.name: normalise(p.read_text(encoding="utf-8")) for p in generate(Path(tmp))}
    committed = {p.name: normalise(p.read_text(encoding="utf-8")) for p in generated_files()}
    return sorted(PACKAGE_DIR / name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))


def generated_files(directory: Path = PACKAGE_DIR) -> list[Path]:
    """The generated modules present in ``directory``, sorted."""
    return sorted(p for p in directory.iterdir() if p.name.endswith(GENERATED_SUFFIXES))


def write() -> list[Path]:
    """Replace the committed modules with a fresh generation; the paths written."""
    for stale in generated_files():
        stale.unlink()
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in generate(Path(tmp)):
            shutil.copy(path, PACKAGE_DIR / path.name)
            written.append(PACKAGE_DIR / path.name)
    return written


def main() -> int:
    for path in write():
        print(f"wrote gateway/_proto/{path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
