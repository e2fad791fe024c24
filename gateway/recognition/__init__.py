"""Executable mutual recognition (互认): policies as data, decisions with evidence, signed.

``assess(declaration, policy, attestations=..., trust_list=..., at=..., declaration_digest=...)``
evaluates every criterion of a :class:`RecognitionPolicy` and returns a
:class:`RecognitionDecision`; ``sign_decision`` / ``verify_decision`` turn it into a
``recognised`` attestation and back. Policies live in ``mappings/recognition/policies/``.
"""

from gateway.recognition.engine import assess
from gateway.recognition.outcome import Bilingual, CriterionResult, Decision, Evidence, Outcome, RecognitionDecision
from gateway.recognition.policy import CriterionSpec, RecognitionPolicy, get_policy, load_policy, shipped_policies
from gateway.recognition.signed import VerifiedDecision, sign_decision, verify_decision

__all__ = [
    "Bilingual", "CriterionResult", "CriterionSpec", "Decision", "Evidence", "Outcome", "RecognitionDecision",
    "RecognitionPolicy", "VerifiedDecision", "assess", "get_policy", "load_policy", "shipped_policies",
    "sign_decision", "verify_decision",
]
