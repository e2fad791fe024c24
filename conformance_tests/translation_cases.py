"""Generate the translation group from gateway/examples/: every format pair through the canonical model.

Each chosen example is written in every format that can hold it (the *source documents*,
shipped under ``documents/translation/``); each source document is translated to every
registered format. Expected values come from the canonical model of the source: the
report's loss entries, and — read back through ``canonical-json`` — the source's canonical
values at every leaf that the target keeps. A target that cannot take the declaration
expects the error reason and path the translation refuses it with.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.core.errors import GatewayError
from gateway.translate import read, translate, write
from mappings import TranslateOptions, available, get_format

OPTIONS = {"study_url": "https://example.org/cfp-study"}
SPECS = {
    "cn-jjj": {"source": "GB/T 24067-2024", "section": "5 产品碳足迹量化"},
    "pact": {"source": "PACT 3.0", "section": "4.1 ProductFootprint"},
    "iso14067": {"source": "ISO 14067:2018", "section": "7 CFP study report"},
    "eu-battery": {"source": "EU 2023/1542", "section": "Art. 7 and Annex II carbon footprint"},
    "canonical": {"source": "JJJ gateway docs/formats/canonical-json.md", "section": "canonical model"},
    "catenax-pcf": {"source": "Catena-X CX-0136 (io.catenax.pcf 8.0.0 / 9.0.0)", "section": "Pcf aspect"},
    "catenax-battery": {"source": "Catena-X CX-0160 (io.catenax.battery.battery_pass 6.1.0)", "section": "sustainability/carbonFootprint"},
    "idta": {"source": "IDTA 02035-3", "section": "CarbonFootprintBattery"},
}
# Every pair over these examples; every other example is read into the canonical model.
PAIR_EXAMPLES = ("hebei-hot-rolled-steel-coil", "tianjin-ev-battery-pack-nmc")


def _spec(format_id: str) -> dict[str, str]:
    family = next(k for k in SPECS if format_id.startswith(k))
    return SPECS[family]


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """JSON Pointer -> value of every scalar in ``data``."""
    if isinstance(data, dict):
        return {p: v for k, val in data.items()
                for p, v in leaves(val, f"{prefix}/{k.replace('~', '~0').replace('/', '~1')}").items()}
    if isinstance(data, list):
        return {p: v for i, val in enumerate(data) for p, v in leaves(val, f"{prefix}/{i}").items()}
    return {prefix: data}


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _entries(report: Any) -> list[dict[str, str]]:
    out = [{"kind": e.kind.value, "source_path": e.source_path or "", "target_path": e.target_path or ""}
           for e in report.entries]
    return sorted(out, key=lambda e: (e["kind"], e["source_path"], e["target_path"]))


def _kept_values(source_data: dict[str, Any], output: bytes, target: str, options: TranslateOptions) -> dict[str, Any] | None:
    """The source's canonical values at every leaf the target document gives back unchanged."""
    try:
        back = json.loads(translate(output, "canonical-json", source=target, options=options).output,
                          parse_float=Decimal)
    except GatewayError:
        return None
    source_leaves, back_leaves = leaves(source_data), leaves(back)
    return {p: v for p, v in source_leaves.items() if p in back_leaves and _same(back_leaves[p], v)}


def case_for(example: str, doc_file: str, content: bytes, source: str, target: str) -> dict[str, Any]:
    options = TranslateOptions.from_mapping(OPTIONS)
    source_data = json.loads(translate(content, "canonical-json", source=source, options=options).output, parse_float=Decimal)
    fmt = get_format(source)
    case: dict[str, Any] = {
        "id": f"{example}.{source}.to.{target}",
        "description": f"{example} as {source}, translated to {target}",
        "specification": [_spec(source)] + ([_spec(target)] if _spec(target) != _spec(source) else []),
        "level": "core",
        "input": {"documents": {"source": {"file": doc_file, "format_id": source, "media_type": fmt.media_type}}},
    }
    request = {"document": "source", "target_format_id": target, "options": OPTIONS}
    try:
        result = translate(content, target, source=source, options=options)
    except GatewayError as exc:
        error = {"reason": exc.reason, **({"path": exc.path} if exc.path else {})}
        case["description"] = f"{example} as {source} cannot be translated to {target}: refused with {exc.reason}"
        case["tests"] = [{"description": "the translation is refused with its reason and path",
                          "operation": "translate", "request": request, "expected": {"error": error}}]
        return case
    report = {"lossless": result.report.lossless, "source_format_id": source, "target_format_id": target,
              "entries": _entries(result.report)}
    tests = [{"description": "translates with the expected loss report", "operation": "translate",
              "request": request, "expected": {"result": {"document": {"format_id": target}, "report": report}}}]
    if target == "canonical-json":
        tests[0]["expected"]["result"]["canonical"] = source_data
    else:
        kept = _kept_values(source_data, result.output, target, options)
        if kept:
            tests.append({
                "description": "read back, the target keeps the source's canonical values",
                "operation": "translate",
                "request": {"document": {"output_of": 0}, "target_format_id": "canonical-json", "options": OPTIONS},
                "expected": {"result": {"canonical": unflatten(kept)}},
            })
    case["tests"] = tests
    return case


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """Pointer map back to a nested pattern (arrays become {"0": ...} objects only where sparse)."""
    root: dict[str, Any] = {}
    for path, value in flat.items():
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in path.lstrip("/").split("/")]
        node = root
        for t in tokens[:-1]:
            node = node.setdefault(t, {})
        node[tokens[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    """Objects whose keys are 0..n-1 back to arrays, so the pattern compares arrays by length too."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node) and sorted(int(k) for k in node) == list(range(len(node))):
        return [node[str(i)] for i in range(len(node))]
    return node


def source_documents(examples: Path, out: Path, suite_root: Path) -> list[tuple[str, str, str, bytes]]:
    """(example, file relative to the suite, format, bytes) of every source document."""
    options = TranslateOptions.from_mapping(OPTIONS)
    docs = []
    out.mkdir(parents=True, exist_ok=True)
    for example in sorted(p.stem for p in examples.glob("*.json")):
        for suffix, fmt_id in ((".json", "cn-jjj-json"), (".xml", "cn-jjj-xml")):
            path = examples / f"{example}{suffix}"
            target = out / f"{example}.{fmt_id}{suffix}"
            target.write_bytes(path.read_bytes())
            docs.append((example, target.relative_to(suite_root).as_posix(), fmt_id, path.read_bytes()))
        if example not in PAIR_EXAMPLES:
            continue
        decl = read((examples / f"{example}.json").read_bytes(), "cn-jjj-json").declaration
        for fmt_id in available():
            if fmt_id.startswith("cn-jjj"):
                continue
            try:
                content, _ = write(decl, fmt_id, options)
            except GatewayError:
                continue
            target = out / f"{example}.{fmt_id}.{get_format(fmt_id).syntax}"
            target.write_bytes(content)
            docs.append((example, target.relative_to(suite_root).as_posix(), fmt_id, content))
    return docs


def translation_files(examples: Path, suite_root: Path) -> dict[str, list[dict[str, Any]]]:
    """file name -> cases, one file per example."""
    files: dict[str, list[dict[str, Any]]] = {}
    for example, doc_file, fmt_id, content in source_documents(examples, suite_root / "documents" / "translation", suite_root):
        targets = sorted(available()) if example in PAIR_EXAMPLES else ["canonical-json"]
        for target in targets:
            files.setdefault(f"{example}.json", []).append(case_for(example, doc_file, content, fmt_id, target))
    return files

