"""The regional extension's patch, applied by copying only what it changes, is RFC 7386's."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.core.jsonpatch import merge_patch
from mappings.catenax import regional

_KEYS = st.sampled_from(["a", "b", "c", "d"])
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)
_TREES = st.dictionaries(_KEYS, _VALUES, max_size=4)


@given(_TREES, _VALUES)
def test_the_patch_applied_is_the_merge_patch_and_leaves_both_alone(target: dict[str, Any], patch: Any) -> None:
    target_before, patch_before = copy.deepcopy(target), copy.deepcopy(patch)
    out = regional._patched(target, patch)
    expected = merge_patch(target_before, patch_before)
    assert json.dumps(out) == json.dumps(expected)  # members in the same order too
    assert target == target_before and patch == patch_before
