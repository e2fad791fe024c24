"""Run the hostile corpus through the CLI (``fpgw validate`` and ``fpgw convert`` as
subprocesses), the gRPC API (Translate and Validate) and the PACT REST API, on a real
loopback gateway (gRPC and HTTPS over one SQLite store).

    python -m harness.hostile            # every case, every transport (about two minutes)
    python -m harness.hostile --only grpc

Each case must be answered with its expected reason (and path), never a traceback or an
INTERNAL status; a case marked ``translates`` must be translated. Exits 1 on any mismatch.

Over the PACT REST API a document travels only as a footprint in an event: each JSON case is
sent as the one footprint of a RequestFulfilled answering a request the gateway's ledger
holds (``/2/events`` for a pact-v2 case, else ``/3/events``). A case the JSON reader refuses
must refuse the whole event: 400 ``BadRequest`` naming the path in the footprint (when the case
names one) and leaving the request unanswered. A PACT case
past the reader must be answered 200, its footprint not stored and the ledger's outcome
carrying the expected reason (a translating case: stored). Other formats' cases past the
reader are not PACT footprints and are not sent; XML cannot travel in a JSON event.
"""

from __future__ import annotations

import argparse
import json
import ssl
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import grpc
import httpx

from gateway._proto import document_pb2, translation_pb2, translation_pb2_grpc
from gateway.rest import create_gateway
from gateway.rest.pact import EVENT_TYPES, Ledger
from gateway.rest.pact.ledger import now_text
from gateway.server import error_details
from gateway.server.config import HttpsConfig, PactConfig, ServerConfig, StoreConfig
from harness.hostile import Case, cases
from harness.serving import PACT_CLIENT, PACT_SECRET, pact_files

MAX_BYTES = 32 * 1024 * 1024
PACT_SPECS = {"pact-v2": "2", "pact-v3": "3"}


def _target(case: Case) -> str:
    return "cn-jjj-json" if case.format_id == "pact-v3" else "pact-v3"


def _cli_reason(args: list[str]) -> tuple[int, str | None, str]:
    proc = subprocess.run([sys.executable, "-m", "gateway.cli", *args], capture_output=True, check=False)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    for line in out.splitlines():
        if line.startswith('{"error"'):
            return proc.returncode, json.loads(line)["error"]["reason"], out
    return proc.returncode, None, out


def via_cli(case: Case, folder: Path) -> list[str]:
    path = folder / f"{case.id}.{case.syntax}"
    path.write_bytes(case.content)
    problems = []
    code, reason, out = _cli_reason(["convert", str(path), "--from", case.format_id, "--to", _target(case),
                                     "-o", str(folder / "out"), "--json"])
    if "Traceback" in out:
        problems.append(f"convert printed a traceback: {out[-300:]}")
    elif case.reason is None and code != 0:
        problems.append(f"convert should translate, exit {code}: {out[-300:]}")
    elif case.reason is not None and (code != 1 or reason != case.reason):
        problems.append(f"convert answered exit {code} reason {reason}, expected {case.reason}")
    if case.reason is not None:
        code, reason, out = _cli_reason(["validate", str(path), "--format", case.format_id, "--json"])
        if code != 1 or reason != case.reason or "Traceback" in out:
            problems.append(f"validate answered exit {code} reason {reason}, expected {case.reason}")
    return problems


def via_grpc(case: Case, stub: translation_pb2_grpc.TranslationServiceStub) -> list[str]:
    document = document_pb2.Document(format_id=case.format_id, content=case.content)
    problems = []
    try:
        stub.Translate(translation_pb2.TranslateRequest(document=document, target_format_id=_target(case)), timeout=60)
        if case.reason is not None:
            problems.append(f"Translate succeeded, expected {case.reason}")
    except grpc.RpcError as error:
        details = error_details(error)
        if case.reason is None or details.get("reason") != case.reason:
            problems.append(f"Translate answered {error.code().name} {details.get('reason')}, expected {case.reason}")
    if case.reason is not None:
        answer = stub.Validate(translation_pb2.ValidateRequest(document=document), timeout=60)
        reasons = {v.reason for v in answer.violations}
        if answer.valid or reasons != {case.reason}:
            problems.append(f"Validate answered valid={answer.valid} {sorted(reasons)}, expected valid=false {case.reason}")
    return problems


