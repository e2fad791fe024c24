"""Nothing is lost silently, proven mechanically (issue 12 item 5).

- Documents with the members that were lost silently: each input leaf ends kept (the same
  leaf after document -> canonical -> the same format), or named by a report entry of the
  reading (its source path covers the leaf).
- Every writer: a declaration it cannot hold is refused with a domain error naming the field,
  never written as a document its own schema rejects (write() validates what it emits).
- A report with a rounding is never lossless.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.core.errors import GatewayError, SchemaViolation
from gateway.core.parsing import dump_json
from gateway.translate import read, write
from mappings import available, get_format
from tests.strategies import declarations

_INDEX = re.compile(r"\[[^\]]*\]|/\d+(?=/|$)")


def _normal(path: str | None) -> str:
    """A report path and a leaf path compared without list positions or selectors."""
    return _INDEX.sub("", (path or "").lstrip("/"))


def _named(leaf: str, report: Any) -> bool:
    want = _normal(leaf)
    for entry in report.entries:
        named = _normal(entry.source_path)
        if named and (want == named or want.startswith(named + "/")):
            return True
    return False


def _v2_document(**pcf: Any) -> dict[str, Any]:
    from tests.mappings.test_pact import steel_coil

    document = json.loads(write(steel_coil(), "pact-v2")[0])
    document.pop("extensions", None)  # a partner's document: none of our extension
    document["pcf"].update(pcf)
    return document


def _round_trip(document: dict[str, Any], format_id: str) -> tuple[dict[str, Any], Any]:
    reading = read(dump_json(document), format_id)
    output, _ = write(reading.declaration, format_id)
    return json.loads(output), reading.report


def test_an_older_minor_version_is_read_and_the_change_reported() -> None:
    document = _v2_document()
    document["specVersion"] = "2.0.0"
    again, report = _round_trip(document, "pact-v2")
    assert again["specVersion"] == "2.3.0"
    assert _named("specVersion", report)


def test_a_standards_used_list_the_standards_would_not_give_back_comes_back_whole() -> None:
    document = _v2_document(crossSectoralStandardsUsed=["GHG Protocol Product standard"], crossSectoralStandards=["ISO14067"])
    again, _ = _round_trip(document, "pact-v2")
    assert again["pcf"]["crossSectoralStandardsUsed"] == ["GHG Protocol Product standard"]
    assert again["pcf"]["crossSectoralStandards"] == ["ISO14067"]


def test_a_zero_mass_per_liter_is_reported_not_lost_silently() -> None:
    document = _v2_document(declaredUnit="liter", productMassPerDeclaredUnit="0")
    _, report = _round_trip(document, "pact-v2")
    entry = next(e for e in report.entries if e.source_path == "pcf/productMassPerDeclaredUnit")
    assert entry.kind.value == "dropped"


@pytest.mark.parametrize("format_id", ["pact-v2", "pact-v3"])
def test_a_uuid_in_capitals_is_reported_written_in_lower_case(format_id: str) -> None:
    """Found by tests/mappings/test_every_leaf.py: precedingPfIds/0 came back in lower case, unreported."""
    from tests.mappings.test_pact import v3_document

    document = _v2_document() if format_id == "pact-v2" else v3_document()
    document["precedingPfIds"] = ["3F1E0E8A-1C2B-4D3E-8F4A-5B6C7D8E9F00"]
    document["id"] = document["id"].upper()
    again, report = _round_trip(document, format_id)
    assert again["precedingPfIds"] == ["3f1e0e8a-1c2b-4d3e-8f4a-5b6c7d8e9f00"]
    assert again["id"] == document["id"].lower()
    assert _named("precedingPfIds/0", report) and _named("id", report)


def test_other_operator_name_on_a_pef_rule_is_kept() -> None:
    """The shape the issue names: otherOperatorName beside operator PEF."""
    fmt = get_format("pact-v3")
    from tests.mappings.test_pact import v3_document

    document = v3_document(productOrSectorSpecificRules=[
        {"operator": "PEF", "ruleNames": ["PEFCR batteries"], "otherOperatorName": "a PEF secretariat"},
    ])
    reading = read(dump_json(document), "pact-v3")
    output, _ = write(reading.declaration, "pact-v3")
    rules = fmt.parse(output)["pcf"]["productOrSectorSpecificRules"]
    assert rules[0].get("otherOperatorName") == "a PEF secretariat" or _named(
        "pcf/productOrSectorSpecificRules/0/otherOperatorName", reading.report)


_TEXTS = ("boundary_description", "allocation", "cut_off", "biogenic_accounting", "electricity_modelling",
          "value_choices", "sensitivity", "uncertainty")


def _with_empty_texts(decl: Any) -> Any:
    """Optional method texts present but empty (what a PACT document's empty required strings could give)."""
    return dataclasses.replace(decl, method=dataclasses.replace(decl.method, **dict.fromkeys(_TEXTS, "")))


@pytest.mark.parametrize("format_id", sorted(available()))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(decl=declarations(), empty=st.booleans())
def test_no_writer_emits_a_document_its_own_schema_rejects(format_id: str, decl: Any, empty: bool) -> None:
    if empty:
        decl = _with_empty_texts(decl)
    try:
        output, report = write(decl, format_id)
    except SchemaViolation as exc:  # our own output failed our own validation: a mapping bug
        pytest.fail(f"{format_id} wrote a document its schema rejects: {exc.message}")
    except GatewayError as exc:  # a value the format needs and the declaration lacks: named
        assert exc.path, exc.message
        return
    assert read(output, format_id).declaration is not None
    if any(e.kind.value == "rounded" for e in report.entries):
        assert not report.lossless



def test_a_product_category_cpc_other_than_the_lists_keeps_the_classifications() -> None:
    """Found by tests/mappings/test_every_leaf.py: a 2.x productCategoryCpc that differs from the
    un-cpc code of productClassifications made the reader drop the whole list, unreported."""
    document = _v2_document()
    document["productCategoryCpc"] = "99999"
    again, _ = _round_trip(document, "pact-v2")
    assert again["productClassifications"] == document["productClassifications"]
    assert again["productCategoryCpc"] == "99999"


@pytest.mark.parametrize(("name", "pointer", "value"), [
    ("partners/catenax-pcf-v8-brake-disc.json", "specVersion/0", "urn:io.catenax.pcf:datamodel:version:7.0.0"),
    ("partners/catenax-pcf-v8-brake-disc.json", "precedingPfIds/0/id", "3F1E0E8A-1C2B-4D3E-8F4A-5B6C7D8E9F00"),
    ("partners/catenax-pcf-v8-brake-disc.json", "productIds/1", "URN:gtin:6975548260015"),
    ("partners/catenax-pcf-v8-brake-disc.json", "productClassifications/0", "URN:pact:productclassification:hs:8708.30"),
    ("partners/catenax-pcf-v9-cathode-material.json", "scopeOfPcfForm/0/specVersion", "urn:io.catenax.pcf:datamodel:version:9.0.1"),
    ("partners/catenax-pcf-v8-brake-disc.json", "id", "5B3A8F1E-2c4d-4e6f-9a1b-7c8d9e0f1a2b"),
    ("partners/catenax-pcf-v9-cathode-material.json",
     "pcfAssessmentAndMethodology/0/pcfAssessmentInformation/0/idAndVersion/0/id", "DE79a0bE-1b3f-4a5d-8e7c-0a1b2c3d4e5f"),
])
def test_a_catenax_value_written_in_another_spelling_is_reported(name: str, pointer: str, value: str) -> None:
    """Found by tests/mappings/test_every_leaf.py: another specVersion, a UUID in capitals (a
    preceding id, the footprint's own id) and a URN prefix in capitals came back rewritten, unreported."""
    from gateway.core.parsing import load_json
    from gateway.examples import example
    from tests.mappings.test_every_leaf import lost

    document = load_json(example(name).read_bytes())
    *parents, key = pointer.split("/")
    target: Any = document
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(key)] = value
    else:
        target[key] = value
    format_id = "catenax-pcf-v9" if "v9" in name else "catenax-pcf-v8"
    assert lost(format_id, document) == []
