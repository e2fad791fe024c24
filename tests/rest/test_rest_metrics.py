"""REST requests are counted in the gateway's metrics by method, route pattern and status."""

from __future__ import annotations

import httpx

from gateway.rest import create_gateway

from .test_https_server import config_for, hello_routes, tls, trusting  # noqa: F401


def test_rest_requests_are_counted_by_route_and_status(tmp_path, tls) -> None:  # noqa: F811
    gateway = create_gateway(config_for(tmp_path, tls), route_factories=[hello_routes])
    gateway.start()
    try:
        with httpx.Client(base_url=gateway.base_url, verify=trusting(tls)) as client:
            assert client.get("/hello").status_code == 200
            assert client.get("/hello").status_code == 200
            assert client.get("/missing").status_code == 404
            assert client.get("/nowhere/42").status_code == 404
        requests = gateway.grpc.metrics.rest_requests
        counted = {tuple(s.labels.values()): s.value for m in requests.collect() for s in m.samples
                   if s.name.endswith("_total")}
        assert counted == {("GET", "/hello", "200"): 2, ("GET", "/missing", "404"): 1,
                           ("GET", "unmatched", "404"): 1}
    finally:
        gateway.stop(0)
