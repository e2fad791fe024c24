"""Documents as partners send them, for the border tests."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.mappings.test_pact import v3_document

WRONG_GTIN = "1234567890123"  # check digit 3; GS1 gives 8 (as in the PACT conformance tool's samples)
USCC = "91110111MA00G6Q2B8"
TO_REGIONAL = {"region": "120000", "method/boundary": "cradle-to-gate",
               "organisation/ids/-": json.dumps({"scheme": "uscc", "value": USCC})}


def footprint(n: int = 0, **changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(v3_document())
    doc["id"] = f"079e425a-464f-528d-341d-4a944a1dfd7{n}"
    doc.update(changes)
    return doc


def with_wrong_gtin() -> dict[str, Any]:
    return footprint(productIds=[f"urn:gtin:{WRONG_GTIN}"])


def raw(value: Any) -> bytes:
    return json.dumps(value).encode()
