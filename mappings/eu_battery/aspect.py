"""A bare Battery Pass CarbonFootprint aspect: what it lacks, filled and reported, and the
plausibility of its values.

``aspect.toml`` holds the defaults (each reported ``defaulted``), the values reported
``missing`` and the plausibility bounds (a value outside them is read as published, with a
``warning``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.parsing import dump_json
from gateway.core.report import TranslationReport
from mappings.fieldmap import ABSENT, get, put

ASPECT = "Battery Pass CarbonFootprint aspect"


@cache
def table() -> dict[str, Any]:
    return tomllib.loads(resources.files("mappings.eu_battery").joinpath("aspect.toml").read_text("utf-8"))


def fill_identity(native: dict[str, Any], data: dict[str, Any], report: TranslationReport, format_id: str, document: str) -> None:
    """Put a default, reported ``defaulted``, wherever ``data`` lacks the identity a declaration
    needs (id, created, version, status, organisation and product names): a footprint-only
    document carries none, and ``--set`` replaces each on output."""
    computed: dict[str, tuple[Any, str]] = {}
    # Derived only when lacking: the id hashes the whole document (a passport's companion
    # object carries both).
    if get(data, "id") is ABSENT:
        computed["id"] = (_content_id(native, format_id),
                          "derived from the document's content (the same document gives the same id); supply it with --set id=UUID")
    if get(data, "created") is ABSENT:
        computed["created"] = (datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                               "the time of reading; supply it with --set created=DATETIME")
    for path, value in table()["identity"].items():
        computed[path] = (_named(value, document), _why(path))
    _put_defaults(data, computed, report)


@cache
def _id_namespace(format_id: str) -> uuid.UUID:
    """The uuid5 namespace of the ids derived from a document's content (the same document, the same id)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:jjj:footprint:{format_id}:aspect")


def _content_id(native: dict[str, Any], format_id: str) -> str:
    return str(uuid.uuid5(_id_namespace(format_id), hashlib.sha256(dump_json(native)).hexdigest()))


def fill(native: dict[str, Any], data: dict[str, Any], report: TranslationReport, *, bare: bool) -> None:
    """The identity (:func:`fill_identity`) and the aspect's functional unit where ``data`` lacks
    them, each reported ``defaulted``; for a bare aspect, report ``missing`` what a target may need."""
    fill_identity(native, data, report, "eu-battery", ASPECT)
    _put_defaults(data, {path: (value, _why(path)) for path, value in table()["defaults"].items()}, report)
    if bare:
        for path, what in table()["missing"].items():
            if get(data, path) is ABSENT:
                report.missing(path, f"the {ASPECT} does not carry {what}; supply it with --set {path}=...")


def _named(value: Any, document: str) -> Any:
    if isinstance(value, dict):
        return {k: v.format(document=document) for k, v in value.items()}
    return value


def _why(path: str) -> str:
    reasons = table()["reasons"]
    return f"{reasons[path]}; " if path in reasons else ""


def _put_defaults(data: dict[str, Any], values: dict[str, tuple[Any, str]], report: TranslationReport) -> None:
    for path, (value, why) in values.items():
        if get(data, path) is ABSENT:
            put(data, path, value)
            hint = why if "--set" in why else f"{why}supply it with --set {path}=..."
            report.defaulted(None, path, f"the document does not state it; {json.dumps(value, ensure_ascii=False)} used: {hint}")


@cache
def _bounds() -> tuple[Decimal, Decimal]:
    """The plausibility bounds per kWh and absolute, as numbers (read once)."""
    bounds = table()["plausible"]
    return Decimal(bounds["per_kwh_max"]), Decimal(bounds["absolute_max"])


def check_plausible(native: dict[str, Any], report: TranslationReport) -> None:
    """A ``warning`` for each negative or absurdly large footprint value (kept as published)."""
    per_kwh_max, absolute_max = _bounds()
    values = [("batteryCarbonFootprint", native.get("batteryCarbonFootprint"), per_kwh_max, "kg CO2e/kWh")]
    values += [(f"carbonFootprintPerLifecycleStage/{i}/carbonFootprint", e.get("carbonFootprint"), per_kwh_max, "kg CO2e/kWh")
               for i, e in enumerate(native.get("carbonFootprintPerLifecycleStage", []))]
    values.append(("absoluteCarbonFootprint", native.get("absoluteCarbonFootprint"), absolute_max, "kg CO2e"))
    for path, value, limit, unit in values:
        if value is None:
            continue
        amount = Decimal(value)
        if amount < 0:
            report.warning(path, f"plausibility: a negative carbon footprint ({amount} {unit}) is implausible; read as published")
        if abs(amount) > limit:
            report.warning(path, f"plausibility: {amount} {unit} is beyond ±{limit} {unit}, more than any battery; read as published")
