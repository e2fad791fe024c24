"""Coverage-guided fuzzing of every format's read path (issue 16), with atheris (libFuzzer).

One target per format: bytes -> ``gateway.translate.read`` (hardened parse, schema check,
mapping to the canonical declaration, model checks). A refusal is a ``GatewayError`` with a
reason; anything else escaping is a crash, an input taking over ``--timeout`` seconds of CPU
time is a hang (libFuzzer's wall-clock timeout, confirmed on the input alone: one that merely
waited for a CPU is set aside under ``findings/`` as ``starved-*`` and the run resumes), and
the process stops at ``--rss-mb`` of memory. Each format runs in its own process.

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
MAX_RESTARTS = 100  # starved inputs set aside before the run is given up as failed


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
    inputs = peak = starved = 0
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
        # libFuzzer's timeout is wall-clock time: on a shared machine at nice 19 an input can wait
        # longer than the timeout for a CPU. Only CPU time over the timeout, measured again on
        # the input alone, is a hang; a starved input is set aside and the run goes on.
        if code and timed_out and unit and _cpu_seconds(format_id, Path(unit.group(1))) < timeout:
            found = Path(unit.group(1))
            found.rename(artifacts / f"starved-{found.name}")
            starved += 1
            finished = (runs is not None and inputs >= runs) or (seconds is not None and time.monotonic() - began >= seconds)
            if finished:
                code = 0
            elif starved <= MAX_RESTARTS:
                continue
        break
    return {
        "format": format_id,
        "inputs": inputs,
        "crashes": int(bool(code) and not timed_out),
        "hangs": int(bool(code) and timed_out and starved <= MAX_RESTARTS),
        "starved": starved,
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


def _cpu_seconds(format_id: str, unit: Path) -> float:
    """The least CPU time of three reads of ``unit``, in a fresh process (a real hang stays one)."""
    code = ("import sys, time\nfrom gateway.translate import read\ndata = open(sys.argv[2], 'rb').read()\n"
            "best = 1e9\nfor _ in range(3):\n    start = time.process_time()\n    try:\n        read(data, sys.argv[1])\n"
            "    except Exception:\n        pass\n    best = min(best, time.process_time() - start)\nprint(best)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code, format_id, str(unit)], cwd=REPO, capture_output=True,
                              text=True, timeout=600, check=False)
        return float(proc.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return float("inf")


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
              f"{result['starved']} restarts after a wall-clock timeout of an input that is fast alone", flush=True)
        if result["log_tail"]:
            print(result["log_tail"], flush=True)
    if ns.json:
        print(json.dumps(results, indent=2))
    failed = sum(1 for r in results if r["exit"])
    print(f"fuzz: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
