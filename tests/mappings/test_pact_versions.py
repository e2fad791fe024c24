"""PACT 3.0 -> 2.3 by the Technical Specifications (issue 12 item 6): several GWP sets, 3.0
standards 2.3 has no value for, carried fields 2.3 cannot hold, refusals naming their cause."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.core.errors import Unrepresentable
from gateway.core.parsing import load_json
from gateway.core.report import TranslationReport
from gateway.translate import read, write
from tests.mappings.test_pact import assert_officially_valid, v3_document


def to_v2(document: dict[str, Any]) -> tuple[dict[str, Any], TranslationReport]:
    raw = json.dumps(document).encode()
    assert_officially_valid("pact-v3", raw)
    output, report = write(read(raw, "pact-v3").declaration, "pact-v2")
    assert_officially_valid("pact-v2", output)
    return load_json(output), report


@pytest.mark.parametrize("sets", [["AR6", "AR5"], ["AR5", "AR6"]])
def test_several_gwp_sets_give_the_earliest_as_characterization_factors_and_all_as_sources(sets: list[str]) -> None:
    native, report = to_v2(v3_document(ipccCharacterizationFactors=sets))
    assert native["pcf"]["characterizationFactors"] == "AR5"
    assert native["pcf"]["ipccCharacterizationFactorsSources"] == sets
    entry = next(e for e in report.entries if e.target_path == "pcf/characterizationFactors")
    assert entry.kind.value == "converted"
    assert entry.source_path == "extensions/pact-v3/pcf/ipccCharacterizationFactors"
    assert "earliest" in entry.detail


def test_an_earliest_gwp_set_2_3_cannot_name_is_refused_naming_it() -> None:
    raw = json.dumps(v3_document(ipccCharacterizationFactors=["AR6", "AR4"])).encode()
    with pytest.raises(Unrepresentable) as info:
        write(read(raw, "pact-v3").declaration, "pact-v2")
    assert info.value.path == "extensions/pact-v3/pcf/ipccCharacterizationFactors"
    assert "the earliest of AR6, AR4 is AR4" in info.value.message
    assert "gwp_set" not in info.value.message


@pytest.mark.parametrize(("standard", "used"), [
    ("PEF", "ISO Standard 14044"),
    ("PACT-3.0", "GHG Protocol Product standard"),
    ("PACT-2.0", "GHG Protocol Product standard"),
])
def test_a_3_0_standard_without_a_2_3_value_is_written_through_its_basis_and_reported(standard: str, used: str) -> None:
    native, report = to_v2(v3_document(crossSectoralStandards=[standard]))
    assert native["pcf"]["crossSectoralStandards"] == [standard]
    assert native["pcf"]["crossSectoralStandardsUsed"] == [used]
    (entry,) = [e for e in report.entries if e.target_path == "pcf/crossSectoralStandardsUsed"]
    assert (entry.kind.value, entry.source_path) == ("defaulted", "method/standards/0")
    assert not report.lossless


def test_a_standard_with_neither_value_nor_basis_is_refused_naming_the_standard() -> None:
    raw = json.dumps(v3_document(crossSectoralStandards=["ISO14083"])).encode()
    with pytest.raises(Unrepresentable) as info:
        write(read(raw, "pact-v3").declaration, "pact-v2")
    assert info.value.path == "method/standards"
    assert "ISO 14083:2023" in info.value.message and "--set method/standards/-=" in info.value.message
    assert "has no method/standards" not in info.value.message


def test_a_carried_field_2_3_rejects_is_reported_dropped_and_does_not_block_the_output() -> None:
    # "assurance" is a 2.3 member name, unknown to 3.0 (which says "verification"): 3.0 keeps it
    # native, and 2.3 requires a boolean "assurance" inside it that this one lacks.
    document = v3_document()
    document["pcf"]["assurance"] = {"providerName": "Some verifier", "comments": "checked"}
    native, report = to_v2(document)
    assert "assurance" not in native["pcf"]
    dropped = {e.source_path: e.detail for e in report.entries if e.kind.value == "dropped"}
    assert "extensions/pact-v3/pcf/assurance/providerName" in dropped
    assert "extensions/pact-v3/pcf/assurance/comments" in dropped
    assert "required" in dropped["extensions/pact-v3/pcf/assurance/comments"]


def test_a_carried_field_overriding_a_mapped_one_with_an_invalid_value_gives_the_mapped_value_back() -> None:
    document = v3_document()
    document["pcf"]["declaredUnit"] = "barrel"  # the 2.3 name, unknown to 3.0
    native, report = to_v2(document)
    assert native["pcf"]["declaredUnit"] == "liter"
    entry = next(e for e in report.entries if e.source_path == "extensions/pact-v3/pcf/declaredUnit")
    assert entry.kind.value == "dropped" and "'barrel'" in entry.detail
