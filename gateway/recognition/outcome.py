"""What an assessment produces: per-criterion findings and the overall decision.

Everything here is plain data with a fixed canonical JSON form (``to_data``): the decision
is what gets signed, stored and compared byte for byte, so no field may depend on anything
but the inputs of the assessment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from signing.jcs import canonicalize


class Outcome(StrEnum):
    PASS = "PASS"
    CONDITIONAL = "CONDITIONAL"
    FAIL = "FAIL"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Decision(StrEnum):
    RECOGNISED = "RECOGNISED"
    RECOGNISED_WITH_CONDITIONS = "RECOGNISED_WITH_CONDITIONS"
    NOT_RECOGNISED = "NOT_RECOGNISED"


@dataclass(frozen=True, slots=True)
class Bilingual:
    zh: str
    en: str

    def to_data(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One value looked at: its path (canonical data form, or an attestation/trust-list path) and value."""

    path: str
    value: Any

    def to_data(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    kind: str
    outcome: Outcome
    message: Bilingual
    evidence: tuple[Evidence, ...] = ()
    condition: Bilingual | None = None
    refuses: bool = False

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "outcome": self.outcome.value,
            "message": self.message.to_data(),
            "evidence": [e.to_data() for e in self.evidence],
        }
        if self.condition is not None:
            out["condition"] = self.condition.to_data()
        out["refuses"] = self.refuses
        return out


# What one evaluator concluded, before the policy's decision rules are applied: (outcome, message
# in Chinese, in English, evidence, condition). A plain tuple, not an object: an assessment makes
# one per criterion and the engine unpacks it straight into the criterion's result.
Finding = tuple[Outcome, str, str, tuple[Evidence, ...], Bilingual | None]


def _twin(cls: type) -> type:
    """A plain class with exactly ``cls``'s slots, whose instances may become ``cls`` by setting
    ``__class__``: an assessment makes about 14 results and 30 evidence items, and a frozen
    dataclass's constructor calls ``object.__setattr__`` per field, where storing into the twin
    and then giving it the class takes about a third of that (the model reader builds its
    objects so)."""
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__slots__})  # type: ignore[attr-defined]
    probe = object.__new__(twin)
    probe.__class__ = cls  # TypeError at import if Python ever refused: never a silently slower path
    return twin


def _builder(cls: type) -> Callable[..., Any]:
    """A function taking every field of ``cls`` in order and returning the instance its
    constructor would, built through the class's twin."""
    names = cls.__slots__  # type: ignore[attr-defined]
    lines = [f"def build({', '.join(names)}):", "    o = new(twin)", *(f"    o.{n} = {n}" for n in names), "    o.__class__ = cls", "    return o"]
    env: dict[str, Any] = {"new": object.__new__, "twin": _twin(cls), "cls": cls}
    exec(compile("\n".join(lines), f"<build {cls.__name__}>", "exec"), env)  # noqa: S102 - source from the class's own slots
    return env["build"]


build_bilingual: Callable[[str, str], Bilingual] = _builder(Bilingual)
build_evidence: Callable[[str, Any], Evidence] = _builder(Evidence)

_new = object.__new__
_BilingualTwin, _ResultTwin = _twin(Bilingual), _twin(CriterionResult)


def result_of(id: str, kind: str, outcome: Outcome, zh: str, en: str, evidence: tuple[Evidence, ...],
              condition: Bilingual | None, refuses: bool) -> CriterionResult:
    """``CriterionResult(id, kind, outcome, Bilingual(zh, en), evidence, condition, refuses)``, the
    message and the result built in one call (the engine makes one per criterion from its finding)."""
    message = _new(_BilingualTwin)
    message.zh = zh
    message.en = en
    message.__class__ = Bilingual
    o = _new(_ResultTwin)
    o.id = id
    o.kind = kind
    o.outcome = outcome
    o.message = message
    o.evidence = evidence
    o.condition = condition
    o.refuses = refuses
    o.__class__ = CriterionResult
    return o


@dataclass(frozen=True, slots=True)
class RecognitionDecision:
    decision: Decision
    policy: dict[str, str]
    trust_list: dict[str, Any]
    declaration: dict[str, Any]
    assessed_at: str
    criteria: tuple[CriterionResult, ...]
    summary: Bilingual
    attestations: tuple[dict[str, Any], ...] = field(default=())

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria if c.outcome is Outcome.FAIL)

    @property
    def conditional(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria if c.outcome is Outcome.CONDITIONAL)

    @property
    def conditions(self) -> tuple[tuple[str, Bilingual], ...]:
        return tuple((c.id, c.condition) for c in self.criteria if c.condition is not None and not c.refuses)

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == criterion_id)

    def to_data(self) -> dict[str, Any]:
        return {
            "type": "RecognitionDecision",
            "schema_version": 1,
            "decision": self.decision.value,
            "policy": dict(self.policy),
            "trust_list": dict(self.trust_list),
            "declaration": dict(self.declaration),
            "assessed_at": self.assessed_at,
            "attestations": [dict(a) for a in self.attestations],
            "criteria": [c.to_data() for c in self.criteria],
            "failing": list(self.failing),
            "conditions": [{"criterion": cid, **cond.to_data()} for cid, cond in self.conditions],
            "summary": self.summary.to_data(),
        }

    def canonical_json(self) -> bytes:
        """RFC 8785 bytes: the form that is digested and signed."""
        return canonicalize(self.to_data())

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.canonical_json()).hexdigest()


build_decision: Callable[..., RecognitionDecision] = _builder(RecognitionDecision)
