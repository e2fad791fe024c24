"""``model_value``/``present_at`` read a path off the model exactly as ``resolve`` reads it off the data form.

``required-fields`` looks paths up on the declaration itself (writing the whole declaration as
data was most of that criterion's cost), so every path the data form has, every selector on
its lists, and paths it lacks must meet the same value both ways.
"""

from __future__ import annotations

from typing import Any, Iterator

from hypothesis import given, settings

from gateway import examples
from gateway.core.model import declaration_to_data
from gateway.recognition import shipped_policies
from gateway.core.model.serde import to_data
from gateway.recognition.paths import model_value, present, present_at, resolve
from gateway.translate import read
from tests.strategies import declarations


def _paths(data: Any, prefix: str = "") -> Iterator[str]:
    """Every path into ``data``: members, indexes, selectors on list items' text members, and a
    missing member, index and selector under each node."""
    join = (prefix + "/") if prefix else ""
    if isinstance(data, dict):
        yield join + "no_such_member"
        for name, value in data.items():
            if name[:1].isalpha() and name[:1].islower() and all(c.isalnum() or c == "_" for c in name):
                yield join + name
                yield from _paths(value, join + name)
    elif isinstance(data, list):
        yield join + str(len(data))
        for i, item in enumerate(data):
            yield join + str(i)
            yield from _paths(item, join + str(i))
        base, _, last = prefix.rpartition("/")
        items = [i for i in data if isinstance(i, dict)]
        for item in items:
            for key, value in item.items():
                if isinstance(value, str) and value and "]" not in value and key.islower():
                    selected = f"{base + '/' if base else ''}{last}[{key}={value}]"
                    yield selected
                    yield from (selected + "/" + member for member in item)
        if items:
            yield f"{base + '/' if base else ''}{last}[no_such_key=x]"


def _absent_as_none(value: Any) -> Any:
    # The data form leaves empty lists and maps out; the model holds them as () and {}.
    return None if value in ([], {}) else value


def _assert_same(decl, extra: tuple[str, ...] = ()) -> None:
    data = declaration_to_data(decl)
    paths = [*_paths(data), *extra]
    assert paths
    for path in paths:
        expected = resolve(data, path)
        assert _absent_as_none(to_data(model_value(decl, path))) == _absent_as_none(expected), path
        assert present_at(decl, path) is present(expected), path


def _policy_paths() -> tuple[str, ...]:
    return tuple(p for policy in shipped_policies().values() for spec in policy.criteria if spec.kind == "required-fields"
                 for params in (spec.params, *spec.by_sector.values()) for p in params.get("paths", ()))


def test_every_path_of_every_example_resolves_alike() -> None:
    extra = _policy_paths() + ("results/total_excluding_biogenic/amount/x", "product/sector/0", "0", "organisation/ids/-1")
    for path in examples.declarations(".json"):
        _assert_same(read(path.read_bytes()).declaration, extra)


@settings(max_examples=60, deadline=None)
@given(declarations())
def test_every_path_of_a_drawn_declaration_resolves_alike(decl) -> None:
    _assert_same(decl, _policy_paths())
