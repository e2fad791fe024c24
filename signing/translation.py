"""The ``translated`` attestation for a translation result (what ``fpgw convert --sign`` emits).

Works on anything shaped like :class:`gateway.translate.Translation` (``source_format``,
``target_format``, ``output``, ``report`` with ``as_dict()``), so signing does not import
the translation pipeline.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from importlib import metadata
from typing import Any, Protocol

from . import jcs
from .attestation import issue_attestation
from .claims import LossNote, TranslatedClaim
from .digest import Media, document_digest
from .keys import PrivateKey
from .timeutil import utcnow

__all__ = ["media_of_format", "report_digest", "translated_claim", "attest_translation"]


class _Report(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


class _Translation(Protocol):
    source_format: str
    target_format: str
    output: bytes
    report: _Report


def media_of_format(format_id: str) -> Media:
    """Format ids ending in ``-xml`` are XML; every other format is JSON."""
    return "xml" if format_id.endswith("-xml") else "json"


def report_digest(report: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(jcs.canonicalize(report)).hexdigest()


def library_version() -> str:
    try:
        return metadata.version("jjj-footprint-gateway")
    except metadata.PackageNotFoundError:
        return "unknown"


def translated_claim(source: bytes, source_format: str, target_format: str, report: dict[str, Any]) -> TranslatedClaim:
    """Build the claim from the input bytes and a report in ``TranslationReport.as_dict()`` form."""
    losses = tuple(
        LossNote(e["kind"], e.get("sourcePath") or "", e.get("detail") or e.get("message") or "", e.get("targetPath"))
        for e in report.get("entries", ())
        if e.get("kind") != "converted"
    )
    return TranslatedClaim(
        input_digest=document_digest(source, media_of_format(source_format)),
        input_format=source_format,
        output_format=target_format,
        mapping_version=str(report.get("mappingVersion") or f"{source_format}->{target_format}"),
        library_version=library_version(),
        report_digest=report_digest(report),
        lossless=bool(report.get("lossless", not losses)),
        losses=losses,
    )


def attest_translation(
    source: bytes,
    translation: _Translation,
    *,
    key: PrivateKey,
    issuer_id: str,
    verification_method: str,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """Sign a ``translated`` attestation over ``translation.output``."""
    claim = translated_claim(source, translation.source_format, translation.target_format, translation.report.as_dict())
    media = media_of_format(translation.target_format)
    now = utcnow()
    return issue_attestation(
        claim,
        document_digest(translation.output, media),
        key=key,
        issuer_id=issuer_id,
        verification_method=verification_method,
        valid_from=valid_from or now - timedelta(seconds=1),
        valid_until=valid_until,
        media=media,
        created=now,
    )
