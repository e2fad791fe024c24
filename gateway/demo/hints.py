"""What ``fpgw demo --keep`` prints: addresses, certificate paths and grpcurl commands."""

from __future__ import annotations

import os
from typing import Any

from ..core.i18n import _
from .network import PACT_CLIENT, DemoNetwork


def demo_state(network: DemoNetwork) -> dict[str, Any]:
    """What ``fpgw demo --keep --state FILE`` writes, for scripts and other tools (such as the
    official PACT conformance tool) to point at the running demo."""
    return {
        "gateways": [{"name": g.name, "grpc": g.address, "pact_base_url": g.pact_base_url,
                      "ca": str(network.pki.files["ca"]), "client_cert": str(network.client_files(g.name)[0]),
                      "client_key": str(network.client_files(g.name)[1])} for g in network.gateways.values()],
        "pact_client": {"client_id": PACT_CLIENT, "client_secret": network.pact_secret},
        "pids": [os.getpid()],
    }


def keep_hints(network: DemoNetwork) -> str:
    files = network.pki.files
    tianjin = network.gateways["tianjin"]
    cert, key = network.client_files("tianjin")
    tls = f"-cacert {files['ca']} -cert {cert} -key {key}"
    lines = ["The gateways keep running (Ctrl-C stops them):"]
    lines += [f"  {g.name:<8} {g.address}  identity {g.entity_id}  store {g.config.store.url}"
              for g in network.gateways.values()]
    lines += [
        "",
        f"CA: {files['ca']}   trust list: {files['trust_list']}   root key: {network.pki.root_multikey}",
        "Client certificates (SAN URI = trust-list entity):",
        *(f"  {who:<8} {network.client_files(who)[0]}  key {network.client_files(who)[1]}"
          for who in ("beijing", "tianjin", "hebei", "exporter")),
        "",
        "Try (grpcurl uses server reflection; every call needs a client certificate):",
        f"  grpcurl {tls} {tianjin.address} list",
        f"  grpcurl {tls} {tianjin.address} jjj.footprint.v1.TranslationService/ListFormats",
        f"  grpcurl {tls} -d '{{\"region\": \"120000\"}}' {tianjin.address} jjj.footprint.v1.RecognitionService/ListPolicies",
        f"  grpcurl {tls} -d '{{\"page_size\": 5}}' {tianjin.address} jjj.footprint.v1.ExchangeService/List",
        f"  grpcurl {tls} {tianjin.address} grpc.health.v1.Health/Check",
        "Or from Python: gateway._proto stubs with grpc.ssl_channel_credentials(ca, key, cert).",
        "",
        f"PACT REST (client {PACT_CLIENT}, secret {network.pact_secret}):",
        *(f"  {g.name:<8} {g.pact_base_url}" for g in network.gateways.values()),
        f"  PACT_SECRET={network.pact_secret} fpgw pact pull {tianjin.pact_base_url} --client-id {PACT_CLIENT}"
        f" --client-secret-env PACT_SECRET --ca {files['ca']} -o pulled/",
    ]
    if not network.fresh:
        lines += [
            "",
            _("Conformance: the suite calls its target as the Hebei platform, with its TEST-ONLY CA and client "
              "certificates by default:"),
            f"  fpgw conformance run --target {network.gateways['hebei'].address} --report-dir out/",
        ]
    return "\n".join(lines)
