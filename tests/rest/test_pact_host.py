"""The PACT host against real HTTPS on port 0: what the official tool does not cover."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest

from gateway.rest.pact import TokenSigner, footprint_id, load_or_create_key

from click.testing import CliRunner

from gateway.cli import main

from .pact_env import BATTERY, STEEL, example, submit, write_config

BATTERY_ID = "665b18ab-034b-5d79-ac0a-3262a4afc2a9"


def test_token_endpoint_follows_oauth2(hosts):
    host = hosts.start()
    with host.http() as http:
        discovery = http.get(f"{host.url}/.well-known/openid-configuration").json()
        wrong = http.post(f"{host.url}/auth/token", auth=("buyer", "nope"), data={"grant_type": "client_credentials"})
        unknown = http.post(f"{host.url}/auth/token", auth=("nobody", "x"), data={"grant_type": "client_credentials"})
        grant = http.post(f"{host.url}/auth/token", auth=("buyer", "buyer-secret-1"), data={"grant_type": "password"})
        good = http.post(f"{host.url}/auth/token", auth=("buyer", "buyer-secret-1"),
                         data={"grant_type": "client_credentials"})
    assert discovery["issuer"] == host.url and discovery["token_endpoint"] == f"{host.url}/auth/token"
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert (unknown.status_code, unknown.json()["error"]) == (401, "invalid_client")
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    assert good.json()["token_type"] == "bearer" and good.json()["expires_in"] == 3600


def test_forged_and_expired_tokens_are_refused(hosts):
    host = hosts.start()
    token = host.token()
    body, _, mac = token.partition(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    other_key = TokenSigner(b"k" * 32).issue("access", {"sub": "buyer"}, 3600)
    signer = TokenSigner(load_or_create_key(host.folder / "host-token.key"))
    expired = signer.issue("access", {"sub": "buyer"}, 60, now=time.time() - 120)
    page_as_access = signer.issue("page", {"sub": "buyer"}, 3600)
    with host.http() as http:
        answers = {name: http.get(f"{host.url}/3/footprints", headers={"Authorization": f"Bearer {t}"})
                   for name, t in [("forged", forged), ("other-key", other_key), ("expired", expired),
                                   ("page", page_as_access)]}
        missing = http.get(f"{host.url}/3/footprints")
    assert {k: (r.status_code, r.json()["code"]) for k, r in answers.items()} == {
        "forged": (401, "BadRequest"), "other-key": (401, "BadRequest"), "expired": (401, "TokenExpired"),
        "page": (401, "BadRequest")}
    assert (missing.status_code, missing.json()["code"]) == (401, "BadRequest")


def test_a_client_reads_only_what_it_may_and_a_refusal_reveals_nothing(hosts):
    host = hosts.start()
    everything = host.get("/3/footprints").json()["data"]
    tianjin = host.get("/3/footprints", client="tianjin-reader").json()["data"]
    steel = next(f for f in everything if f["companyName"].startswith("Tangshan"))
    refused = host.get(f"/3/footprints/{steel['id']}", client="tianjin-reader")
    absent = host.get("/3/footprints/00000000-0000-0000-0000-000000000000", client="tianjin-reader")
    assert len(everything) == 3
    assert [f["companyName"] for f in tianjin] == ["Tianjin Haihe Power Battery Systems Co., Ltd."]
    assert refused.status_code == absent.status_code == 404
    assert refused.json()["code"] == absent.json()["code"] == "NotFound"
    assert refused.json()["message"].replace(steel["id"], "X") == absent.json()["message"].replace(
        "00000000-0000-0000-0000-000000000000", "X")


def test_footprints_are_valid_pact_with_stable_ids_and_the_chain_extension(hosts):
    host = hosts.start()
    first = host.get("/3/footprints").json()["data"]
    hosts.stop(host)
    again = hosts.start().get("/3/footprints").json()["data"]
    battery = next(f for f in first if f["id"] == footprint_id(BATTERY_ID, 1))
    chain = next(e for e in battery["extensions"] if e["dataSchema"].endswith("attestation-chain.json"))
    assert [f["id"] for f in first] == [f["id"] for f in again]
    assert battery["pcf"]["pcfExcludingBiogenicUptake"] == "5850.0"  # decimals stay strings
    assert chain["data"]["declarationId"] == BATTERY_ID and chain["data"]["declarationVersion"] == 1
    assert chain["data"]["originalFormat"] == "cn-jjj-json"


def test_a_newer_version_deprecates_the_old_footprint(hosts):
    host = hosts.start(examples=(BATTERY,))
    newer = json.loads(example(BATTERY))
    newer["version"] = 2
    submit(host.gateway.store, json.dumps(newer, ensure_ascii=False).encode())
    listed = {f["id"]: f for f in host.get("/3/footprints").json()["data"]}
    v1, v2 = footprint_id(BATTERY_ID, 1), footprint_id(BATTERY_ID, 2)
    assert listed[v1]["status"] == "Deprecated" and "precedingPfIds" not in listed[v1]
    assert listed[v2]["status"] == "Active" and listed[v2]["precedingPfIds"] == [v1]
    assert host.get(f"/3/footprints/{v1}").json()["data"]["status"] == "Deprecated"
    active = host.get("/3/footprints", params={"status": "active"}).json()["data"]
    assert [f["id"] for f in active] == [v2]


def test_paging_links_are_absolute_signed_and_survive_a_restart(hosts):
    host = hosts.start()
    page1 = host.get("/3/footprints", params={"limit": 1})
    link = page1.headers["link"]
    assert link.startswith(f"<{host.url}/3/footprints?page=") and link.endswith('>; rel="next"')
    url = link[1:link.index(">")]
    port = host.gateway.ports.https
    hosts.stop(host)
    host = hosts.start(address=f"127.0.0.1:{port}")  # same key file, store and port; new process state
    page2 = host.get(url.removeprefix(host.url))
    page3 = host.get(page2.headers["link"][1:page2.headers["link"].index(">")].removeprefix(host.url))
    ids = [r.json()["data"][0]["id"] for r in (page1, page2, page3)]
    assert len(set(ids)) == 3 and "link" not in page3.headers
    assert ids == [f["id"] for f in host.get("/3/footprints").json()["data"]]
    tampered = host.get(url.removeprefix(host.url)[:-3] + "abc")
    other_client = host.get(url.removeprefix(host.url), client="tianjin-reader")
    assert (tampered.status_code, tampered.json()["code"]) == (400, "BadRequest")
    assert other_client.status_code == 400 and "another client" in other_client.json()["message"]


def test_an_expired_page_link_is_refused(hosts):
    host = hosts.start()
    signer = TokenSigner(load_or_create_key(host.folder / "host-token.key"))
    old = signer.issue("page", {"c": "buyer", "s": "3", "o": 1, "l": 1, "q": []}, 180, now=time.time() - 200)
    response = host.get(f"/3/footprints?page={old}")
    assert response.status_code == 400 and "expired" in response.json()["message"]


@pytest.mark.parametrize("query, status, count", [
    ({"limit": "0"}, 200, 0),
    ({"limit": "99999999999"}, 200, 3),
    ({"limit": "-1"}, 400, None),
    ({"limit": "two"}, 400, None),
    ({"validOn": "yesterday"}, 400, None),
    ({"validOn": ["2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"]}, 400, None),
    ({"colour": "green"}, 400, None),
    ({"x-jjj-anything": "1"}, 200, 3),
    ({"geography": "cn"}, 200, 3),
    ({"companyId": "URN:JJJ:USCC:91120116MA05UJ9K44"}, 200, 1),
    ({"validOn": "2026-06-01T00:00:00Z", "productId": ["urn:bogus:x", "urn:gtin:6927315000270"]}, 200, 1),
])
def test_list_parameters(hosts, query, status, count):
    host = hosts.start()
    response = host.get("/3/footprints", params=query)
    assert response.status_code == status, response.text
    if count is None:
        assert response.json()["code"] == "BadRequest"
    else:
        assert len(response.json()["data"]) == count
    if query == {"limit": "0"}:
        assert response.headers["link"].endswith('>; rel="next"')


def test_v2_filter_subset(hosts):
    host = hosts.start()
    everything = host.get("/2/footprints").json()["data"]
    battery = next(f for f in everything if f["id"] == footprint_id(BATTERY_ID, 1))
    by_product = host.get("/2/footprints", params={
        "$filter": "productIds/any(productId:(productId eq 'urn:gtin:6927315000270'))"}).json()["data"]
    by_geo_and_date = host.get("/2/footprints", params={
        "$filter": f"pcf/geographyCountry eq 'CN' and created ge '{battery['created']}'"}).json()["data"]
    bad = host.get("/2/footprints", params={"$filter": "startswith(companyName, 'T')"})
    assert [f["id"] for f in by_product] == [battery["id"]]
    assert battery["id"] in [f["id"] for f in by_geo_and_date]
    assert all(f["created"] >= battery["created"] for f in by_geo_and_date)
    assert bad.status_code == 400 and "supported subset" in bad.json()["message"]
    assert host.get("/2/footprints/00000000-0000-0000-0000-000000000000").json()["code"] == "NoSuchFootprint"


def test_oversized_event_and_malformed_events(hosts):
    host = hosts.start(examples=(STEEL,))
    token = host.token()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/cloudevents+json"}
    with host.http() as http:
        huge = http.post(f"{host.url}/3/events", headers=headers, content=b"{" + b" " * (2 * 1024 * 1024) + b"}")
        not_json = http.post(f"{host.url}/3/events", headers=headers, content=b"{nope")
        wrong_type = http.post(f"{host.url}/3/events", headers=headers, content=json.dumps(
            {"specversion": "1.0", "id": "1", "source": "https://x.example", "time": "2026-01-01T00:00:00Z",
             "type": "org.wbcsd.pact.ProductFootprint.Unknown.3", "data": {}}).encode())
        unknown_partner = http.post(f"{host.url}/3/events", headers=headers, content=json.dumps(
            {"specversion": "1.0", "id": "1", "source": "https://x.example", "time": "2026-01-01T00:00:00Z",
             "type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "data": {"productId": ["urn:a:b"]}}).encode())
    assert huge.status_code == 413
    assert (not_json.status_code, not_json.json()["code"]) == (400, "BadRequest")
    assert wrong_type.status_code == 400 and "/type" in wrong_type.json()["message"]
    assert unknown_partner.status_code == 400 and "no partner" in unknown_partner.json()["message"]


def test_concurrent_clients_read_consistent_pages(hosts):
    host = hosts.start()
    tokens = {client: host.token(client) for client in ("buyer", "tianjin-reader")}

    def read(client: str) -> int:
        with host.http() as http:
            return len(http.get(f"{host.url}/3/footprints", headers={"Authorization": f"Bearer {tokens[client]}"})
                       .json()["data"])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(read, ["buyer", "tianjin-reader"] * 16))
    assert counts == [3, 1] * 16


def test_a_declaration_that_cannot_become_pact_is_not_served_and_named(hosts):
    from prometheus_client import generate_latest

    host = hosts.start(examples=(BATTERY,))
    steel = json.loads(example(STEEL))
    del steel["product"]["gtin"]  # PACT requires productIds: nothing may be invented
    steel_id = submit(host.gateway.store, json.dumps(steel, ensure_ascii=False).encode())
    listed = host.get("/3/footprints").json()["data"]
    absent = host.get(f"/3/footprints/{footprint_id(steel_id, 1)}")
    assert [f["id"] for f in listed] == [footprint_id(BATTERY_ID, 1)]
    assert absent.status_code == 404
    scraped = generate_latest(host.gateway.grpc.metrics.registry).decode()
    assert 'fpgw_pact_unservable{format="pact-v3",reason="MISSING_REQUIRED_VALUE"} 1.0' in scraped
    config = write_config(hosts, "host", host.gateway.ports.https)
    status = CliRunner().invoke(main, ["pact", "status", "--config", str(config), "--json"])
    report = json.loads(status.output)
    assert status.exit_code == 0 and report["v3"]["served"] == 1
    assert [(u["declaration_id"], u["reason"]) for u in report["v3"]["unservable"]] == [
        (steel_id, "MISSING_REQUIRED_VALUE")]
    assert "productIds" in report["v3"]["unservable"][0]["message"]
