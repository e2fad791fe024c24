"""Every generated artefact is what ``python -m gateway.regenerate`` makes today (one test per
artefact, through the same functions the command uses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import regenerate


@pytest.mark.parametrize("artefact", regenerate.ARTEFACTS, ids=lambda a: a.name)
def test_committed_artefact_is_current(artefact: regenerate.Artefact) -> None:
    stale = [str(p) for p in artefact.stale()]
    assert stale == [], f"run `python -m gateway.regenerate --only {artefact.name}`; stale: {stale}"


def test_suite_differences_name_changed_new_and_removed_files(tmp_path: Path) -> None:
    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    for root in (committed, fresh):
        (root / "cases").mkdir(parents=True)
        (root / "cases" / "same.json").write_text("[]")
    (committed / "cases" / "changed.json").write_text("[1]")
    (fresh / "cases" / "changed.json").write_text("[2]")
    (fresh / "cases" / "new.json").write_text("[]")
    (committed / "cases" / "gone.json").write_text("[]")
    assert regenerate._suite_differences(committed, fresh) == [
        committed / "cases" / "changed.json", committed / "cases" / "new.json", committed / "cases" / "gone.json"]


def test_check_exits_1_and_names_what_is_stale(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    page = regenerate.ROOT / "docs" / "nothing.md"
    monkeypatch.setattr(regenerate, "ARTEFACTS", (regenerate.Artefact("docs", lambda: [page], lambda: []),))
    assert regenerate.main(["--check"]) == 1
    assert capsys.readouterr().out == "stale (docs): docs/nothing.md\n"
    assert regenerate.main([]) == 0
