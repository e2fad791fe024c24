"""Batch translation throughput: ``fpgw convert DIR --to pact-v3`` over N regional declarations.

Prints documents per second for the real command (process start included) and for the
in-process pipeline, next to a baseline measured in the same run: strict JSON parsing of
the same documents (the least any translation must do). Usage:

    python benchmarks/bench_convert.py [--count 1000] [--source cn-jjj-json] [--to pact-v3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from gateway import examples
from gateway.core.parsing import load_json
from gateway.translate import read, translate


def make_batch(folder: Path, count: int, source: str) -> list[Path]:
    """``count`` distinct declarations (fresh ids) cycled from the examples in ``source`` format."""
    seeds = []
    for path in examples.declarations(".json"):
        reading = read(path.read_bytes())
        if reading.format.id == source:
            seeds.append(json.loads(path.read_text("utf-8")))
    if not seeds:
        sys.exit(f"no {source} examples in gateway/examples/")
    id_key = next(k for k in ("id", "declarationId") if k in seeds[0])
    files = []
    for n in range(count):
        doc = dict(seeds[n % len(seeds)])
        doc[id_key] = str(uuid.UUID(int=n + 1, version=4))
        path = folder / f"decl-{n:05d}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--source", default="cn-jjj-json")
    parser.add_argument("--to", default="pact-v3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        files = make_batch(folder, args.count, args.source)
        blobs = [p.read_bytes() for p in files]

        start = time.perf_counter()
        for blob in blobs:
            load_json(blob)
        parse_rate = len(blobs) / (time.perf_counter() - start)

        start = time.perf_counter()
        for blob in blobs:
            translate(blob, args.to, source=args.source)
        pipeline_rate = len(blobs) / (time.perf_counter() - start)

        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gateway.cli", "convert", str(folder), "--to", args.to, "-o", str(Path(tmp) / "out")],
            check=True, stderr=subprocess.DEVNULL,
        )
        cli_rate = len(blobs) / (time.perf_counter() - start)

    print(f"documents: {len(blobs)} {args.source} -> {args.to}")
    print(f"baseline strict JSON parse : {parse_rate:10.0f} docs/s")
    print(f"in-process translate       : {pipeline_rate:10.0f} docs/s  ({parse_rate / pipeline_rate:.1f}x the parse cost)")
    print(f"fpgw convert (whole batch) : {cli_rate:10.0f} docs/s  ({parse_rate / cli_rate:.1f}x the parse cost)")


if __name__ == "__main__":
    main()
