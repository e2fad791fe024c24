"""Our PACT extension's patch and its leaves, found in one walk, are what diffing and then
walking the patch find."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.core.jsonpatch import merge_diff
from mappings.fieldmap import ABSENT, get
from mappings.pact import carry, structure

# Few key names, so that the trees share members, and empty objects, which are leaves too.
_keys = st.sampled_from(["a", "b", "c", "extensions"])
_leaf = st.one_of(st.integers(0, 2), st.sampled_from(["x", "y"]), st.lists(st.integers(0, 1), max_size=2))
_trees = st.recursive(st.dictionaries(_keys, _leaf, max_size=3),
                      lambda inner: st.dictionaries(_keys, inner | _leaf, max_size=3), max_leaves=10)


@given(_trees, _trees, _trees, st.booleans())
def test_one_walk_gives_the_patch_and_its_leaves_over_the_target(
    original: dict[str, Any], derived: dict[str, Any], other: dict[str, Any], same_target: bool,
) -> None:
    # The target is the derived data, or it with members the diff did not see (the namespaces
    # taken out of the derived data before diffing).
    target = derived if same_target else {**other, **derived}
    before = (repr(original), repr(derived), repr(target))
    patch, leaves = carry.carried_leaves(original, derived, target)
    assert patch == merge_diff(original, derived)
    assert leaves == (carry.patch_leaves_over(patch, target) if patch else [])
    assert (repr(original), repr(derived), repr(target)) == before


def test_leaves_name_what_the_target_holds() -> None:
    patch, leaves = carry.carried_leaves({"a": {"b": 1, "c": 2}, "d": {"e": 1}}, {"a": {"b": 2}, "f": 1}, {"a": {"b": 2}, "f": 1})
    assert patch == {"a": {"b": 1, "c": 2}, "d": {"e": 1}, "f": None}
    assert leaves == [("a/b", 1, True), ("a/c", 2, False), ("d/e", 1, False), ("f", None, True)]


_segments = st.sampled_from(["pcf", "dqi", "a", "0"])
_paths = st.lists(_segments, min_size=1, max_size=3).map("/".join)


@given(st.lists(_paths, unique=True, max_size=8), st.lists(st.tuples(_paths | st.just(""), st.sampled_from(["m1", "m2"])), max_size=6),
       st.sets(_paths))
def test_the_carried_fields_an_error_names_are_those_at_above_or_below_it(
    carried: list[str], errors: list[tuple[str, str]], absent: set[str],
) -> None:
    native: dict[str, Any] = {}
    for path in carried:
        if path not in absent:
            node = native
            *parents, last = path.split("/")
            for key in parents:
                node = node.setdefault(key, {}) if isinstance(node.get(key, {}), dict) else {}
            node[last] = 1
    # the quadratic comprehension this replaced, as the reference
    expected = {p: why for where, why in errors for p in carried
                if get(native, p) is not ABSENT and (p == where or p.startswith(where + "/") or where.startswith(p + "/"))}
    found = structure._culprits(native, carried, errors)
    assert list(found.items()) == list(expected.items())
