"""Our regional extension on Catena-X and IDTA documents: what their members cannot hold.

The aspects allow members beyond their own, so, as on PACT footprints, the canonical data a
document's members would not give back travels in a top-level ``extensions`` list as our
regional extension (:mod:`mappings.pact.carry`): a JSON merge patch from the data read back to
the original. With the option ``catenax_extension=omit`` each such value is reported dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.core.jsonpatch import merge_patch_sharing
from gateway.core.report import TranslationReport
from mappings.base import TranslateOptions
from mappings.pact import carry

OMIT_OPTION = "catenax_extension"


def without_namespace(data: dict[str, Any], namespace: str) -> dict[str, Any]:
    out = dict(data)
    extensions = {k: v for k, v in data.get("extensions", {}).items() if k != namespace}
    if extensions:
        out["extensions"] = extensions
    else:
        out.pop("extensions", None)
    return out


def carry_canonical(
    format_id: str, namespace: str, data: dict[str, Any], native: dict[str, Any],
    read_back: Callable[[dict[str, Any]], dict[str, Any]], options: TranslateOptions, report: TranslationReport,
    mapping_version: str,
) -> None:
    """Append our extension with whatever ``read_back(native)`` would not restore of ``data``."""
    back = read_back(native)
    patch, leaves = carry.carried_leaves(without_namespace(data, namespace), without_namespace(back, namespace), back)
    if not patch:
        return
    omit = options.extra.get(OMIT_OPTION) == "omit"
    index = len(native.get("extensions", []))
    for path, value, held in leaves:
        if omit:
            report.dropped(path, None, f"{format_id} has no field for it and the option {OMIT_OPTION}=omit refuses the extension")
            continue
        if value is None:
            why = f"the declaration has no value; the {format_id} member holds a derived one"
        elif held:
            why = f"original value; the {format_id} member holds it converted"
        else:
            why = f"{format_id} has no field for it"
        report.converted(path, f"extensions/{index}/data/canonical/{path}", f"carried in extension ({why})")
    if not omit:
        native.setdefault("extensions", []).append(carry.extension_entry(patch, mapping_version))


def apply_extension(native: dict[str, Any], data: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Canonical data with our extension's patch applied, and the document's other extension entries."""
    ours, others = carry.split_extensions(native)
    if ours is not None:
        index, entry = ours
        carry.check_extension_data(entry.get("data"), f"/extensions/{index}")
        data = merge_patch_sharing(data, entry["data"]["canonical"])
    return data, others
