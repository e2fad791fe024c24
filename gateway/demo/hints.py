"""What ``fpgw demo --keep`` prints: addresses, certificate paths and grpcurl commands."""

from __future__ import annotations

from .network import DemoNetwork


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
    ]
    return "\n".join(lines)
