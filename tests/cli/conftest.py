"""The server tests' fixtures (real mTLS gateways on port 0, the test PKI), for CLI tests."""

from tests.server.conftest import make_store, pki, signed_pki, start_gateway, start_server, store  # noqa: F401
