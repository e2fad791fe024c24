"""The committed generated code is exactly what ``proto/`` generates today."""

from __future__ import annotations

import re
from pathlib import Path

from gateway._proto import regenerate

# Version stamps written by protoc/grpcio-tools; a newer compiler in CI changes only these.
_STAMPS = [
    re.compile(r"^# Protobuf Python Version: .*$", re.MULTILINE),
    re.compile(r"(ValidateProtobufRuntimeVersion\(\s*_runtime_version\.Domain\.PUBLIC,)\s*\d+,\s*\d+,\s*\d+,"),
    re.compile(r"^GRPC_GENERATED_VERSION = .*$", re.MULTILINE),
]


def _normalise(text: str) -> str:
    for stamp in _STAMPS:
        text = stamp.sub(lambda m: m.group(1) if m.groups() else "", text)
    return text


def test_committed_code_matches_regeneration(tmp_path: Path) -> None:
    fresh = {p.name: p.read_text(encoding="utf-8") for p in regenerate.generate(tmp_path)}
    committed = {p.name: p.read_text(encoding="utf-8") for p in regenerate.generated_files()}
    assert sorted(committed) == sorted(fresh), "run: python -m gateway._proto.regenerate"
    stale = [name for name in fresh if _normalise(fresh[name]) != _normalise(committed[name])]
    assert not stale, f"out of date: {stale}; run: python -m gateway._proto.regenerate"


def test_generated_imports_are_package_relative() -> None:
    for path in regenerate.generated_files():
        text = path.read_text(encoding="utf-8")
        assert "from jjj." not in text and "import jjj" not in text, path.name


def test_every_service_is_generated() -> None:
    from gateway._proto import (
        attestation_pb2,
        echo_pb2,
        exchange_pb2,
        recognition_pb2,
        translation_pb2,
    )

    services = {
        name
        for module in (attestation_pb2, echo_pb2, exchange_pb2, recognition_pb2, translation_pb2)
        for name in module.DESCRIPTOR.services_by_name
    }
    assert services == {
        "AttestationService",
        "EchoService",
        "ExchangeService",
        "RecognitionService",
        "TranslationService",
    }
