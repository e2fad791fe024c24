"""``_`` is gettext's translation function wherever ``gateway.core.i18n`` is imported: a
function that also binds ``_`` as a throwaway name makes it local to the whole function,
and every ``_("...")`` in it raises UnboundLocalError (``fpgw demo --tour`` did)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _bindings(function: ast.AST) -> list[int]:
    """Lines where ``function`` itself (not a nested scope) binds the name ``_``."""
    lines: list[int] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, *_COMPREHENSIONS)):
            continue
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
            lines.append(node.lineno)
        stack.extend(ast.iter_child_nodes(node))
    return lines


def test_no_function_shadows_gettext() -> None:
    files = subprocess.run(["git", "ls-files", "*.py"], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    found = []
    for name in files:
        source = (REPO / name).read_text("utf-8")
        if "i18n import" not in source:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                translates = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Load)
                                 for n in ast.walk(node))
                if translates:
                    found += [f"{name}:{line} ({node.name})" for line in _bindings(node)]
    assert found == [], "a throwaway '_' hides gettext's _ in the whole function"
