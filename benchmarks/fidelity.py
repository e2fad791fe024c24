"""Round-trip fidelity through the canonical model: how many leaves come back unchanged.

For every document given (a partner's file in any registered format): is it accepted, and of
its leaves, how many are identical (same path, same JSON type and value) after
document -> canonical declaration -> the same format. For every regional example given with
``--through FORMAT``: of the canonical declaration's leaves, how many are identical after
canonical -> FORMAT -> canonical. Not a timing benchmark; it prints counts. Usage:

    python benchmarks/fidelity.py gateway/examples/partners/*.json
    python benchmarks/fidelity.py gateway/examples/*.json --through catenax-pcf-v9 --supply catenax
    python benchmarks/fidelity.py --official

``--official`` takes the documents the standards' owners publish in ``../shared/`` (the
ProductFootprint examples of the PACT OpenAPI files 2.0-3.0 and the footprints in the official
PACT conformance tool's documented responses, envelopes unwrapped; the Battery Pass payload), tries each that its own official schema accepts, and prints per format the
documents accepted / tried and the leaves kept / total on document -> canonical -> the same format.

A battery carbon-footprint section carries no declaration identity: it is defaulted (and comes
back in our extension, not counted); ``--identity-from`` names a regional example whose identity
(id, version, created, names) is supplied in our extension instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.parsing import dump_json, load_json
from gateway.translate import one_document, read, write
from mappings import detect_format
from mappings.fieldmap import leaves
from mappings.pact import carry

# What a Catena-X partner needs and a regional declaration lacks (tests/test_matrix.py supplies the same).
CATENAX = {
    "bpnl": "BPNL00000003AYRE",
    "members": {
        "pcf": {"allocationWasteIncineration": "polluter pays principle", "packagingEmissionsIncluded": True,
                "massBalancingUsed": False, "distributionStageIncluded": False,
                "freeAttributionInMassBalancing": "not applicable", "massBalancingCertificateScheme": "none"},
        "retroOrProspectivePcfType": "Retrospective PCF, Prospective PCF without forerunner",
        "ccsTechnologicalCO2CaptureIncluded": False,
    },
}


def _leaves(tree: Any) -> dict[str, tuple[type, Any]]:
    return {path: (type(value), value) for path, value in leaves(tree)}


def kept(before: Any, after: Any) -> tuple[int, int]:
    a, b = _leaves(before), _leaves(after)
    return sum(1 for path, value in a.items() if b.get(path) == value), len(a)


def with_identity(document: bytes, decl: Declaration) -> bytes:
    data = declaration_to_data(decl)
    identity = {k: data[k] for k in ("id", "version", "created")}
    identity["organisation"] = {"name": data["organisation"]["name"]}
    identity["product"] = {"name": data["product"]["name"]}
    doc = load_json(document)
    doc["extensions"] = [*doc.get("extensions", []), carry.extension_entry(identity, "fidelity")]
    return dump_json(doc)


def supplied(decl: Declaration, what: str | None) -> Declaration:
    if what != "catenax":
        return decl
    data = declaration_to_data(decl)
    data["organisation"]["ids"].append({"scheme": "bpnl", "value": CATENAX["bpnl"]})
    data["results"].setdefault("packaging", {"amount": "0", "unit": "kgCO2e"})
    data.setdefault("extensions", {})["catenax-pcf"] = CATENAX["members"]
    return declaration_from_data(data)


def document_round_trip(path: Path, identity: Declaration | None) -> str:
    original = path.read_bytes()
    data = original
    try:
        reading = read(data)
    except GatewayError as exc:
        if identity is None:
            return f"{path.name}: refused ({exc.reason}: {exc.message})"
        data = with_identity(original, identity)
        reading = read(data)
    output, _ = write(reading.declaration, reading.format.id)
    before, after = load_json(original), load_json(output)
    if data is not original:
        after.pop("extensions", None)
    k, n = kept(before, after)
    return f"{path.name}: {reading.format.id} accepted, leaves kept {k}/{n}, report lossless={reading.report.lossless}"


def canonical_round_trip(path: Path, target: str, supply: str | None) -> str:
    decl = supplied(read(path.read_bytes()).declaration, supply)
    try:
        output, report = write(decl, target)
    except GatewayError as exc:
        return f"{path.name} -> {target}: refused ({exc.reason} at {exc.path})"
    back = read(output, target).declaration
    k, n = kept(declaration_to_data(decl), declaration_to_data(back))
    return f"{path.name} -> {target} -> canonical: leaves kept {k}/{n}, report lossless={report.lossless}"


ANCHORS = Path(__file__).resolve().parents[2] / "shared" / "anchors"
TOOL_DOCS = ANCHORS.parent / "tools" / "pact-conformance-service" / "docs"
PACT_FILES = ("openapi_v2_0.yaml", "openapi_v2_1.yaml", "openapi_v2_2.yaml", "openapi_v2_3.yaml", "openapi_v3_0.yaml")


def _examples(node: Any) -> Iterator[Any]:
    """Every value an OpenAPI file gives as an example (``example``, ``examples`` list or map)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "example":
                yield value
            elif key == "examples" and isinstance(value, dict):
                yield from (v.get("value") if isinstance(v, dict) and "value" in v else v for v in value.values())
            elif key == "examples" and isinstance(value, list):
                yield from value
            else:
                yield from _examples(value)
    elif isinstance(node, list):
        for value in node:
            yield from _examples(value)


