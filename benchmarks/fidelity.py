"""Round-trip fidelity through the canonical model: how many leaves come back unchanged.

For every document given (a partner's file in any registered format): is it accepted, and of
its leaves, how many are identical (same path, same JSON type and value) after
document -> canonical declaration -> the same format. For every regional example given with
``--through FORMAT``: of the canonical declaration's leaves, how many are identical after
canonical -> FORMAT -> canonical. Not a timing benchmark; it prints counts. Usage:

    python benchmarks/fidelity.py gateway/examples/partners/*.json
    python benchmarks/fidelity.py gateway/examples/*.json --through catenax-pcf-v9 --supply catenax

A battery carbon-footprint section carries no declaration identity; ``--identity-from`` names
a regional example whose identity (id, version, created, names) is supplied in our extension,
and only the section's own leaves are counted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gateway.core.errors import GatewayError
from gateway.core.model import Declaration, declaration_from_data, declaration_to_data
from gateway.core.parsing import dump_json, load_json
from gateway.translate import read, write
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--through", help="a format id: canonical -> FORMAT -> canonical for each (regional) file")
    parser.add_argument("--supply", choices=["catenax"], help="supply what the target needs and the declaration lacks")
    parser.add_argument("--identity-from", type=Path, help="a regional example whose identity a section is given")
    args = parser.parse_args(argv)
    identity = read(args.identity_from.read_bytes()).declaration if args.identity_from else None
    for path in args.files:
        print(canonical_round_trip(path, args.through, args.supply) if args.through else document_round_trip(path, identity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
