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
  regional format and PACT refuse it rather than invent them;
- catenax-pcf-* hold everything (the rest travels in our regional extension), but only for a
  declaration with what CX-0136 requires and the regional model lacks (a BPNL, the Catena-X
  members, packaging emissions for 8.0.0): every example is also run with those supplied;
- catenax-battery-cf and idta-battery-cf hold everything the same way, for a battery the
  section can state (per kWh of lifetime energy; a performance class and study for IDTA).

A quotient that does not terminate (per one PACT 2.x unit, per kWh) is written rounded and
reported `rounded`, which makes the report not lossless; the pairs are compared on what else
was lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import examples
from gateway.core.errors import GatewayError, MissingRequiredValue
from gateway.core.model import Boundary, Declaration, declaration_from_data, declaration_to_data
from gateway.translate import read, translate, write
from mappings import TranslateOptions, available

EXAMPLES = examples.declarations(".json")
FULL = {"canonical-json", "cn-jjj-json", "cn-jjj-xml", "iso14067-json", "iso14067-xml"}
PACT = {"pact-v2", "pact-v3"}
BATTERY = {"eu-battery-json", "eu-battery-xml"}
CATENAX = {"catenax-pcf-v8", "catenax-pcf-v9"}
SECTIONS = {"catenax-battery-cf", "idta-battery-cf"}
OPTIONS = TranslateOptions(fallback={"links/study_url": "https://example.org/cfp-study"})
# What a Catena-X partner needs and a regional declaration lacks, as a caller supplies it.
CATENAX_MEMBERS = {
    "pcf": {"allocationWasteIncineration": "polluter pays principle", "packagingEmissionsIncluded": True,
            "massBalancingUsed": False, "distributionStageIncluded": False,
            "freeAttributionInMassBalancing": "not applicable", "massBalancingCertificateScheme": "none"},
    "retroOrProspectivePcfType": "Retrospective PCF, Prospective PCF without forerunner",
    "ccsTechnologicalCO2CaptureIncluded": False,
}


def catenax_supplied(decl: Declaration) -> Declaration:
    data = declaration_to_data(decl)
    data["organisation"]["ids"].append({"scheme": "bpnl", "value": "BPNL00000003AYRE"})
    data["results"]["packaging"] = {"amount": "0", "unit": "kgCO2e"}
    data.setdefault("extensions", {})["catenax-pcf"] = CATENAX_MEMBERS
    return declaration_from_data(data)


def _section_refuses(decl: Declaration, target: str) -> bool:
    du = decl.declared_unit
    if target == "catenax-battery-cf":
        return not (du.unit in ("kWh", "MJ") or (du.unit == "piece" and du.lifetime_energy is not None))
    return decl.performance_class is None or decl.links is None or decl.links.study_url is None


def expected(decl: Declaration, source: str, target: str) -> str:
    if target in BATTERY and decl.performance_class is None:
        return "refused"
    if source in BATTERY and (target in PACT | CATENAX | {"idta-battery-cf"} or target.startswith("cn-jjj")):
        return "refused"
    if target in CATENAX and decl.organisation.id_of("bpnl") is None:
        return "refused"
    if target in SECTIONS and _section_refuses(decl, target):
        return "refused"
    if target in CATENAX | SECTIONS:
        return "lossless"
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
    kinds = {e.kind.value for e in result.report.entries} - {"converted"}
    if "rounded" in kinds:
        # a quotient that does not terminate is written at the buyer's precision: never lossless
        assert not result.report.lossless
        kinds.discard("rounded")
    if not kinds:
        return "lossless", []
    return "lossy", sorted(kinds)


@pytest.mark.parametrize("supplied", [False, True], ids=["as-is", "catenax-supplied"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_pair_matches_what_the_formats_can_hold(example: Path, supplied: bool) -> None:
    decl = read(example.read_bytes()).declaration
    if supplied:
        decl = catenax_supplied(decl)
    formats = available()
    assert set(formats) == FULL | PACT | BATTERY | CATENAX | SECTIONS
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
        document, _ = write(decl, fmt)
        assert read(document, fmt).declaration == decl, fmt
    supplied = catenax_supplied(decl)
    for fmt in sorted(CATENAX | SECTIONS):
        if fmt in SECTIONS and _section_refuses(decl, fmt):
            continue
        document, _ = write(supplied, fmt)
        assert read(document, fmt).declaration == supplied, fmt
