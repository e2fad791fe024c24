"""A per-gas inventory holds one mass per gas: a repeat is refused with its path."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from gateway import examples
from gateway.core.errors import InvalidValue
from gateway.core.model import GasAmount, Quantity, check_declaration
from gateway.translate import read, translate
from tests.strategies import declarations, example


def _gas(name: str, kg: str) -> GasAmount:
    return GasAmount(name, Quantity(Decimal(kg), "kg"))


def test_each_repeat_of_a_gas_is_refused_at_its_own_path() -> None:
    decl = dataclasses.replace(
        example(declarations(with_gases=False)),
        gases=(_gas("CO2", "10"), _gas("N2O", "0.1"), _gas("CO2", "10"), _gas("CO2", "2")),
    )
    with pytest.raises(InvalidValue) as exc:
        check_declaration(decl)
    assert [(v.path, v.message) for v in exc.value.violations] == [
        ("gases/2/gas", "gas 'CO2' appears twice in the inventory"),
        ("gases/3/gas", "gas 'CO2' appears twice in the inventory"),
    ]
    check_declaration(dataclasses.replace(decl, gases=decl.gases[:2]))


def test_a_document_repeating_one_gas_a_thousand_times_is_refused() -> None:
    doc = json.loads(examples.example("hebei-hot-rolled-steel-coil.json").read_text("utf-8"))
    doc["ghgInventory"] = [{"gas": "CH4-fossil", "mass": 1}] * 1000
    blob = json.dumps(doc, ensure_ascii=False).encode()
    with pytest.raises(InvalidValue) as exc:
        translate(blob, "pact-v3")
    assert exc.value.path == "gases/1/gas"
    assert len(exc.value.violations) == 999
    doc["ghgInventory"] = doc["ghgInventory"][:1]
    assert read(json.dumps(doc, ensure_ascii=False).encode()).declaration.gases == (_gas("CH4-fossil", "1"),)
