"""Run the hostile corpus through the CLI (``fpgw validate`` and ``fpgw convert`` as
subprocesses) and the gRPC API (Translate and Validate on a real loopback server).

    python -m harness.hostile            # every case, both transports (about a minute)
    python -m harness.hostile --only grpc

Each case must be answered with its expected reason (and path), never a traceback or an
INTERNAL status; a case marked ``translates`` must be translated. Exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc

from gateway._proto import document_pb2, translation_pb2, translation_pb2_grpc
from gateway.server import create_server, error_details
from gateway.server.config import ServerConfig, StoreConfig
from harness.hostile import Case, cases


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the hostile corpus through the CLI and gRPC.")
    parser.add_argument("--only", choices=["cli", "grpc"], help="one transport only")
    ns = parser.parse_args(argv)
    corpus = cases()
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = None
        if ns.only != "cli":
            config = ServerConfig(address="127.0.0.1:0", store=StoreConfig(url=str(folder / "gateway.sqlite")),
                                  max_message_bytes=32 * 1024 * 1024)
            server, port = create_server(config)
            server.start()
            channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 32 * 1024 * 1024)])
            stub = translation_pb2_grpc.TranslationServiceStub(channel)
        try:
            for case in corpus:
                problems = []
                if ns.only != "grpc":
                    problems += [f"cli: {p}" for p in via_cli(case, folder)]
                if ns.only != "cli":
                    problems += [f"grpc: {p}" for p in via_grpc(case, stub)]
                failures += bool(problems)
                print(f"{'ok  ' if not problems else 'FAIL'} {case.id}: {case.reason or 'translates'}", flush=True)
                for problem in problems:
                    print(f"     {problem}", flush=True)
        finally:
            if server is not None:
                channel.close()
                server.stop(0)
    print(f"hostile corpus: {len(corpus) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
