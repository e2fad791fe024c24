"""Official vectors are never skipped silently in CI, and each set has its provenance recorded."""

from __future__ import annotations

import re

import pytest

from tests.anchors import ANCHORS, ROOT, available, require

ABSENT = ANCHORS / "no-such-set" / "vectors.json"


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_an_absent_anchor_fails_under_ci(monkeypatch: pytest.MonkeyPatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="no-such-set.*CI is set"):
        require(ABSENT)
    with pytest.raises(pytest.fail.Exception, match="no-such-set"):
        available(ABSENT)


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_an_absent_anchor_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch, ci: str | None) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="no-such-set"):
        require(ABSENT)
    assert available(ABSENT) is False


def test_a_present_anchor_is_returned(tmp_path) -> None:
    assert require(tmp_path) == tmp_path and available(tmp_path)


def test_every_vector_set_has_its_provenance_recorded() -> None:
    text = (ROOT / "tests" / "PROVENANCE.md").read_text("utf-8")
    sets = sorted(p.name for p in require(ANCHORS).iterdir() if p.is_dir())
    assert sets, ANCHORS
    listed = set(re.findall(r"^\| `([\w-]+)/", text, flags=re.M))
    assert [s for s in sets if s not in listed] == []
    for line in (ln for ln in text.splitlines() if ln.startswith("| `") and ln.split("`")[1].split("/")[0] in sets):
        upstream, version, licence = (cell.strip() for cell in line.split("|")[2:5])
        assert upstream and version and licence, line
