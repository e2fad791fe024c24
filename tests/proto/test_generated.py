"""The generated code's shape (that it is current: tests/test_regenerate.py)."""

from __future__ import annotations

from gateway._proto import regenerate


def test_version_stamps_alone_do_not_make_code_stale() -> None:
    old = "# Protobuf Python Version: 5.27.0\nGRPC_GENERATED_VERSION = '1.66.0'\nx = 1\n"
    new = "# Protobuf Python Version: 6.31.1\nGRPC_GENERATED_VERSION = '1.75.0'\nx = 1\n"
    assert regenerate.normalise(old) == regenerate.normalise(new)
    assert regenerate.normalise(old) != regenerate.normalise(old.replace("x = 1", "x = 2"))


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
