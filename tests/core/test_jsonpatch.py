import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.core.jsonpatch import json_patch, merge_diff, merge_patch, merge_patch_sharing

leaf = st.one_of(st.integers(), st.text(max_size=4), st.booleans())
docs = st.recursive(st.dictionaries(st.text(max_size=3), leaf, max_size=4),
                    lambda inner: st.dictionaries(st.text(max_size=3), inner | leaf, max_size=4), max_leaves=12)


def test_rfc7386_examples() -> None:
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert merge_patch({"a": "b"}, {"a": None}) == {}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}


@given(docs, docs)
def test_merge_diff_then_patch_gives_back_the_original(original, derived) -> None:
    before = repr(derived)
    assert merge_patch(derived, merge_diff(original, derived)) == original
    assert repr(derived) == before


def test_json_patch_add_replace_remove_and_refusal() -> None:
    doc = {"a": [1, 2], "b": {"c": 1}}
    out = json_patch(doc, [{"op": "add", "path": "/a/-", "value": 3}, {"op": "replace", "path": "/b/c", "value": 2},
                           {"op": "remove", "path": "/a/0"}, {"op": "add", "path": "/d~1e", "value": True}])
    assert out == {"a": [2, 3], "b": {"c": 2}, "d/e": True}
    assert doc == {"a": [1, 2], "b": {"c": 1}}
    with pytest.raises(ValueError):
        json_patch(doc, [{"op": "move", "path": "/a", "from": "/b"}])


_keys = st.sampled_from(["a", "b", "c", "d"])
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


def _containers(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [tree, *(c for v in tree.values() for c in _containers(v))]
    if isinstance(tree, list):
        return [tree, *(c for v in tree for c in _containers(v))]
    return []


def _rfc7386(target: Any, patch: Any) -> Any:
    """RFC 7386 section 2's pseudocode, word for word: the reference both merges are held to."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _rfc7386(out.get(key), value)
    return out


@given(st.dictionaries(_keys, _values, max_size=4) | _values, _values)
def test_both_merge_patches_are_rfc7386_and_change_neither_input(target: Any, patch: Any) -> None:
    target_before, patch_before = copy.deepcopy(target), copy.deepcopy(patch)
    expected = _rfc7386(copy.deepcopy(target), copy.deepcopy(patch))
    for merge in (merge_patch_sharing, merge_patch):
        out = merge(target, patch)
        assert json.dumps(out) == json.dumps(expected)  # members in the same order too
        assert target == target_before and patch == patch_before
    # merge_patch shares nothing with its target; the sharing one only what the patch leaves alone
    assert not {id(c) for c in _containers(target)} & {id(c) for c in _containers(merge_patch(target, patch))}
    out = merge_patch_sharing(target, patch)
    # nothing of the patch is shared with the result: changing the result leaves the patch as it was
    patch_ids = {id(c) for c in _containers(patch)}
    assert not patch_ids & {id(c) for c in _containers(out)}
