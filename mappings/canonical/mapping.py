"""The canonical model read and written as it is: the identity mapping."""

from __future__ import annotations

from typing import Any

from gateway.core.model import Declaration, declaration_from_data
from gateway.core.report import TranslationReport
from mappings.base import TranslateOptions


def to_canonical(native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
    return declaration_from_data(native)


def from_canonical(decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
    return data
