"""The in-process pipeline beside the bound of its primitives, every shipped format pair, one run.

For each source -> target pair over the registry (mappings/registry.py), on a document the
pair can translate, it measures:

- the primitives any translation needs (the bound): parse the input (orjson for JSON, lxml
  for XML), compiled validation of the input (the format's jsonschema-rs validator or XSD),
  building the output tree (a fresh tree of the output's shape: a recursive copy of the parsed
  output for JSON, lxml's own tree copy for XML), compiled validation of the
  output, emit (orjson / lxml);
- the pipeline itself, ``gateway.translate.translate`` (every check it makes included);

and prints pipeline / bound. Each of 3 rounds times the primitives and the pipeline back to
back; a figure is the median of the rounds, the ratio the median of the rounds' own ratios,
so only the ratios mean anything on a shared machine (``--clock cpu`` times the CPU the
measuring thread used instead of the wall clock: every step is single-threaded, so on a quiet
machine the two agree, and on a busy one the CPU clock leaves out the time other processes
held the cores). A second table scales the lists that may
grow without repeats (emission-factor sources, product and company ids, preceding ids) to
10, 100, 1,000 and 10,000 entries each and prints the cost per entry, which stays constant
unless something is super-linear.

    python benchmarks/bench_pipeline.py --quick      # a few seconds: the two headline pairs, 10 and 100 entries
    python benchmarks/bench_pipeline.py              # every pair, 10 to 10,000 entries (minutes)
    python benchmarks/bench_pipeline.py --quick --clock cpu   # the same, on a busy machine
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway import examples  # noqa: E402
from gateway.core.errors import GatewayError  # noqa: E402
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data  # noqa: E402
from gateway.translate import read, translate, write  # noqa: E402
from mappings import Format, available, get_format  # noqa: E402
from tests.test_matrix import OPTIONS, catenax_supplied  # noqa: E402

HEADLINE = [("cn-jjj-json", "pact-v3"), ("cn-jjj-json", "eu-battery-json")]
SIZES = (10, 100, 1000, 10000)
# A battery with a performance class: every target but the ones needing a BPNL can take it.
SIZE_SEED = "tianjin-ev-battery-pack-nmc"
MODEL_SEED = "hebei-hot-rolled-steel-coil"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.thread_time}


def timed(fn: Callable[[], object], seconds: float, repeats: int, clock: Callable[[], float] = time.perf_counter) -> float:
    """Median over ``repeats`` timings of µs per call, each timing about ``seconds`` long."""
    fn()
    return statistics.median(_timing(fn, seconds, clock) for _ in range(repeats))


def _timing(fn: Callable[[], object], seconds: float, clock: Callable[[], float]) -> float:
    """µs per call over one timing of about ``seconds`` on ``clock`` (at least two calls)."""
    n, start = 0, clock()
    while True:
        fn()
        n += 1
        elapsed = clock() - start
        if elapsed >= seconds and n >= 2:
            return elapsed / n * 1e6


def _rebuild_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _rebuild_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild_json(v) for v in value]
    return value


@dataclass(frozen=True)
class Primitives:
    """The five steps of the bound for one format's document, as callables."""

    parse: Callable[[], object]
    validate: Callable[[], object]
    build: Callable[[], object]
    emit: Callable[[], object]