class PactSender:
    """Sends a case as the footprint of a RequestFulfilled to the gateway's PACT host."""

    def __init__(self, base_url: str, ca: Path, ledger: Ledger) -> None:
        self.base_url, self.ledger = base_url, ledger
        self.http = httpx.Client(verify=ssl.create_default_context(cafile=str(ca)), timeout=60)
        answer = self.http.post(f"{base_url}/auth/token", auth=(PACT_CLIENT, PACT_SECRET),
                                data={"grant_type": "client_credentials"})
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}",
                        "Content-Type": "application/cloudevents+json"}

    def send(self, case: Case) -> list[str]:
        spec = PACT_SPECS.get(case.format_id, "3")
        request_id = str(uuid.uuid4())
        self.ledger.add_outbound(request_id, "https://partner.example", spec, {"productId": ["urn:hostile"]})
        slot = f"hostile-{uuid.uuid4().hex}"
        event = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "https://partner.example",
                 "time": now_text(), "type": EVENT_TYPES[spec]["fulfilled"],
                 "data": {"requestEventId": request_id, "pfs": [slot]}}
        body = json.dumps(event).encode().replace(json.dumps(slot).encode(), case.content)
        answer = self.http.post(f"{self.base_url}/{spec}/events", content=body, headers=self.headers)
        outcome = self.ledger.outbound(request_id)[0]
        if case.refused_by_json_reader:
            return self._refused(answer, outcome.state, case)
        if answer.status_code != 200:
            return [f"answered HTTP {answer.status_code} {answer.text[:200]}, expected 200"]
        [stored] = outcome.stored
        if case.reason is None:
            return [] if stored.get("stored") else [f"footprint not stored: {stored}"]
        if stored.get("stored") or stored.get("reason") != case.reason:
            return [f"footprint outcome {stored}, expected not stored, {case.reason}"]
        return []

    @staticmethod
    def _refused(answer: httpx.Response, state: str, case: Case) -> list[str]:
        if answer.status_code != 400 or answer.json().get("code") != "BadRequest":
            return [f"answered HTTP {answer.status_code} {answer.text[:200]}, expected 400 BadRequest"]
        problems = [] if state == "waiting" else [f"the refused event still answered the request ({state})"]
        where = f"/data/pfs/0{case.path}"
        if case.path is not None and where not in answer.json()["message"]:
            problems.append(f"the refusal does not name {where}: {answer.json()['message'][:200]}")
        return problems

    def close(self) -> None:
        self.http.close()


def travels_over_pact(case: Case) -> bool:
    return case.syntax == "json" and (case.refused_by_json_reader or case.format_id in PACT_SPECS)


def gateway_config(folder: Path) -> ServerConfig:
    files = pact_files(folder)
    return ServerConfig(
        address="127.0.0.1:0", grace_seconds=1, max_message_bytes=MAX_BYTES,
        store=StoreConfig(url=str(folder / "gateway.sqlite")),
        https=HttpsConfig(address="127.0.0.1:0", cert=files.cert, key=files.key),
        pact=PactConfig(clients=files.clients, key=files.token_key)).check()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the hostile corpus through the CLI, gRPC and the PACT REST API.")
    parser.add_argument("--only", choices=["cli", "grpc", "pact"], help="one transport only")
    ns = parser.parse_args(argv)
    corpus = cases()
    failures = 0
    use = {"cli", "grpc", "pact"} if ns.only is None else {ns.only}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = gateway_config(folder)
        gateway = create_gateway(config)
        gateway.start()
        channel = grpc.insecure_channel(f"127.0.0.1:{gateway.ports.grpc}",
                                        options=[("grpc.max_send_message_length", MAX_BYTES)])
        stub = translation_pb2_grpc.TranslationServiceStub(channel)
        assert config.pact is not None and gateway.base_url is not None
        ledger = Ledger(config.pact.ledger)
        pact = PactSender(gateway.base_url, folder / "ca.pem", ledger)
        try:
            for case in corpus:
                problems = []
                if "cli" in use:
                    problems += [f"cli: {p}" for p in via_cli(case, folder)]
                if "grpc" in use:
                    problems += [f"grpc: {p}" for p in via_grpc(case, stub)]
                if "pact" in use and travels_over_pact(case):
                    problems += [f"pact: {p}" for p in pact.send(case)]
                failures += bool(problems)
                print(f"{'ok  ' if not problems else 'FAIL'} {case.id}: {case.reason or 'translates'}", flush=True)
                for problem in problems:
                    print(f"     {problem}", flush=True)
        finally:
            pact.close()
            ledger.close()
            channel.close()
            gateway.stop(0)
    print(f"hostile corpus: {len(corpus) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
