"""Two gateways exchange footprints over PACT REST, through the ``fpgw pact`` client."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from gateway.cli import main
from gateway.rest import create_gateway
from gateway.rest.pact import Ledger, footprint_id
from gateway.server import load_config

from .pact_env import BATTERY, SECRETS, example, free_port, submit, write_config

BATTERY_ID = "665b18ab-034b-5d79-ac0a-3262a4afc2a9"
GATEWAY_SECRET = "tianjin-gateway-secret-3"


def started(config_path, *examples):
    gateway = create_gateway(load_config(config_path, {}))
    for name in examples:
        submit(gateway.store, example(name))
    gateway.start()
    return gateway


def run(*args: str, env: dict[str, str]) -> tuple[int, dict]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, json.loads(result.output) if result.output.strip().startswith("{") else {"raw": result.output}


def test_two_gateways_exchange_a_footprint_both_ways(hosts, tmp_path):
    from gateway.rest.pact import hash_secret

    tianjin_port, buyer_port = free_port(), free_port()
    buyer_url = f"https://127.0.0.1:{buyer_port}"
    # Tianjin calls the buyer's gateway back as client "tianjin-gw", trusting the test CA.
    tianjin_conf = write_config(hosts, "tianjin", tianjin_port, partners=(
        f'[[partner]]\nurl = "{buyer_url}"\nclient_id = "tianjin-gw"\nclient_secret = "{GATEWAY_SECRET}"\n'
        f'ca = "{hosts.ca_file}"\n'))
    buyer_conf = write_config(hosts, "buyer", buyer_port, partners=(
        f'[[client]]\nid = "tianjin-gw"\nsecret_hash = "{hash_secret(GATEWAY_SECRET)}"\n'))
    tianjin, buyer = started(tianjin_conf, BATTERY), started(buyer_conf)
    try:
        env = {"BUYER_SECRET": SECRETS["buyer"]}
        common = ["--client-id", "buyer", "--client-secret-env", "BUYER_SECRET", "--ca", str(hosts.ca_file), "--json"]
        code, pulled = run("pact", "pull", tianjin.base_url, *common, "-o", str(tmp_path / "pulled"), env=env)
        assert code == 0, pulled
        pf_id = footprint_id(BATTERY_ID, 1)
        assert pulled["footprints"] == [{"id": pf_id, "canonical": True, "attestations": 0}]
        canonical = json.loads((tmp_path / "pulled" / f"{pf_id}.canonical.json").read_text(encoding="utf-8"))
        assert canonical["results"]["total_excluding_biogenic"] == {"amount": "5850.0", "unit": "kgCO2e"}

        code, answer = run("pact", "request", tianjin.base_url, *common, "--config", str(buyer_conf),
                           "--product-id", "urn:gtin:6927315000270", env=env)
        assert code == 0, answer
        assert answer["state"] == "fulfilled" and [pf["id"] for pf in answer["answer"]["pfs"]] == [pf_id]
        assert answer["stored"][0]["stored"] is True
        held = buyer.store.get_declaration(pf_id)
        assert held.format_id == "pact-v3" and held.source_peer == tianjin.base_url

        code, rejected = run("pact", "request", tianjin.base_url, *common, "--config", str(buyer_conf),
                             "--product-id", "urn:gtin:0000000000000", env=env)
        assert rejected["state"] == "rejected" and rejected["answer"]["error"]["code"] == "NotFound"

        code, log = run("pact", "requests", "--config", str(tianjin_conf), "--json", env={})
        assert [(a["state"], a["answer"], len(a["attempts"])) for a in log["answered"]] == [
            ("fulfilled", "fulfilled", 1), ("rejected", "rejected", 1)]
        # The buyer's gateway now serves what it received, under its own id for that version.
        code, again = run("pact", "pull", buyer.base_url, "--client-id", "buyer", "--client-secret-env",
                          "BUYER_SECRET", "--ca", str(hosts.ca_file), "--json", "-o", str(tmp_path / "again"), env=env)
        assert code == 0 and len(again["footprints"]) == 1
    finally:
        tianjin.stop(0)
        buyer.stop(0)


def test_a_callback_target_that_is_down_is_retried_then_recorded_as_failed(hosts):
    down = f"https://127.0.0.1:{free_port()}"
    host = hosts.start(examples=(BATTERY,), callback_attempts=3, callback_backoff_seconds=0.05, partners=(
        f'[[partner]]\nurl = "{down}"\nclient_id = "x"\nclient_secret = "y"\n'))
    event = {"type": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3", "specversion": "1.0", "id": "req-1",
             "source": down, "time": "2026-01-01T00:00:00Z", "data": {"productId": ["urn:gtin:6927315000270"]}}
    with host.http() as http:
        accepted = http.post(f"{host.url}/3/events", content=json.dumps(event),
                             headers={"Authorization": f"Bearer {host.token()}",
                                      "Content-Type": "application/cloudevents+json"})
    assert accepted.status_code == 200
    ledger = Ledger(hosts.folder / "host-token-events.sqlite")  # beside the token key, by default
    deadline = time.monotonic() + 60  # three attempts with their back-off; a loaded CI machine is slow
    try:
        while True:
            (request,) = ledger.inbound()
            if request.state != "pending" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        ledger.close()
    assert request.state == "failed" and request.answer_type == "fulfilled"
    assert [a["attempt"] for a in request.attempts] == [1, 2, 3]
    assert all(not a["ok"] and a["error"].startswith("PEER_UNAVAILABLE") for a in request.attempts)
