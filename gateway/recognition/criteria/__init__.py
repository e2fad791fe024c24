"""Criterion evaluators, one module per family, registered by policy ``kind``.

Each is ``evaluate(params, ctx) -> Finding``: pure (it reads only the prepared context and
its parameters, never the clock or files) and total (an absent value is a finding, not an
exception).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway.recognition.context import Context
from gateway.recognition.criteria import (
    boundary, data_quality, declared_unit, factors, fields, gwp, methodology, pcr, registration, sector, stages,
    validity, verification,
)
from gateway.recognition.outcome import Finding

Evaluator = Callable[[Mapping[str, Any], Context], Finding]

KINDS: dict[str, Evaluator] = {
    "sector-covered": sector.evaluate,
    "methodology": methodology.evaluate,
    "pcr": pcr.evaluate,
    "gwp": gwp.evaluate,
    "boundary": boundary.evaluate,
    "stages": stages.evaluate,
    "required-fields": fields.evaluate,
    "data-quality": data_quality.evaluate,
    "verification": verification.evaluate,
    "registration": registration.evaluate,
    "validity": validity.evaluate_validity,
    "reference-period": validity.evaluate_reference_period,
    "factor-database": factors.evaluate,
    "declared-unit": declared_unit.evaluate,
}

__all__ = ["KINDS", "Evaluator"]
