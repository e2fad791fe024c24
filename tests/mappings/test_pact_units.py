"""The PACT unit step: per-declared-unit values in PACT terms, copying only what it changes."""

from __future__ import annotations

import copy
from decimal import Decimal

from gateway import examples
from gateway.core.model import declaration_to_data
from gateway.core.report import TranslationReport
from gateway.translate import read
from mappings import TranslateOptions
from mappings.pact import PACT_V2, PACT_V3, units


def _data() -> dict:
    decl = read(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes()).declaration
    data = declaration_to_data(decl)
    data["declared_unit"] = {"unit": "t", "amount": "3"}
    return data


def test_v2_results_per_one_declared_unit_in_a_view_that_leaves_the_declaration_alone() -> None:
    data = _data()
    before = copy.deepcopy(data)
    report = TranslationReport()
    view = units.to_pact(PACT_V2.profile, data, TranslateOptions(), report)
    assert data == before
    assert view["declared_unit"] == {"unit": "kg", "amount": "3000"}
    total = data["results"]["total_excluding_biogenic"]
    assert Decimal(view["results"]["total_excluding_biogenic"]["amount"]) * 3000 == Decimal(total["amount"])
    assert view["results"]["total_excluding_biogenic"]["unit"] == total["unit"]
    assert view["organisation"] is data["organisation"] and view["method"] is data["method"]
    assert [e.kind.value for e in report.entries if e.kind.value != "rounded"] == ["converted", "converted"]
    # a quotient per 3000 kg that does not terminate is written at 6 digits, each one reported
    for entry in (e for e in report.entries if e.kind.value == "rounded"):
        name = entry.source_path.removeprefix("results/")
        assert len(Decimal(view["results"][name]["amount"]).normalize().as_tuple().digits) <= 6


def test_v3_keeps_results_per_declared_amount_and_shares_them() -> None:
    data = _data()
    view = units.to_pact(PACT_V3.profile, data, TranslateOptions(), TranslationReport())
    assert view["declared_unit"] == {"unit": "kg", "amount": "3000", "mass": {"amount": "3000", "unit": "kg"}}
    assert view["results"] is data["results"]
    assert data["declared_unit"] == {"unit": "t", "amount": "3"}
