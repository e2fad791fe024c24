"""Shared fixtures: the official vectors (see tests/anchors.py when absent) and a test PKI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from signing.testpki import TestPki, make_test_pki
from tests.anchors import ANCHORS as SHARED_ANCHORS
from tests.anchors import require

ANCHORS = SHARED_ANCHORS / "signing"


def _anchor(*parts: str) -> Path:
    return require(ANCHORS.joinpath(*parts))


@pytest.fixture(scope="session")
def anchor() -> Callable[..., Path]:
    """``anchor("jcs", "input", "arrays.json")``: path of an official vector file (tests/anchors.py when absent)."""
    return _anchor


@pytest.fixture(scope="session")
def anchor_json() -> Callable[..., Any]:
    return lambda *parts: json.loads(_anchor(*parts).read_text("utf-8"))


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def declaration() -> bytes:
    return (Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "declaration-3k.json").read_bytes()
