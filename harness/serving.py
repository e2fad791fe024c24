"""``fpgw serve`` as a child process for the durability and load harnesses.

The harnesses drive the gateway from outside, as an operator runs it: a TOML configuration
written into a scratch folder, the CLI in its own process (so it can be killed with SIGKILL
and its memory read from ``/proc``), and its JSON start line for the ports. With ``pact=True``
the HTTPS server and the PACT host are configured too, on a certificate from a throw-away CA.
"""

from __future__ import annotations

import json
import os
import select
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from gateway.rest.pact import hash_secret
from signing.testpki import CertificateAuthority

PACT_CLIENT, PACT_SECRET = "load-client", "load-client-secret"
START_SECONDS = 60.0  # a fresh start on a busy 2-core machine (migrations, imports)


@dataclass(frozen=True)
class PactFiles:
    """A server certificate (SAN localhost and 127.0.0.1), the CA that issued it, and a PACT
    clients file with one client that may read everything."""

    cert: Path
    key: Path
    ca: Path
    clients: Path
    token_key: Path


def pact_files(folder: Path) -> PactFiles:
    ca = CertificateAuthority()
    cert, key = ca.issue("localhost", server=True).write(folder, "server")
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca.cert_pem)
    clients = folder / "pact-clients.toml"
    clients.write_text(f'[[client]]\nid = "{PACT_CLIENT}"\nsecret_hash = "{hash_secret(PACT_SECRET)}"\nall = true\n',
                       encoding="utf-8")
    return PactFiles(cert, key, ca_file, clients, folder / "pact-token.key")


@dataclass(frozen=True)
class Setup:
    """One server's configuration file and, for TLS, the CA a client trusts."""

    config: Path
    ca: Path | None


def write_setup(folder: Path, *, store_url: str, schema: str = "fpgw", pact: bool = False,
                max_workers: int = 16, max_concurrent_rpcs: int = 64) -> Setup:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[server]", 'address = "127.0.0.1:0"', "grace_seconds = 1", f"max_workers = {max_workers}",
             f"max_concurrent_rpcs = {max_concurrent_rpcs}",
             "[store]", f"url = {json.dumps(store_url)}", f"schema = {json.dumps(schema)}",
             "[logging]", 'level = "warning"', "access_log = false"]
    ca_file = None
    if pact:
        files = pact_files(folder)
        ca_file = files.ca
        # The certificate is the HTTPS server's own: gRPC stays plaintext on loopback.
        lines += ["[https]", 'address = "127.0.0.1:0"', "max_connections = 512",
                  f"cert = {json.dumps(str(files.cert))}", f"key = {json.dumps(str(files.key))}",
                  "[pact]", f"clients = {json.dumps(str(files.clients))}", f"key = {json.dumps(str(files.token_key))}"]
    config = folder / "gateway.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Setup(config, ca_file)


class Served:
    """A running ``fpgw serve``: its pid, gRPC port and HTTPS base URL."""

    def __init__(self, setup: Setup, log: Path) -> None:
        self.setup = setup
        self._log = log.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--config", str(setup.config), "--json"],
                                     stdout=subprocess.PIPE, stderr=self._log)
        line = self._start_line()
        self.port: int = line["port"]
        self.https: str | None = line.get("https")

    def _start_line(self) -> dict:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + START_SECONDS
        buffer = b""
        while b"\n" not in buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            chunk = os.read(self.proc.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                self.proc.kill()
                raise RuntimeError(f"fpgw serve did not start (exit {self.proc.poll()}); see {self._log.name}")
            buffer += chunk
        return json.loads(buffer.split(b"\n")[0])

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc (Linux)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS in /proc status")

    def ssl_context(self) -> ssl.SSLContext:
        assert self.setup.ca is not None
        return ssl.create_default_context(cafile=str(self.setup.ca))

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a power cut of the process."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._log.close()

    def stop(self) -> int:
        """SIGTERM and wait for the graceful shutdown; the exit code."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode
