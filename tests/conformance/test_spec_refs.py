"""Every specification a conformance case cites can be read: a public standard, or a file of
this repository (``JJJ gateway <path>``), never a document the repository does not hold."""

from __future__ import annotations

import json
from pathlib import Path

from conformance_tests.suite import GROUPS, OPTIONAL, SUITES

REPO = Path(__file__).resolve().parents[2]
OURS = "JJJ gateway "


def case_files() -> list[Path]:
    return [p for version in sorted(SUITES.iterdir()) if version.is_dir() for group in (*GROUPS, OPTIONAL)
            for p in sorted((version / group).glob("*.json"))]


def cited() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in case_files():
        for case in json.loads(path.read_text("utf-8")):
            for spec in case["specification"]:
                out.setdefault(spec["source"], set()).add(f"{path.parent.name}/{path.name}")
    return out


def test_our_references_name_files_in_the_repo() -> None:
    sources = cited()
    ours = {s for s in sources if s.startswith(OURS)}
    assert ours, "no case cites the gateway's own documents"
    missing = {s: sorted(sources[s])[:3] for s in ours if not (REPO / s[len(OURS):]).is_file()}
    assert not missing, missing


def test_every_source_is_ours_or_a_public_standard() -> None:
    public = ("GB/T ", "ISO ", "EU ", "PACT ", "IPCC ", "RFC ", "W3C ", "ETSI ", "OWASP ", "Catena-X ", "IDTA ")
    odd = {s: sorted(f)[:3] for s, f in cited().items() if not s.startswith((OURS, *public))}
    assert not odd, odd


def test_no_section_cites_a_document_outside_the_repo() -> None:
    text = "".join(p.read_text("utf-8") for p in case_files())
    assert "DESIGN.md" not in text and "issue 5" not in text