def primitives(fmt: Format, document: bytes) -> Primitives:
    if fmt.syntax == "json":
        tree = orjson.loads(document)
        validator = fmt.validator  # type: ignore[attr-defined]
        return Primitives(lambda: orjson.loads(document), lambda: validator.is_valid(tree),
                          lambda: _rebuild_json(tree), lambda: orjson.dumps(tree))
    root = etree.fromstring(document, parser=_XML_PARSER)
    schema = fmt.xml_schema  # type: ignore[attr-defined]
    return Primitives(lambda: etree.fromstring(document, parser=_XML_PARSER), lambda: schema.validate(root),
                      lambda: copy.deepcopy(root), lambda: etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@dataclass(frozen=True)
class Row:
    source: str
    target: str
    size: int
    parse: float
    validate_in: float
    build: float
    validate_out: float
    emit: float
    pipeline: float
    ratio: float  # the median of the rounds' own pipeline / bound
    input_bytes: int

    @property
    def bound(self) -> float:
        return self.parse + self.validate_in + self.build + self.validate_out + self.emit


def measure(source: str, target: str, document: bytes, seconds: float, repeats: int, size: int = 0,
            clock: Callable[[], float] = time.perf_counter) -> Row:
    """Each round times the five primitives and then the pipeline back to back, so a round's
    ratio compares figures taken under the same load; every figure is the median of the rounds."""
    src, tgt = get_format(source), get_format(target)
    output = translate(document, target, source=source, options=OPTIONS).output
    p_in, p_out = primitives(src, document), primitives(tgt, output)
    steps = (p_in.parse, p_in.validate, p_out.build, p_out.validate, p_out.emit,
             lambda: translate(document, target, source=source, options=OPTIONS))
    for step in steps:
        step()
    rounds = [[_timing(step, seconds, clock) for step in steps] for _ in range(repeats)]
    medians = [statistics.median(r[i] for r in rounds) for i in range(len(steps))]
    ratio = statistics.median(r[5] / sum(r[:5]) for r in rounds)
    return Row(source, target, size, *medians, ratio=ratio, input_bytes=len(document))


def seed_declarations() -> list[Declaration]:
    """Every example as it is and with what Catena-X needs supplied (as tests/test_matrix.py does)."""
    decls = [read(p.read_bytes()).declaration for p in examples.declarations(".json")]
    return decls + [catenax_supplied(d) for d in decls]


def pair_documents(formats: list[str], wanted: set[tuple[str, str]] | None) -> dict[tuple[str, str], bytes | str]:
    """Per pair, the first seed written in the source format that translates to the target (or why none does)."""
    documents: dict[str, list[bytes]] = {f: [] for f in formats}
    for decl in seed_declarations():
        for source in formats:
            try:
                documents[source].append(write(decl, source, OPTIONS)[0])
            except GatewayError:
                pass
    out: dict[tuple[str, str], bytes | str] = {}
    for source in formats:
        for target in formats:
            if wanted is not None and (source, target) not in wanted:
                continue
            reason = "no example can be written in the source format"
            for document in documents[source]:
                try:
                    translate(document, target, source=source, options=OPTIONS)
                except GatewayError as exc:
                    reason = f"refused: {exc.reason}"
                    continue
                out[source, target] = document
                break
            else:
                out[source, target] = reason
    return out


def scaled(decl: Declaration, n: int) -> Declaration:
    """``decl`` with ``n`` distinct emission-factor sources, product ids, company ids and preceding ids."""
    data = declaration_to_data(decl)
    data["data_quality"]["factor_sources"] = [
        {"database": f"Factor database {i}", "version": f"{i}.0", "factor_ids": [f"EF-{i}-a", f"EF-{i}-b"]} for i in range(n)
    ]
    data["product"]["ids"] = [{"scheme": "model", "value": f"MODEL-{i:05d}"} for i in range(n)]
    data["organisation"]["ids"] = data["organisation"]["ids"][:1] + [
        {"scheme": "urn", "value": f"urn:example:company:{i}"} for i in range(n - 1)
    ]
    data["preceding_ids"] = [str(uuid.UUID(int=i + 1, version=4)) for i in range(n)]
    return declaration_from_data(data)


def print_pairs(rows: list[Row], skipped: dict[tuple[str, str], str]) -> None:
    print("\n| source | target | parse | validate in | build out | validate out | emit | bound µs | pipeline µs | pipeline / bound |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r.source} | {r.target} | {r.parse:.1f} | {r.validate_in:.1f} | {r.build:.1f} | {r.validate_out:.1f} | "
              f"{r.emit:.1f} | {r.bound:.1f} | {r.pipeline:.0f} | {r.ratio:.1f}× |")
    if skipped:
        print(f"\npairs no example can take ({len(skipped)}): " + "; ".join(f"{s} -> {t} ({why})" for (s, t), why in skipped.items()))
    if rows:
        ratios = [r.ratio for r in rows]
        print(f"\n{len(rows)} pairs: pipeline / bound median {statistics.median(ratios):.1f}×, "
              f"min {min(ratios):.1f}×, max {max(ratios):.1f}×")


def print_sizes(rows: list[Row]) -> None:
    print("\n| source | target | entries per list | input bytes | bound µs | pipeline µs | pipeline / bound | "
          "pipeline µs per added entry | bound µs per added entry |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    previous: dict[str, Row] = {}
    for r in rows:
        before = previous.get(r.target)
        if before is None:
            per, per_bound = "", ""
        else:
            added = 4 * (r.size - before.size)  # four lists grow
            per = f"{(r.pipeline - before.pipeline) / added:.2f}"
            per_bound = f"{(r.bound - before.bound) / added:.2f}"
        print(f"| {r.source} | {r.target} | {r.size:,} | {r.input_bytes:,} | {r.bound:.0f} | {r.pipeline:.0f} | {r.ratio:.1f}× | "
              f"{per} | {per_bound} |")
        previous[r.target] = r


def print_model(seconds: float, repeats: int, clock: Callable[[], float]) -> None:
    """The canonical model's own two steps beside the alternatives for the same declaration: msgspec
    (when installed; not a dependency) converting the same data into the same dataclasses with
    none of the model's rules (unknown keys, floats, NaN, naive timestamps all pass), and
    orjson parsing the same data as JSON text, the floor of any typed decode."""
    decl = next(read(p.read_bytes()).declaration for p in examples.declarations(".json") if p.stem == MODEL_SEED)
    data = declaration_to_data(decl)
    text = orjson.dumps(data)
    rows = [("declaration_from_data (the model's reader, every rule)", lambda: declaration_from_data(data)),
            ("declaration_to_data (the model's writer)", lambda: declaration_to_data(decl)),
            ("orjson.loads of the same data as JSON text", lambda: orjson.loads(text))]
    try:
        import msgspec
    except ImportError:
        print("\nmsgspec is not installed: its rows are left out (pip install msgspec to see them)")
    else:
        rows += [("msgspec.convert into the same dataclasses, no model rules", lambda: msgspec.convert(data, Declaration)),
                 ("msgspec.to_builtins (not the data form: exponents, None fields)", lambda: msgspec.to_builtins(decl))]
    print(f"\n| canonical model, {MODEL_SEED} | µs |\n|---|---:|")
    for label, fn in rows:
        print(f"| {label} | {timed(fn, seconds, repeats, clock):.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the headline pairs and 10/100 entries, short timings")
    parser.add_argument("--seconds", type=float, help="length of one timing (default 0.2, quick 0.02)")
    parser.add_argument("--repeats", type=int, default=3, help="timings per figure; the median is printed")
    parser.add_argument("--pair", action="append", metavar="SOURCE:TARGET", help="only these pairs (repeatable)")
    parser.add_argument("--sizes", help="comma-separated entries per list (default 10,100,1000,10000; quick 10,100)")
    parser.add_argument("--clock", choices=CLOCKS, default="wall",
                        help="what a timing measures: wall time (default) or the CPU time of this thread")
    args = parser.parse_args()
    seconds = args.seconds if args.seconds is not None else (0.02 if args.quick else 0.2)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else (list(SIZES[:2]) if args.quick else list(SIZES))
    wanted = {tuple(p.split(":", 1)) for p in args.pair} if args.pair else (set(HEADLINE) if args.quick else None)

    started = time.perf_counter()
    formats = available()
    documents = pair_documents(formats, wanted)  # type: ignore[arg-type]
    skipped = {pair: doc for pair, doc in documents.items() if isinstance(doc, str)}
    clock = CLOCKS[args.clock]
    print(f"timings: {seconds} s each ({args.clock} clock), median of {args.repeats} rounds; {len(documents)} pairs over {len(formats)} formats; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    rows = [measure(s, t, doc, seconds, args.repeats, clock=clock) for (s, t), doc in documents.items() if isinstance(doc, bytes)]
    print_pairs(rows, skipped)

    seed = next(read(p.read_bytes()).declaration for p in examples.declarations(".json") if p.stem == SIZE_SEED)
    sized = []
    for target in sorted({t for s, t in (wanted or set(HEADLINE)) if s == "cn-jjj-json"} or {t for _, t in HEADLINE}):
        for n in sizes:
            document, _ = write(scaled(seed, n), "cn-jjj-json", OPTIONS)
            sized.append(measure("cn-jjj-json", target, document, seconds, args.repeats, n, clock))
    print_sizes(sized)
    print_model(seconds, args.repeats, clock)
    print(f"\nwhole run: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
