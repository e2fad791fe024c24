"""docs/library.md: every example runs, imports only public names, and the public API of
each package is declared in __all__ and resolves; shell completion works as documented."""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "library.md"
PUBLIC = ("gateway.translate", "mappings", "gateway.core.model", "gateway.core.errors", "signing",
          "gateway.recognition", "gateway.store", "gateway.client")


def _examples() -> str:
    return "\n".join(re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S))


@pytest.mark.parametrize("name", PUBLIC)
def test_public_api_is_declared_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    declared = module.__all__
    assert declared and len(declared) == len(set(declared))
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing


def test_examples_import_only_public_names() -> None:
    for node in ast.walk(ast.parse(_examples())):
        if isinstance(node, ast.ImportFrom) and node.module not in ("datetime", "gateway"):
            module = importlib.import_module(node.module)
            private = [a.name for a in node.names if a.name not in getattr(module, "__all__", ())]
            assert not private, f"{node.module}: {private} are not in __all__"


def test_examples_run(tmp_path) -> None:
    script = tmp_path / "library_examples.py"
    script.write_text(_examples(), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "cn-jjj-json -> pact-v3 lossless: True"
    assert any(line.startswith("urn:jjj:platform:hebei RegisteredClaim(") for line in lines)
    assert "refused: INVALID_SIGNATURE" in lines


def test_shell_completion_lists_our_commands() -> None:
    env = {**os.environ, "_FPGW_COMPLETE": "bash_complete", "COMP_WORDS": "fpgw s", "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-c", "from gateway.cli import main; main(prog_name='fpgw')"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0
    assert set(done.stdout.split()) >= {"plain,submit", "plain,sync", "plain,serve", "plain,sign"}