def _footprints(example: Any) -> list[Any]:
    """The ProductFootprints an example shows: itself, or those of an API or event envelope."""
    if isinstance(example, dict) and "pcf" in example and "id" in example:
        return [example]
    if isinstance(example, dict) and isinstance(example.get("data"), (dict, list)):
        data = example["data"]
        inner = data.get("pfs", data) if isinstance(data, dict) else data
        return [f for item in (inner if isinstance(inner, list) else [inner]) for f in _footprints(item)]
    return []


def _json_objects(text: str) -> Iterator[Any]:
    """The JSON objects written out in a Markdown page."""
    decoder, i = json.JSONDecoder(), 0
    while (i := text.find("{", i)) >= 0:
        try:
            value, end = decoder.raw_decode(text, i)
        except ValueError:
            i += 1
            continue
        yield value
        i = end


def _pact_validator(openapi: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    uri = "urn:pact-openapi"
    registry = Registry().with_resource(uri, Resource(contents=openapi, specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{uri}#/components/schemas/ProductFootprint"}, registry=registry)


def official_documents() -> Iterator[tuple[str, str, bytes]]:
    """``(where, official schema verdict, bytes)`` of every published sample document."""
    import jsonschema
    import yaml

    for name in PACT_FILES:
        openapi = yaml.safe_load((ANCHORS / "pact" / name).read_text("utf-8"))
        validator = _pact_validator(openapi)
        seen: list[Any] = []
        for example in _examples(openapi):
            for footprint in _footprints(example):
                if footprint in seen:
                    continue
                seen.append(footprint)
                verdict = "valid" if validator.is_valid(footprint) else "invalid"
                yield f"{name}#{len(seen)}", verdict, json.dumps(footprint, default=str).encode()
    # the official conformance tool's documented responses and events (full footprints)
    for version, name in (("v2", "openapi_v2_3.yaml"), ("v3", "openapi_v3_0.yaml")):
        validator = _pact_validator(yaml.safe_load((ANCHORS / "pact" / name).read_text("utf-8")))
        doc = TOOL_DOCS / f"{version}-test-cases-expected-results.md"
        for index, footprint in enumerate(f for obj in _json_objects(doc.read_text("utf-8")) for f in _footprints(obj)):
            verdict = "valid" if validator.is_valid(footprint) else "invalid"
            yield f"{doc.name}#{index + 1}", verdict, json.dumps(footprint).encode()
    battery = ANCHORS / "battery"
    payload = (battery / "CarbonFootprintForBatteries-payload.json").read_bytes()
    schema = load_json((battery / "CarbonFootprintForBatteries-schema.json").read_bytes())
    instance = load_json(payload)  # UTF-16 with a BOM, as published
    verdict = "valid" if jsonschema.Draft4Validator(schema).is_valid(instance) else "invalid"
    yield "battery/CarbonFootprintForBatteries-payload.json", verdict, payload


def official_round_trips() -> None:
    """Per format: documents accepted / tried, leaves kept / total (document -> canonical -> format)."""
    totals: dict[str, list[int]] = {}
    for where, verdict, data in official_documents():
        if verdict != "valid":
            print(f"{where}: not counted (its own official schema rejects it)")
            continue
        fmt = detect_format(one_document(data)).id
        row = totals.setdefault(fmt, [0, 0, 0, 0])
        row[1] += 1
        try:
            reading = read(data)
            output, report = write(reading.declaration, reading.format.id)
        except GatewayError as exc:
            print(f"{where}: {fmt} refused ({exc.reason}: {exc.message})")
            continue
        before, after = load_json(data), load_json(output)
        ours = [e for e in after.get("extensions", []) if isinstance(e, dict) and e.get("dataSchema") == carry.EXTENSION_SCHEMA_URL]
        if ours:
            after["extensions"] = [e for e in after["extensions"] if e not in ours] or None
            if after["extensions"] is None:
                del after["extensions"]
        k, n = kept(before, after)
        row[0] += 1
        row[2] += k
        row[3] += n
        print(f"{where}: {fmt} accepted, leaves kept {k}/{n}, written report lossless={report.lossless}")
    for fmt, (accepted, tried, k, n) in sorted(totals.items()):
        print(f"{fmt}: accepted {accepted}/{tried}, leaves kept {k}/{n}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--official", action="store_true", help="the published sample documents in ../shared/anchors/")
    parser.add_argument("--through", help="a format id: canonical -> FORMAT -> canonical for each (regional) file")
    parser.add_argument("--supply", choices=["catenax"], help="supply what the target needs and the declaration lacks")
    parser.add_argument("--identity-from", type=Path, help="a regional example whose identity a section is given")
    args = parser.parse_args(argv)
    if args.official:
        official_round_trips()
        return 0
    identity = read(args.identity_from.read_bytes()).declaration if args.identity_from else None
    for path in args.files:
        print(canonical_round_trip(path, args.through, args.supply) if args.through else document_round_trip(path, identity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
