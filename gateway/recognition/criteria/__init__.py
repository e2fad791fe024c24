"""Criterion evaluators, one module per family, registered by policy ``kind``.

Each kind is an ``evaluate(prepared, ctx) -> Finding``: pure (it reads only the prepared context
and its criterion's parameters, never the clock or files) and total (an absent value is a
finding, not an exception). A kind may also have

- ``prepare(params, sector, tables)``: the parameters as the evaluator reads them (thresholds
  parsed, patterns compiled, equivalence tables resolved), made once per policy and sector by
  the engine's plan; without it the evaluator gets the parameters themselves;
- ``fixed(prepared, sector)``: the finding when it follows from the policy and the sector alone
  (then made once, in the plan), else None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from gateway.recognition.context import Context
from gateway.recognition.criteria import (
    boundary, data_quality, declared_unit, factors, fields, gwp, methodology, pcr, registration, sector, stages,
    validity, verification,
)
from gateway.recognition.equivalence import EquivalenceTable
from gateway.recognition.outcome import Finding

Evaluator = Callable[[Any, Context], Finding]


class Kind(NamedTuple):
    evaluate: Evaluator | None
    prepare: Callable[[Mapping[str, Any], str | None, Mapping[str, EquivalenceTable]], Any] | None = None
    fixed: Callable[[Any, str | None], Finding | None] | None = None


KINDS: dict[str, Kind] = {
    "sector-covered": Kind(None, fixed=sector.fixed),
    "methodology": Kind(methodology.evaluate, methodology.prepare),
    "pcr": Kind(pcr.evaluate, pcr.prepare, pcr.fixed),
    "gwp": Kind(gwp.evaluate),
    "boundary": Kind(boundary.evaluate, boundary.prepare),
    "stages": Kind(stages.evaluate),
    "required-fields": Kind(fields.evaluate, fields.prepare),
    "data-quality": Kind(data_quality.evaluate, data_quality.prepare),
    "verification": Kind(verification.evaluate),
    "registration": Kind(registration.evaluate),
    "validity": Kind(validity.evaluate_validity),
    "reference-period": Kind(validity.evaluate_reference_period),
    "factor-database": Kind(factors.evaluate, factors.prepare),
    "declared-unit": Kind(declared_unit.evaluate),
}

__all__ = ["KINDS", "Evaluator", "Kind"]
