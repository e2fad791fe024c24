"""The compiled validator on the hot path (jsonschema-rs) and the reference implementation
(python-jsonschema) give the same verdict on every shipped JSON Schema, for valid documents
and for mutated ones."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway import examples
from gateway.core.parsing import load_json
from gateway.translate import read, write
from mappings import TranslateOptions, available, get_format

STEEL = examples.example("hebei-hot-rolled-steel-coil.json")
BATTERY = examples.example("tianjin-ev-battery-pack-nmc.json")
# Formats a regional example cannot reach without supplied values: our partner documents.
PARTNER_DOCUMENTS = {
    "catenax-pcf-v8": "catenax-pcf-v8-brake-disc.json", "catenax-pcf-v9": "catenax-pcf-v9-cathode-material.json",
}
JSON_FORMATS = [f for f in available() if get_format(f).syntax == "json"]
OPTIONS = TranslateOptions(fallback={"links/study_url": "https://example.org/cfp-study"})
REPLACEMENTS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5), st.just([]), st.just({}),
    st.sampled_from(["-1", "1e3", "2025-13-01", "kg", "AR7"]),
)


def _document(format_id: str) -> object:
    if format_id in PARTNER_DOCUMENTS:
        return load_json((examples.folder() / "partners" / PARTNER_DOCUMENTS[format_id]).read_bytes())
    decl = read((BATTERY if "battery" in format_id else STEEL).read_bytes()).declaration
    data, _ = write(decl, format_id, OPTIONS)
    return load_json(data)


def _paths(tree: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(tree, dict):
        for k, v in tree.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            out += _paths(v, (*prefix, i))
    return out


@pytest.mark.parametrize("format_id", JSON_FORMATS)
@given(data=st.data())
def test_compiled_and_reference_validators_agree(format_id: str, data: st.DataObject) -> None:
    fmt = get_format(format_id)
    reference = jsonschema.validators.validator_for(fmt.schema)(fmt.schema)
    doc = copy.deepcopy(_document(format_id))
    assert reference.is_valid(doc) and fmt.validator.is_valid(doc)
    path = data.draw(st.sampled_from(_paths(doc)))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(REPLACEMENTS)
    assert reference.is_valid(doc) == fmt.validator.is_valid(doc), f"disagree after changing {path}"
