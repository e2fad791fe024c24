"""The gRPC gateway server: ``create_server(config) -> (server, port)`` and its parts."""

from __future__ import annotations

from .app import GatewayServer, Service, create_server, serve
from .attestation import AttestationServicer
from .authorisation import AuthorisationInterceptor, authorise
from .config import RecognitionConfig, ServerConfig, SigningConfig, StoreConfig, TlsConfig, TrustConfig, load_config
from .exchange import ExchangeServicer, FeedSignal
from .identity import peer_identity, peer_uris, require_identity
from .interceptor import ErrorInterceptor
from .replication import Refusal, Replicator, SyncOutcome, accept_attestation
from .status import error_details, to_status
from .recognition import PolicyIndex, RecognitionServicer
from .submission import Submission, VerifySubmission, accept_as_declared
from .translation import TranslationServicer
from .trust import GatewayKey, GatewayTrust
from .verification import SignedSubmissions

__all__ = [
    "AttestationServicer",
    "AuthorisationInterceptor",
    "GatewayKey",
    "GatewayTrust",
    "PolicyIndex",
    "RecognitionConfig",
    "RecognitionServicer",
    "SignedSubmissions",
    "SigningConfig",
    "TranslationServicer",
    "TrustConfig",
    "authorise",
    "ErrorInterceptor",
    "ExchangeServicer",
    "Refusal",
    "Replicator",
    "SyncOutcome",
    "accept_attestation",
    "FeedSignal",
    "GatewayServer",
    "ServerConfig",
    "Service",
    "StoreConfig",
    "Submission",
    "TlsConfig",
    "VerifySubmission",
    "accept_as_declared",
    "create_server",
    "error_details",
    "load_config",
    "peer_identity",
    "peer_uris",
    "require_identity",
    "serve",
    "to_status",
]
