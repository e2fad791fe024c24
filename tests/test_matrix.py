"""Every format pair, through the canonical model, over every example.

Each example is first written in every format it can be expressed in; that document is then
translated to every format. The outcome must match what the formats can hold:

- canonical-json, cn-jjj-* and iso14067-* hold the whole model: lossless;
- pact-* hold everything (the rest travels in our PACT extension) except a cradle-to-grave
  boundary, which PACT footprints cannot state: reported `unrepresentable`;
- eu-battery-* hold only the carbon-footprint section: never lossless (each field left out is
  reported `dropped`), and only for declarations with a performance class; what one battery
  document held, another holds again;
- a battery-passport document carries no system boundary or reference period, so the
  regional format and PACT refuse it rather than invent them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import examples
from gateway.core.errors import GatewayError, MissingRequiredValue
from gateway.core.model import Boundary, Declaration
from gateway.translate import read, translate, write
from mappings import TranslateOptions, available

EXAMPLES = examples.declarations(".json")
FULL = {"canonical-json", "cn-jjj-json", "cn-jjj-xml", "iso14067-json", "iso14067-xml"}
PACT = {"pact-v2", "pact-v3"}
BATTERY = {"eu-battery-json", "eu-battery-xml"}
OPTIONS = TranslateOptions(extra={"study_url": "https://example.org/cfp-study"})


def expected(decl: Declaration, source: str, target: str) -> str:
    if target in BATTERY and decl.performance_class is None:
        return "refused"
    if source in BATTERY and (target in PACT or target.startswith("cn-jjj")):
        return "refused"
    if target in BATTERY and source not in BATTERY:
        return "lossy"
    if target in PACT and decl.method.boundary == Boundary.CRADLE_TO_GRAVE:
        return "lossy"
    return "lossless"


def outcome(document: bytes, source: str, target: str) -> tuple[str, list[str]]:
    try:
        result = translate(document, target, source=source, options=OPTIONS)
    except MissingRequiredValue as exc:
        return "refused", [exc.path or ""]
    if result.report.lossless:
        return "lossless", []
    return "lossy", sorted({e.kind.value for e in result.report.entries if e.kind.value != "converted"})


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_pair_matches_what_the_formats_can_hold(example: Path) -> None:
    decl = read(example.read_bytes()).declaration
    formats = available()
    assert set(formats) == FULL | PACT | BATTERY
    mismatches = []
    for source in formats:
        try:
            document, _ = write(decl, source, OPTIONS)
        except GatewayError:
            assert expected(decl, "canonical-json", source) == "refused", f"{example.stem} cannot be written as {source}"
            continue
        for target in formats:
            got, detail = outcome(document, source, target)
            want = expected(decl, source, target)
            if got != want:
                mismatches.append(f"{source} -> {target}: expected {want}, got {got} {detail}")
            if target in PACT and got == "lossy":
                assert detail == ["unrepresentable"], detail
            if target in BATTERY and got == "lossy":
                assert "dropped" in detail
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_full_fidelity_formats_give_back_the_same_declaration(example: Path) -> None:
    decl = read(example.read_bytes()).declaration
    for fmt in sorted(FULL | PACT):
        document, _ = write(decl, fmt, OPTIONS)
        assert read(document, fmt).declaration == decl, fmt
