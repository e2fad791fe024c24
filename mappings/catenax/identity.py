"""The declaration identity a footprint-only document (battery passport sections) does not carry."""

from __future__ import annotations

from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.report import TranslationReport
from mappings.fieldmap import _MISSING as ABSENT
from mappings.fieldmap import get

# Canonical paths a declaration cannot do without, in the order they are asked for.
REQUIRED = ("id", "created", "organisation/name", "product/name")


def require(format_id: str, data: dict[str, Any], report: TranslationReport) -> None:
    """Refuse, naming the path, unless our extension (or the caller) supplied the identity; a
    missing version is 0, reported defaulted (as for a PACT footprint)."""
    for path in REQUIRED:
        if get(data, path) is ABSENT:
            raise MissingRequiredValue(
                f"the {format_id} document carries no {path} (it is a carbon-footprint section, not a declaration); "
                f"supply it with --set {path}=...",
                path=path, target=path,
            )
    if "version" not in data:
        data["version"] = 0
        report.defaulted(None, "version", f"{format_id} has no version; 0 used")
