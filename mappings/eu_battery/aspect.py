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
from mappings.fieldmap import _MISSING as ABSENT
from mappings.fieldmap import get, put

# uuid5 namespace of the ids derived from an aspect's content (the same document, the same id).
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:jjj:footprint:eu-battery:aspect")


@cache
def table() -> dict[str, Any]:
    return tomllib.loads(resources.files("mappings.eu_battery").joinpath("aspect.toml").read_text("utf-8"))


def fill(native: dict[str, Any], data: dict[str, Any], report: TranslationReport, *, bare: bool) -> None:
    """Put a default, reported ``defaulted``, wherever ``data`` lacks a value a declaration
    needs; for a bare aspect, report ``missing`` what a target may need."""
    computed = {
        "id": (str(uuid.uuid5(_ID_NAMESPACE, hashlib.sha256(dump_json(native)).hexdigest())),
               "derived from the document's content (the same aspect gives the same id); supply it with --set id=UUID"),
        "created": (datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                    "the time of reading; supply it with --set created=DATETIME"),
    }
    reasons = table()["reasons"]
    for path, value in table()["defaults"].items():
        why = f"{reasons[path]}; " if path in reasons else ""
        computed.setdefault(path, (value, f"{why}supply it with --set {path}=..."))
    for path, (value, why) in computed.items():
        if get(data, path) is ABSENT:
            put(data, path, value)
            report.defaulted(None, path, f"the document does not state it; {json.dumps(value, ensure_ascii=False)} used: {why}")
    if bare:
        for path, what in table()["missing"].items():
            if get(data, path) is ABSENT:
                report.missing(path, f"the Battery Pass CarbonFootprint aspect does not carry {what}; supply it with --set {path}=...")


def check_plausible(native: dict[str, Any], report: TranslationReport) -> None:
    """A ``warning`` for each negative or absurdly large footprint value (kept as published)."""
    bounds = table()["plausible"]
    values = [("batteryCarbonFootprint", native.get("batteryCarbonFootprint"), Decimal(bounds["per_kwh_max"]), "kg CO2e/kWh")]
    values += [(f"carbonFootprintPerLifecycleStage/{i}/carbonFootprint", e.get("carbonFootprint"),
                Decimal(bounds["per_kwh_max"]), "kg CO2e/kWh")
               for i, e in enumerate(native.get("carbonFootprintPerLifecycleStage", []))]
    values.append(("absoluteCarbonFootprint", native.get("absoluteCarbonFootprint"), Decimal(bounds["absolute_max"]), "kg CO2e"))
    for path, value, limit, unit in values:
        if value is None:
            continue
        amount = Decimal(value)
        if amount < 0:
            report.warning(path, f"plausibility: a negative carbon footprint ({amount} {unit}) is implausible; read as published")
        if abs(amount) > limit:
            report.warning(path, f"plausibility: {amount} {unit} is beyond ±{limit} {unit}, more than any battery; read as published")
