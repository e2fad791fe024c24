"""Consistency rules between a declaration's totals, stages and fossil value, with the
tolerance that rounding the published digits allows (gateway/core/model/consistency.toml)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from gateway import examples
from gateway.core.errors import InvalidValue
from gateway.core.model import Quantity, StageResult
from gateway.core.model.consistency import check_consistency, consistency_violations, rules
from gateway.translate import read


def coil():
    return read(examples.example("hebei-hot-rolled-steel-coil.json").read_bytes()).declaration


def with_results(decl, **values: str):
    results = dataclasses.replace(decl.results, **{k: Quantity(Decimal(v), "kgCO2e") for k, v in values.items()})
    return dataclasses.replace(decl, results=results)


def with_stages(decl, *values: str):
    codes = [s.stage for s in decl.stages]
    return dataclasses.replace(decl, stages=tuple(StageResult(c, Quantity(Decimal(v), "kgCO2e"))
                                                  for c, v in zip(codes, values)))


def test_every_example_is_consistent() -> None:
    for path in examples.declarations():
        assert consistency_violations(read(path.read_bytes()).declaration) == [], path.name


def test_rules_are_data_with_a_documented_tolerance() -> None:
    table = rules()
    assert {r["id"] for r in table["rules"]} == {"stages-sum-to-total", "fossil-is-the-total"}
    assert Decimal(table["relative_tolerance"]) == Decimal("0.001")


def test_a_total_that_disagrees_with_stages_and_fossil_is_named_with_paths() -> None:
    decl = with_results(coil(), total_excluding_biogenic="999", total_including_biogenic="999")
    problems = consistency_violations(decl)
    assert [p.path for p in problems] == ["results/total_excluding_biogenic", "results/total_excluding_biogenic"]
    assert "stages sum to 2150.4" in problems[0].message and "999" in problems[0].message
    assert "fossil" in problems[1].message
    with pytest.raises(InvalidValue) as info:
        check_consistency(decl)
    assert info.value.path == "results/total_excluding_biogenic" and len(info.value.violations) == 2


def test_rounding_of_the_published_digits_is_tolerated() -> None:
    # three stages published to 0.1 may each be off by 0.05, the total too: 0.2 in all
    decl = with_results(with_stages(coil(), "1000.1", "50.1", "1100.1"), total_excluding_biogenic="2150.5",
                        total_including_biogenic="2150.5", fossil="2150.5")
    assert consistency_violations(decl) == []
    # 0.1 % of the total on top of that (2.1505): 2.3505 allowed in all; beyond it is a violation
    assert consistency_violations(with_stages(decl, "1000.1", "50.1", "1102.4")) == []
    assert [p.path for p in consistency_violations(with_stages(decl, "1000.1", "50.1", "1102.7"))] == [
        "results/total_excluding_biogenic"]


def test_stages_may_sum_to_the_total_including_biogenic() -> None:
    decl = with_results(coil(), total_including_biogenic="2000.4", biogenic_removals="-150")
    decl = with_stages(decl, *(str(s.value.amount - (150 if i == 0 else 0)) for i, s in enumerate(decl.stages)))
    assert [p.message for p in consistency_violations(decl)] == []


def test_the_fossil_rule_steps_aside_when_land_use_emissions_are_reported() -> None:
    decl = with_results(coil(), fossil="2000.4", dluc="150")
    assert consistency_violations(decl) == []
    assert [p.path for p in consistency_violations(with_results(coil(), fossil="2000.4"))] == [
        "results/total_excluding_biogenic"]
