"""``fpgw conformance check``: the shipped suite is clean, and the linter names each kind of problem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conformance_tests.check import check_suite

from .conftest import SUITE


def test_the_shipped_suite_is_clean() -> None:
    assert check_suite(SUITE.version) == []


def _broken_copy(tmp: Path) -> Path:
    for name in ("case-schema.json", "reasons-not-reachable.json"):
        shutil.copyfile(SUITE.root / name, tmp / name)
    case = next(c for c in SUITE.cases if c.id == "valid-beijing-cement-json")
    raw = json.loads((SUITE.root / case.group / case.file).read_text("utf-8"))[0]
    twin = {**raw, "description": "The copy should be flagged.", "input": {"documents": {"declaration": {
        "file": "documents/absent.json", "format_id": "cn-jjj-json", "media_type": "application/json"}}}}
    twin["tests"] = [{**raw["tests"][0], "request": {"document": "other"}}]
    (tmp / "validation").mkdir()
    (tmp / "validation" / "cases.json").write_text(json.dumps([raw, twin, {"id": "no-tests"}]), "utf-8")
    (tmp / "documents" / "examples").mkdir(parents=True)
    shutil.copyfile(SUITE.root / raw["input"]["documents"]["declaration"]["file"],
                    tmp / raw["input"]["documents"]["declaration"]["file"])
    return tmp


def test_problems_are_named_with_file_and_case(tmp_path: Path) -> None:
    problems = [p for p in check_suite(root=_broken_copy(tmp_path)) if not p.startswith("reasons-not-reachable.json")]
    where = "validation/cases.json: valid-beijing-cement-json"
    assert f"{where}: id also used in validation/cases.json" in problems
    assert f"{where}: description says 'should'; state what happens" in problems
    assert f"{where}: documents/declaration: documents/absent.json is missing" in problems
    assert f"{where}: tests/0: names documents 'other', which the input lacks" in problems
    schema = [p for p in problems if p.startswith("validation/cases.json: /2: ")]
    assert "validation/cases.json: /2: 'tests' is a required property" in schema
    assert len(problems) - len(schema) == 4, problems


def test_a_reason_no_case_expects_is_named_from_the_code(tmp_path: Path) -> None:
    """The reasons come from gateway.core.errors, not from docs/api.md, so the check works installed."""
    problems = check_suite(root=_broken_copy(tmp_path))
    assert ("reasons-not-reachable.json: reason HOSTILE_DOCUMENT (HostileDocument) is expected by no case"
            " and not listed as not reachable") in problems
    unreachable = json.loads((SUITE.root / "reasons-not-reachable.json").read_text("utf-8"))
    assert unreachable and not [p for p in problems if any(f" {r} " in p for r in unreachable)]
