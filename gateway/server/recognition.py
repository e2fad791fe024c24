"""RecognitionService: Assess and ListPolicies on :mod:`gateway.recognition`.

Policies are looked up by id among the configured ones (the folder of
``[recognition] policies``, or the shipped policies), or sent as data in the request
(``policy_document``, validated like a policy file): a request can never name a file.
The folder is read again when its contents change, so a malformed policy dropped into it
surfaces as INVALID_POLICY on the next call.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import grpc

from signing import document_digest
from signing.timeutil import utcnow
from signing.translation import media_of_format

from .._proto import recognition_pb2, recognition_pb2_grpc
from ..core.errors import ConfigurationError, DocumentTooLarge, InvalidRequest, PolicyError, UnknownPolicy
from ..core.i18n import N_
from ..recognition import RecognitionDecision, RecognitionPolicy, assess, load_policy, shipped_policies
from ..translate import read
from .config import ServerConfig
from .convert import from_timestamp, timestamp
from .translation import source_format
from .trust import GatewayTrust

POLICY_SUFFIXES = (".toml", ".json")
POLICY_MEDIA_TYPES = {"application/json": "json", "application/toml": "toml"}
MAX_POLICY_BYTES = 1024 * 1024
POLICY_SOURCE = "policy_document"


class PolicyIndex:
    """The policies this gateway applies, by id."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._stamp: tuple | None = None
        self._policies: dict[str, RecognitionPolicy] = {}

    def policies(self) -> dict[str, RecognitionPolicy]:
        if self.folder is None:
            return shipped_policies()
        files = sorted(p for p in self.folder.iterdir() if p.suffix in POLICY_SUFFIXES)
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
        if stamp != self._stamp:
            self._policies = {policy.id: policy for policy in (load_policy(p) for p in files)}
            self._stamp = stamp
        return self._policies

    def get(self, policy_id: str) -> RecognitionPolicy:
        policies = self.policies()
        if policy_id not in policies:
            raise UnknownPolicy(N_("no policy {policy_id!r}; this gateway applies {value}", policy_id=policy_id, value=', '.join(sorted(policies)) or 'none'),
                                path="policy_id", policy=policy_id)
        return policies[policy_id]


def policy_from_document(document: recognition_pb2.PolicyDocument) -> RecognitionPolicy:
    """A policy sent as data, validated exactly as ``fpgw policy validate`` validates a file."""
    syntax = POLICY_MEDIA_TYPES.get(document.media_type)
    if syntax is None:
        raise InvalidRequest(N_("a policy document is {items}, not {media_type!r}", items=' or '.join(POLICY_MEDIA_TYPES), media_type=document.media_type),
                             path="policy_document.media_type")
    if len(document.content) > MAX_POLICY_BYTES:
        raise DocumentTooLarge(N_("a policy document is at most {max_policy_bytes} bytes", max_policy_bytes=MAX_POLICY_BYTES),
                               path="policy_document.content")
    try:
        text = document.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(N_("the policy document is not UTF-8: {exc}", exc=exc), path="/", source=POLICY_SOURCE) from None
    # load_policy tells JSON from TOML by the first character; the stated type must agree.
    if (syntax == "json") != text.lstrip().startswith("{"):
        raise PolicyError(N_("the policy document is not {media_type}", media_type=document.media_type), path="/", source=POLICY_SOURCE)
    return load_policy(document.content, name=POLICY_SOURCE)


def decision_message(decision: RecognitionDecision, policy: RecognitionPolicy,
                     at: datetime) -> recognition_pb2.RecognitionDecision:
    return recognition_pb2.RecognitionDecision(
        outcome=recognition_pb2.RecognitionOutcome.Value(f"RECOGNITION_OUTCOME_{decision.decision.value}"),
        policy_id=policy.id, policy_version=policy.version, region=policy.region,
        declaration_id=str(decision.declaration["id"]), version=int(decision.declaration["version"]),
        digest=decision.declaration["digest"],
        criteria=[
            recognition_pb2.CriterionResult(
                criterion_id=c.id,
                outcome=recognition_pb2.CriterionOutcome.Value(f"CRITERION_OUTCOME_{c.outcome.value}"),
                evidence=[f"{e.path}={e.value}" for e in c.evidence],
                message=recognition_pb2.LocalizedText(zh=c.message.zh, en=c.message.en),
            )
            for c in decision.criteria
        ],
        decided_at=timestamp(at),
    )


class RecognitionServicer(recognition_pb2_grpc.RecognitionServiceServicer):
    def __init__(self, index: PolicyIndex, trust: GatewayTrust | None, default_policy: str = "") -> None:
        self.index = index
        self.trust = trust
        self.default_policy = default_policy

    def Assess(self, request: recognition_pb2.AssessRequest,
               context: grpc.ServicerContext) -> recognition_pb2.AssessResponse:
        if self.trust is None:
            raise ConfigurationError(N_("this gateway has no trust list ([trust] is not configured)"), path="trust.list")
        policy = self._policy(request)
        fmt = source_format(request.document)
        declaration = read(request.document.content, fmt.id).declaration
        at = from_timestamp(request, "at_time") or utcnow()
        supplied = request.trust_list if request.HasField("trust_list") else None
        decision = assess(
            declaration, policy, attestations=[a.content for a in request.attestations],
            trust_list=self.trust.for_request(supplied, at), at=at,
            declaration_digest=document_digest(request.document.content, media_of_format(fmt.id)),
        )
        return recognition_pb2.AssessResponse(decision=decision_message(decision, policy, at),
                                              decision_json=decision.canonical_json())

    def _policy(self, request: recognition_pb2.AssessRequest) -> RecognitionPolicy:
        if request.WhichOneof("policy") == "policy_document":
            return policy_from_document(request.policy_document)
        policy_id = request.policy_id or self.default_policy
        if not policy_id:
            raise InvalidRequest(N_("policy_id is required (this gateway has no default policy)"), path="policy_id")
        return self.index.get(policy_id)

    def ListPolicies(self, request: recognition_pb2.ListPoliciesRequest,
                     context: grpc.ServicerContext) -> recognition_pb2.ListPoliciesResponse:
        policies = sorted(self.index.policies().values(), key=lambda p: p.id)
        return recognition_pb2.ListPoliciesResponse(policies=[
            recognition_pb2.PolicyInfo(
                policy_id=p.id, version=p.version, region=p.region,
                name=recognition_pb2.LocalizedText(zh=p.title.zh, en=p.title.en),
                sectors=_sectors(p),
            )
            for p in policies if not request.region or p.region == request.region
        ])


def _sectors(policy: RecognitionPolicy) -> list[str]:
    """The sectors the policy's sector-covered criterion lists (none: every sector)."""
    for criterion in policy.criteria:
        if criterion.kind == "sector-covered":
            return list(criterion.params.get("sectors", ()))
    return []


def recognition_servicer(config: ServerConfig, trust: GatewayTrust | None) -> RecognitionServicer:
    return RecognitionServicer(PolicyIndex(config.recognition.policies), trust, config.recognition.default_policy)
