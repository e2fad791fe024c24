"""Grading schemes (分级) as data: validation, exact comparison, shipped and example schemes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from importlib import resources

import pytest

from gateway.core.errors import ConfigurationError
from gateway.core.model import Quantity
from gateway.examples import example
from gateway.translate import read
from mappings.grading import grade, load_scheme, shipped_schemes

EXAMPLES = resources.files("mappings.grading") / "examples"


def example_scheme(name: str):
    return load_scheme((EXAMPLES / name).read_bytes(), name)


def battery():
    return read(example("tianjin-ev-battery-pack-nmc.json").read_bytes()).declaration


def test_the_eu_classes_ship_without_thresholds_and_grade_nothing() -> None:
    (eu,) = [s for s in shipped_schemes() if s.id == "eu-battery-cf-performance-classes"]
    assert eu.classes == () and not eu.example
    assert grade(battery(), shipped_schemes()) is None


def test_every_shipped_example_is_marked_as_an_example() -> None:
    for f in EXAMPLES.iterdir():
        if f.name.endswith(".toml"):
            assert load_scheme(f.read_bytes(), f.name).example, f.name
    assert not any(s.example for s in shipped_schemes())


@pytest.mark.parametrize("total, expected", [
    # 112500 kWh over service life: A up to 0.04 kg/kWh = 4500 kg, B up to 0.06 = 6750 kg
    ("4500", "A"), ("4500.0001", "B"), ("6750", "B"), ("6750.01", "C"), ("99999", "D"),
])
def test_per_kwh_classes_compare_exactly_at_the_bounds(total, expected) -> None:
    decl = battery()
    decl = replace(decl, results=replace(decl.results, total_excluding_biogenic=Quantity(Decimal(total), "kgCO2e")))
    assert grade(decl, (example_scheme("example-battery-cf-classes.toml"),)).name == expected


def test_a_classification_filter_and_a_mass_unit() -> None:
    scheme = example_scheme("example-cement-classes.toml")
    cement = read(example("beijing-cement.json").read_bytes()).declaration  # 718.6 kg per t
    assert grade(cement, (scheme,)).name == "3"
    glass = read(example("hebei-float-glass.json").read_bytes()).declaration  # building materials, not GB/T 4754 3011
    assert grade(glass, (scheme,)) is None


@pytest.mark.parametrize("text, path", [
    ('schema_version = 1\nid = "x"', "/"),
    (open(EXAMPLES / "example-cement-classes.toml", encoding="utf-8").read().replace('up_to = "700"', 'up_to = "400"'),
     "/classes"),
    (open(EXAMPLES / "example-cement-classes.toml", encoding="utf-8").read().replace('declared_unit = "t"',
                                                                                     'declared_unit = "furlong"'),
     "/declared_unit"),
])
def test_a_bad_scheme_is_refused_naming_the_field(text, path) -> None:
    with pytest.raises(ConfigurationError) as error:
        load_scheme(text.encode(), "bad.toml")
    assert any(v.path == path for v in error.value.violations), error.value.violations
