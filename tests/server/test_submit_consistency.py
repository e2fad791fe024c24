"""Strict in the register: Submit refuses a declaration whose totals disagree with their parts,
whatever format it comes in (a foreign format is only warned about when translated)."""

from __future__ import annotations

import json

import pytest

from gateway.core.errors import InvalidValue
from gateway.server.submission import Submission
from gateway.server.verification import _check_document
from gateway.translate import translate

from .conftest import STEEL


def submission(content: bytes, format_id: str) -> Submission:
    return Submission(declaration_id="", version=1, region="", sector="", product_id="", format_id=format_id,
                      media_type="application/json", content=content, attestations=(), submitter=None)


def test_submit_refuses_an_inconsistent_foreign_document() -> None:
    doc = json.loads(translate(STEEL.read_bytes(), "canonical-json").output)
    assert _check_document(submission(json.dumps(doc).encode(), "canonical-json")) == "steel"
    doc["results"]["total_excluding_biogenic"]["amount"] = "999"
    with pytest.raises(InvalidValue) as info:
        _check_document(submission(json.dumps(doc).encode(), "canonical-json"))
    assert info.value.path == "results/total_excluding_biogenic"
