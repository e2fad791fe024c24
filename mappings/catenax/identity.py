"""The declaration identity a footprint-only document (battery passport sections) does not carry."""

from __future__ import annotations

import copy
from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration, declaration_from_data
from gateway.core.report import TranslationReport
from mappings.catenax import regional
from mappings.fieldmap import _MISSING as ABSENT
from mappings.fieldmap import get, leaves

# Canonical paths a declaration cannot do without, in the order they are asked for.
REQUIRED = ("id", "created", "organisation/name", "product/name")


def require(format_id: str, data: dict[str, Any], report: TranslationReport) -> None:
    """Refuse, naming the path, unless our extension (or the caller) supplied the identity; a
    missing version is 0, reported defaulted (as for a PACT footprint)."""
    for path in REQUIRED:
        if get(data, path) is ABSENT:
            raise MissingRequiredValue(
                N_("the {format_id} document carries no {path} (it is a carbon-footprint section, not a declaration); "
                "supply it with --set {path}=...", format_id=format_id, path=path),
                path=path, target=path,
            )
    if "version" not in data:
        data["version"] = 0
        report.defaulted(None, "version", f"{format_id} has no version; 0 used")


def section_declaration(
    format_id: str, namespace: str, native: dict[str, Any], data: dict[str, Any], own: dict[str, Any],
    report: TranslationReport, kept_as: str,
) -> Declaration:
    """The declaration of a battery carbon-footprint section (Catena-X passport or IDTA): the
    section's members without a canonical field kept under ``extensions/{namespace}`` and
    reported, the regional extension applied, the identity a section lacks required."""
    for path, _ in leaves(own):
        report.converted(path, f"extensions/{namespace}/{path}", f"no canonical field; kept as {kept_as}")
    data, others = regional.apply_extension(native, data)
    if others:
        data.setdefault("extensions", {}).setdefault(namespace, {})["extensions"] = copy.deepcopy(others)
    require(format_id, data, report)
    return declaration_from_data(data)
