"""Lint the suite: case schema, unique ids, short descriptions without "should", every
referenced file present, every request naming an input that exists, and every error
reason the gateway can return (the classes of gateway.core.errors, the table docs/api.md is
generated from) either expected by a case or listed as not reachable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from gateway.server.reasons import error_classes

from .suite import SUITES, case_files, load_json

MAX_DESCRIPTION = 200


def _descriptions(case: dict[str, Any]) -> list[tuple[str, str]]:
    return [("description", case.get("description", ""))] + [
        (f"tests/{i}/description", t.get("description", "")) for i, t in enumerate(case.get("tests", []))]


def _refs(value: Any) -> list[str]:
    """Names of inputs a request refers to (strings under document/attestations keys)."""
    out: list[str] = []
    if isinstance(value, dict):
        for key, v in value.items():
            if key in ("document", "documents") and isinstance(v, str):
                out.append(f"documents:{v}")
            elif key in ("attestations", "predecessors") and isinstance(v, list):
                out += [f"attestations:{a}" for a in v if isinstance(a, str)]
            else:
                out += _refs(v)
    elif isinstance(value, list):
        for v in value:
            out += _refs(v)
    return out


def gateway_reasons() -> dict[str, str]:
    """Every error reason the gateway can return, with the class that carries it."""
    return {cls.reason: cls.__name__ for cls in error_classes()}


def check_suite(version: str = "v1", root: Path | None = None) -> list[str]:
    """Every problem as 'file: where: what'; empty when the suite is clean."""
    folder = root or SUITES / version
    schema = json.loads((folder / "case-schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[str] = []
    seen: dict[str, str] = {}
    expected_reasons: set[str] = set()
    for group, path in case_files(folder):
        name = f"{group}/{path.name}"
        try:
            cases = load_json(path.read_bytes())
        except ValueError as exc:
            problems.append(f"{name}: not JSON: {exc}")
            continue
        for error in validator.iter_errors(cases):
            problems.append(f"{name}: /{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
        if not isinstance(cases, list):
            continue
        for i, case in enumerate(c for c in cases if isinstance(c, dict)):
            where = f"{name}: {case.get('id', f'#{i}')}"
            if case.get("id") in seen:
                problems.append(f"{where}: id also used in {seen[case['id']]}")
            seen.setdefault(case.get("id"), name)
            for field, text in _descriptions(case):
                if len(text) > MAX_DESCRIPTION:
                    problems.append(f"{where}: {field} is longer than {MAX_DESCRIPTION} characters")
                if re.search(r"\bshould\b", text, flags=re.I):
                    problems.append(f"{where}: {field} says 'should'; state what happens")
            inputs = case.get("input", {})
            for kind in ("documents", "attestations"):
                for key, spec in inputs.get(kind, {}).items():
                    if "file" in spec and not (folder / spec["file"]).is_file():
                        problems.append(f"{where}: {kind}/{key}: {spec['file']} is missing")
            for kind in ("policy", "trust_list"):
                spec = inputs.get(kind)
                if isinstance(spec, dict) and "file" in spec and not (folder / spec["file"]).is_file():
                    problems.append(f"{where}: {kind}: {spec['file']} is missing")
            for t, test in enumerate(case.get("tests", [])):
                for ref in _refs(test.get("request", {})):
                    kind, _, key = ref.partition(":")
                    if key not in inputs.get(kind, {}):
                        problems.append(f"{where}: tests/{t}: names {kind} {key!r}, which the input lacks")
                if "error" in test.get("expected", {}):
                    expected_reasons.add(test["expected"]["error"].get("reason"))
    unreachable = json.loads((folder / "reasons-not-reachable.json").read_text("utf-8"))
    for reason, cls in sorted(gateway_reasons().items()):
        if reason not in expected_reasons and reason not in unreachable:
            problems.append(f"reasons-not-reachable.json: reason {reason} ({cls}) is expected by no case and not listed as not reachable")
    return problems
