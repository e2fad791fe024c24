"""Run suite cases against any endpoint of the contract and collect their outcomes.

Cases run concurrently (``jobs`` threads); the tests of one case run in order, since
later tests may use earlier results. Each case has one deadline for all its calls.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from .matching import error_mismatches, error_view, mismatches, resolve
from .operations import OPERATIONS, STUBS, Context
from .suite import Case, Suite

KEY_PREFIX = "TEST-ONLY-"


@dataclass(frozen=True)
class Target:
    """Where and how to call: ``address`` HOST:PORT, TLS material (None: the suite's test
    CA and Hebei platform certificate), or plaintext with ``insecure``."""

    address: str
    keys: Path
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    insecure: bool = False

    def credential_files(self, identity: str | None) -> tuple[Path, Path, Path]:
        ca = self.ca or self.keys / f"{KEY_PREFIX}ca.pem"
        if identity is None and self.cert and self.key:
            return ca, self.cert, self.key
        short = identity or "hebei"
        return ca, self.keys / f"{KEY_PREFIX}{short}.pem", self.keys / f"{KEY_PREFIX}{short}-p256.pem"


# Named skip predicates: requirement -> (does the target lack it?, reason). Both are a
# property of how the target was reached, so a skipped case counts against the run.
SKIPS: dict[str, tuple[Callable[[Target], bool], str]] = {
    "mtls": (lambda t: t.insecure, "needs mutual TLS with a platform certificate; the target is plaintext"),
    "suite-identities": (lambda t: t.insecure, "needs the suite's test client certificates; the target is plaintext"),
}


def skip_reason(case: Case, target: Target) -> str | None:
    for need in case.requires:
        lacks, reason = SKIPS[need]
        if lacks(target):
            return f"{need}: {reason}"
    return None


@dataclass
class TestResult:
    index: int
    description: str
    operation: str
    passed: bool
    expected: Any
    actual: Any = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class CaseResult:
    case: Case
    outcome: str  # passed | failed | skipped
    seconds: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    reason: str = ""

    @property
    def mandatory(self) -> bool:
        return not self.case.optional


class Channels:
    """One channel per client identity, shared by every case."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._channels: dict[str | None, grpc.Channel] = {}
        self._lock = threading.Lock()

    def __call__(self, identity: str | None) -> grpc.Channel:
        with self._lock:
            if identity not in self._channels:
                self._channels[identity] = self._open(identity)
            return self._channels[identity]

    def _open(self, identity: str | None) -> grpc.Channel:
        options = [("grpc.max_receive_message_length", 16 * 1024 * 1024)]
        if self.target.insecure:
            return grpc.insecure_channel(self.target.address, options=options)
        ca, cert, key = self.target.credential_files(identity)
        creds = grpc.ssl_channel_credentials(ca.read_bytes(), key.read_bytes(), cert.read_bytes())
        return grpc.secure_channel(self.target.address, creds, options=options)

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()


def _short(value: Any) -> Any:
    """Actual values as reported: long text cut so that reports stay readable."""
    text = repr(value)
    return value if len(text) < 4000 else text[:4000] + "…"


def run_case(case: Case, suite: Suite, channels: Channels, deadline: float) -> CaseResult:
    reason = skip_reason(case, channels.target)
    if reason:
        return CaseResult(case, "skipped", reason=reason)
    start = time.monotonic()
    end = start + deadline
    ctx = Context(channel_for=channels, read=suite.read, input=case.input, deadline=deadline, results=[], raw=[])
    result = CaseResult(case, "passed")
    for test in case.tests:
        t0 = time.monotonic()
        ctx.deadline = max(end - t0, 0.001)
        expected = test.expected
        try:
            expected = resolve(test.expected, ctx.results)
            request = resolve(test.request, ctx.results)
            service, operation = OPERATIONS[test.operation]
            stub = STUBS[service](channels(test.identity))
            raw, view = operation(ctx, request, stub)
            ctx.raw.append(raw)
            ctx.results.append(view)
            if "error" in expected:
                problems = [f"expected error {expected['error']['reason']}, the call succeeded"]
            else:
                problems = mismatches(expected["result"], view)
            actual = view
        except grpc.RpcError as exc:
            actual = error_view(exc)
            ctx.raw.append(None)
            ctx.results.append({"error": actual})
            if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED and not actual["reason"]:
                problems = [f"deadline of {deadline:g} s exceeded"]
            elif "error" in expected:
                problems = error_mismatches(expected["error"], actual)
            else:
                problems = [f"unexpected error {actual['reason'] or actual['code']}: {actual['message']}"]
        except Exception as exc:  # a broken response or input must fail the case, not the run
            actual = {"exception": "".join(traceback.format_exception_only(exc)).strip()}
            ctx.raw.append(None)
            ctx.results.append(actual)
            problems = [f"runner could not complete the test: {actual['exception']}"]
        result.tests.append(TestResult(test.index, test.description, test.operation, not problems, expected,
                                       _short(actual), problems, time.monotonic() - t0))
        if problems:
            result.outcome = "failed"
            break
    result.seconds = time.monotonic() - start
    return result


def run_cases(cases: Iterable[Case], suite: Suite, target: Target, *, jobs: int = 4, deadline: float = 20.0,
              progress: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    """Run every case; return results in suite order."""
    cases = list(cases)
    channels = Channels(target)
    results: dict[str, CaseResult] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(jobs, 1), thread_name_prefix="conformance") as pool:
            futures = {pool.submit(run_case, c, suite, channels, deadline): c for c in cases}
            for future in as_completed(futures):
                r = future.result()
                results[r.case.node_id] = r
                if progress:
                    progress(r)
    finally:
        channels.close()
    return [results[c.node_id] for c in cases]


def verdict(results: list[CaseResult]) -> bool:
    """True when every mandatory case passed."""
    return all(r.outcome == "passed" for r in results if r.mandatory)
