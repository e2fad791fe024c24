"""Coverage-guided fuzzing of every format's read path (issue 16), with atheris (libFuzzer).

One target per format: bytes -> ``gateway.translate.read`` (hardened parse, schema check,
mapping to the canonical declaration, model checks). A refusal is a ``GatewayError`` with a
reason; anything else escaping is a crash, an input taking over ``--timeout`` seconds of CPU
time is a hang. Each finding is replayed alone in a fresh process before it counts: one that
merely waited for a CPU (libFuzzer's timeout is wall-clock time) or whose exit the input does
not reproduce is set aside under ``findings/`` (``starved-*``, ``unreproduced-*``) and the run
resumes. The process stops at ``--rss-mb`` of memory. Each format runs in its own process.

Seeds are built at run time, never stored: every example declaration translated into the
format, the conformance suite's documents and the official samples under ``../shared/anchors``.
The corpus the fuzzer grows is kept between runs outside the repository, in
``$FPGW_FUZZ_CORPUS`` (default ``~/.cache/fpgw/fuzz``), one folder per format: it is generated,
machine-local and grows without bound, so it does not belong in git; what it finds does, as a
case in the hostile corpus (``harness/hostile/cases.json``) and a test.

    python -m harness.fuzz                      # every format, 30 s each (CI smoke)
    python -m harness.fuzz --seconds 3600 pact-v3
    python -m harness.fuzz --runs 1000000       # the full run, per format

Prints one line per format (inputs run, crashes, hangs, peak RSS) and a JSON summary with
``--json``; exits 1 when any format crashed or hung.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("FPGW_FUZZ_CORPUS", Path.home() / ".cache" / "fpgw" / "fuzz"))
MAX_LEN = 64 * 1024  # inputs the fuzzer makes; every example and sample is far smaller
_STAT = re.compile(r"stat::(\w+):\s*(\d+)")
_UNIT = re.compile(r"Test unit written to (\S+)")
MAX_RESTARTS = 100  # findings set aside (not reproduced alone) before the run is given up as failed


def seeds(format_id: str) -> list[bytes]:
    """Every example in the format, the conformance documents and official samples of its syntax."""
    from gateway import examples
    from gateway.translate import translate
    from mappings import get_format

    syntax = get_format(format_id).syntax
    out: list[bytes] = []
    for path in examples.declarations(".json"):
        try:
            out.append(translate(path.read_bytes(), format_id, source="cn-jjj-json").output)
        except Exception:  # noqa: BLE001 - an example the format cannot hold seeds nothing
            continue
    suffix = ".xml" if syntax == "xml" else ".json"
    anchors = REPO.parent / "shared" / "anchors"
    folders = [REPO / "conformance_tests" / "suite" / "v1" / "documents",
               *(anchors / name for name in ("battery", "catenax", "idta", "pact"))]
    for folder in folders:
        for path in sorted(folder.rglob(f"*{suffix}")):
            if "schema" not in path.name.lower() and path.stat().st_size <= MAX_LEN:
                out.append(path.read_bytes())
    return out


def _target(format_id: str, rss_mb: int, timeout: int, args: list[str]) -> None:
    """Run inside the child process: instrument our packages, then hand over to libFuzzer."""
    import atheris

    with atheris.instrument_imports(include=["gateway", "mappings", "signing"]):
        from gateway.core.errors import GatewayError
        from gateway.translate import read

    def one_input(data: bytes) -> None:
        try:
            read(data, format_id)
        except GatewayError as error:
            str(error).encode("utf-8")  # a refusal must be printable too

    for path in sorted(Path(args[0]).iterdir())[:3]:  # warm the lazy schema compilation outside the timeout
        one_input(path.read_bytes())
    atheris.Setup([sys.argv[0], *args, f"-rss_limit_mb={rss_mb}", f"-timeout={timeout}",
                   "-print_final_stats=1"], one_input)
    atheris.Fuzz()


def fuzz_format(format_id: str, *, seconds: int | None, runs: int | None, corpus_root: Path,
                rss_mb: int, timeout: int) -> dict[str, object]:
    corpus = corpus_root / format_id
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for i, seed in enumerate(seeds(format_id)):
            (corpus / f"seed-{i:03d}").write_bytes(seed)
    artifacts = corpus_root / "findings" / format_id
    artifacts.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "harness.fuzz", "--child", format_id, "--rss-mb", str(rss_mb),
               "--timeout", str(timeout), "--", str(corpus), f"-artifact_prefix={artifacts}/", f"-max_len={MAX_LEN}"]
    inputs = peak = starved = unreproduced = 0
    began = time.monotonic()
    while True:
        limits = []
        if seconds is not None:
            limits.append(f"-max_total_time={max(1, int(seconds - (time.monotonic() - began)))}")
        if runs is not None:
            limits.append(f"-runs={max(1, runs - inputs)}")
        text, code = _libfuzzer(command + limits)
        stats = {k: int(v) for k, v in _STAT.findall(text)}
        inputs += stats.get("number_of_executed_units", 0)
        peak = max(peak, stats.get("peak_rss_mb", 0))
        timed_out = "ALARM: working on the last Unit" in text
        unit = _UNIT.search(text)
        if not code or unit is None or "libFuzzer: out-of-memory" in text:  # memory is not replayed
            break
        # libFuzzer's timeout is wall-clock time: on a shared machine at nice 19 an input can wait
        # longer than the timeout for a CPU, and the alarm can even break the interpreter it
        # interrupts. So every finding is replayed alone in a fresh process: only CPU time over
        # the timeout is a hang, and only an exception other than GatewayError a crash; an input
        # that is neither is set aside (starved-*, unreproduced-*) and the run goes on.
        found = Path(unit.group(1))
        cpu, escaped = _replay(format_id, found)
        if escaped or cpu >= timeout:
            break
        found.rename(artifacts / f"{'starved' if timed_out else 'unreproduced'}-{found.name}")
        print(f"  {format_id}: {inputs} inputs so far; {found.name} set aside (not reproduced alone), resuming",
              file=sys.stderr, flush=True)
        starved += timed_out
        unreproduced += not timed_out
        if (runs is not None and inputs >= runs) or (seconds is not None and time.monotonic() - began >= seconds):
            code = 0
            break
        if starved + unreproduced > MAX_RESTARTS:
            break
    confirmed = bool(code) and starved + unreproduced <= MAX_RESTARTS
    return {
        "format": format_id,
        "inputs": inputs,
        "crashes": int(confirmed and not timed_out),
        "hangs": int(confirmed and timed_out),
        "starved": starved,
        "unreproduced": unreproduced,
        "peak_rss_mb": peak,
        "corpus_files": sum(1 for _ in corpus.iterdir()),
        "exit": code,
        "log_tail": text[-1500:] if code else "",
    }


def _libfuzzer(command: list[str]) -> tuple[str, int]:
    with tempfile.TemporaryFile() as log:
        proc = subprocess.run(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, check=False)
        log.seek(0)
        return log.read().decode("utf-8", "replace"), proc.returncode


def _replay(format_id: str, unit: Path) -> tuple[float, bool]:
    """The least CPU time of three reads of ``unit`` in a fresh process, and whether any read
    raised something other than a GatewayError (a real hang stays one: infinite CPU time)."""
    code = ("import sys, time\nfrom gateway.core.errors import GatewayError\nfrom gateway.translate import read\n"
            "data = open(sys.argv[2], 'rb').read()\nbest, escaped = 1e9, False\nfor _ in range(3):\n"
            "    start = time.process_time()\n    try:\n        read(data, sys.argv[1])\n"
            "    except GatewayError:\n        pass\n    except Exception:\n        escaped = True\n"
            "    best = min(best, time.process_time() - start)\nprint(best, escaped)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code, format_id, str(unit)], cwd=REPO, capture_output=True,
                              text=True, timeout=600, check=False)
        cpu, escaped = proc.stdout.strip().splitlines()[-1].split()
        return float(cpu), escaped == "True"
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return float("inf"), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("formats", nargs="*", help="format ids (default: every registered format)")
    parser.add_argument("--seconds", type=int, help="time per format (default 30 unless --runs)")
    parser.add_argument("--runs", type=int, help="inputs per format")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus root (default {DEFAULT_CORPUS})")
    parser.add_argument("--rss-mb", type=int, default=500, help="memory limit of the fuzzing process")
    parser.add_argument("--timeout", type=int, default=1, help="seconds one input may take before it is a hang")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("libfuzzer", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    ns, rest = parser.parse_known_args(argv)
    if ns.child:
        _target(ns.child, ns.rss_mb, ns.timeout, [a for a in rest if a != "--"] + ns.formats)
        return 0
    from mappings import available

    formats = ns.formats or available()
    seconds = ns.seconds if ns.seconds is not None or ns.runs is not None else 30
    results = []
    for format_id in formats:
        result = fuzz_format(format_id, seconds=seconds, runs=ns.runs, corpus_root=ns.corpus,
                             rss_mb=ns.rss_mb, timeout=ns.timeout)
        results.append(result)
        print(f"fuzz {format_id}: {result['inputs']} inputs, {result['crashes']} crashes, {result['hangs']} hangs, "
              f"peak RSS {result['peak_rss_mb']} MB, corpus {result['corpus_files']} files, "
              f"{result['starved']} wall-clock timeouts and {result['unreproduced']} exits that the input alone does "
              "not reproduce (set aside, run resumed)", flush=True)
        if result["log_tail"]:
            print(result["log_tail"], flush=True)
    if ns.json:
        print(json.dumps(results, indent=2))
    failed = sum(1 for r in results if r["exit"])
    print(f"fuzz: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
