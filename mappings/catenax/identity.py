"""The declaration identity a footprint-only document (battery passport sections) does not carry."""

from __future__ import annotations

import copy
from typing import Any

from gateway.core.model import Declaration, declaration_from_data
from gateway.core.report import TranslationReport
from mappings.catenax import regional
from mappings.eu_battery import aspect
from mappings.fieldmap import leaves


def section_declaration(
    format_id: str, namespace: str, native: dict[str, Any], data: dict[str, Any], own: dict[str, Any],
    report: TranslationReport, kept_as: str,
) -> Declaration:
    """The declaration of a battery carbon-footprint section (Catena-X passport or IDTA): the
    section's members without a canonical field kept under ``extensions/{namespace}`` and
    reported, the regional extension applied, and the identity a section lacks (id, created,
    version, status, organisation and product names) defaulted and reported as for a bare
    Battery Pass aspect, so that ``--set`` can supply it."""
    for path, _ in leaves(own):
        report.converted(path, f"extensions/{namespace}/{path}", f"no canonical field; kept as {kept_as}")
    data, others = regional.apply_extension(native, data)
    if others:
        data.setdefault("extensions", {}).setdefault(namespace, {})["extensions"] = copy.deepcopy(others)
    aspect.fill_identity(native, data, report, format_id, f"{format_id} section")
    return declaration_from_data(data)
