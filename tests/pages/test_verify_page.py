"""GET /verify/{digest} on the real HTTPS server: JSON and HTML forms, standing, withholding."""

from __future__ import annotations

import ssl

import httpx
import pytest


def get(site, digest: str, *, json: bool = True) -> httpx.Response:
    headers = {"Accept": "application/json"} if json else {"Accept": "text/html"}
    with httpx.Client(verify=ssl.create_default_context(cafile=str(site.ca))) as client:
        return client.get(f"{site.base_url}/verify/{digest.removeprefix('sha256:')}", headers=headers)


def test_json_form_shows_summary_attestations_decisions_and_trust_list(site) -> None:
    response = get(site, site.digests["battery"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    view = response.json()
    assert view["digest"] == site.digests["battery"].removeprefix("sha256:")
    assert view["standing"] == {"state": "active"}
    d = view["declaration"]
    assert d["footprint"] == {"value": "5850.0", "unit": "kg CO2e"}
    assert d["product"]["zh"] == "三元锂离子动力电池包 NMC811 75 kWh"
    assert d["boundary"]["code"] == "cradle-to-grave" and d["region"]["code"] == "120000"
    kinds = {a["kind"]: a for a in view["attestations"]}
    assert set(kinds) == {"registered", "verified", "translated"}
    assert all(a["result"] == "valid" for a in view["attestations"])
    assert kinds["registered"]["signer"]["name"] == {"zh": "天津市产品碳足迹平台", "en": "Tianjin PCF Platform"}
    assert kinds["verified"]["signer"]["role"] == "verifier"
    (decision,) = view["recognition"]
    assert decision["signed"] and decision["result"] == "valid" and decision["region"] == "110000"
    assert decision["signer"]["id"] == "urn:jjj:platform:beijing" and decision["policyId"] == "cn-bj"
    (chain,) = view["translations"]
    (link,) = chain["links"]
    assert chain["reachesOriginal"] and (link["from"], link["to"]) == ("cn-jjj-json", "pact-v3")
    assert link["inputDigest"] == site.digests["battery"] and link["signer"]["id"] == "urn:jjj:platform:tianjin"
    assert get(site, site.digests["steel-v2"]).json()["translations"] == []
    assert view["trustList"]["sequence"] == 1 and view["trustList"]["valid"] is True


def test_withheld_fields_are_absent(site) -> None:
    d = get(site, site.digests["battery"]).json()["declaration"]
    # by default (publication.toml) and by this platform's [pages] withhold
    assert "contact" not in d["organisation"] and "address" not in d["organisation"]
    assert "sourcePeer" not in d and "receivedAt" not in d
    assert "criteria" not in get(site, site.digests["battery"]).json()["recognition"][0]
    html = get(site, site.digests["battery"], json=False).text
    assert "carbon@example.com.cn" not in html


def test_superseded_and_withdrawn(site) -> None:
    old = get(site, site.digests["steel-v1"]).json()["standing"]
    assert old == {"state": "superseded", "byVersion": 2, "byDigest": site.digests["steel-v2"].removeprefix("sha256:")}
    assert get(site, site.digests["steel-v2"]).json()["standing"] == {"state": "active"}
    assert get(site, site.digests["glass-withdrawn"]).json()["standing"]["state"] == "withdrawn"
    html = get(site, site.digests["steel-v1"], json=False).text
    assert 'class="alert" data-state="superseded"' in html and "已被新版本取代 Superseded" in html


def test_html_form(site) -> None:
    response = get(site, site.digests["battery"], json=False)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "碳足迹验证 Carbon footprint verification" in html and 'id="footprint">5850.0<' in html
    assert "天津市产品碳足迹平台" in html and 'data-result="valid"' in html and "#1" in html


@pytest.mark.parametrize("digest, status, code", [
    ("0" * 64, 404, "NotFound"),
    ("ABC", 400, "BadRequest"),
    ("A" * 64, 400, "BadRequest"),
])
def test_unknown_and_malformed_digests(site, digest, status, code) -> None:
    response = get(site, digest)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert get(site, digest, json=False).status_code == status


def test_the_font_is_served(site) -> None:
    with httpx.Client(verify=ssl.create_default_context(cafile=str(site.ca))) as client:
        font = client.get(f"{site.base_url}/verify/font.ttf")
    assert font.status_code == 200 and font.content[:4] == b"\x00\x01\x00\x00"


def test_the_page_is_not_mounted_when_turned_off(tmp_path) -> None:
    from gateway.rest import create_gateway
    from gateway.server import ServerConfig, StoreConfig, TlsConfig
    from gateway.server.config import HttpsConfig, PagesConfig, TrustConfig
    from signing.testpki import make_test_pki

    pki = make_test_pki(tmp_path)
    config = ServerConfig(
        address="127.0.0.1:0", store=StoreConfig(url=str(tmp_path / "g.sqlite")),
        tls=TlsConfig(cert=pki.files["server_cert"], key=pki.files["server_key"]),
        trust=TrustConfig(list=pki.files["trust_list"], root=pki.root_multikey),
        https=HttpsConfig(address="127.0.0.1:0"), pages=PagesConfig(verify=False)).check()
    gateway = create_gateway(config)
    gateway.start()
    try:
        with httpx.Client(verify=ssl.create_default_context(cafile=str(pki.files["ca"]))) as client:
            response = client.get(f"{gateway.base_url}/verify/{'0' * 64}", headers={"Accept": "application/json"})
    finally:
        gateway.stop(0)
    assert response.status_code == 404 and response.json()["message"].startswith("no resource at")
