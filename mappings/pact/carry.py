"""What a PACT document cannot hold, carried so that nothing is lost silently.

Two kinds of leftovers, two places:

- canonical data PACT has no field for (or holds only in converted form) travels *in the
  PACT document*, in a ``DataModelExtension`` with our own ``dataSchema``: an RFC 7386 JSON
  merge patch that turns the canonical data read back from the PACT fields into the
  original canonical data exactly;
- native PACT fields (and foreign extensions) no field row consumed travel *in the
  canonical declaration*, under ``extensions["pact-v2"|"pact-v3"]``, as a pruned native
  sub-tree that is laid back over the document when the same version is written again.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from gateway.core.errors import GatewayError, SchemaViolation
from gateway.core.i18n import N_
from gateway.core.jsonpatch import merge_patch
from gateway.core.model import codelists
from gateway.core.parsing import read_number
from gateway.core.report import TranslationReport
from mappings.base import json_violations
from mappings.fieldmap import ABSENT, compile_path
from mappings.pact import units
from mappings.pact.profile import Profile

EXTENSION_SCHEMA_URL = "https://jjj-footprint.example/schemas/pact-extension/v1/regional.json"
EXTENSION_DOCS_URL = "https://jjj-footprint.example/docs/formats/pact"
EXTENSION_SPEC_VERSION = "2.0.0"
_ABSENT = object()


def overlay(native: dict[str, Any], leftovers: dict[str, Any]) -> None:
    """Lay carried native fields back over a document; extension lists are concatenated."""
    for key, value in leftovers.items():
        if key == "extensions" and isinstance(value, list):
            native["extensions"] = copy.deepcopy(value) + native.get("extensions", [])
        elif isinstance(value, dict) and isinstance(native.get(key), dict):
            overlay(native[key], value)
        else:
            native[key] = copy.deepcopy(value)


def prune(native: Any, consumed: set[str], prefix: str = "") -> dict[str, Any]:
    """The part of a native object no consumed path covers; lists are kept or dropped whole."""
    out: dict[str, Any] = {}
    for key, value in native.items():
        path = f"{prefix}/{key}" if prefix else key
        if path in consumed:
            continue
        if isinstance(value, dict):
            rest = prune(value, consumed, path)
            if rest:
                out[key] = rest
        else:
            out[key] = copy.deepcopy(value)
    return out


def patch_leaves(patch: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Leaf paths of a merge patch; a list or a deletion counts as one leaf."""
    if isinstance(patch, dict) and patch:
        out = []
        for key, value in patch.items():
            out += patch_leaves(value, f"{prefix}/{key}" if prefix else key)
        return out
    return [(prefix, patch)]


def patch_leaves_over(patch: Any, target: Any, prefix: str = "") -> list[tuple[str, Any, bool]]:
    """:func:`patch_leaves`, each with whether ``target`` has a member at the leaf's path:
    walked beside the patch, where a lookup per leaf would parse and walk each path again."""
    if isinstance(patch, dict) and patch:
        out = []
        for key, value in patch.items():
            below = target.get(key, _ABSENT) if isinstance(target, dict) else _ABSENT
            out += patch_leaves_over(value, below, f"{prefix}/{key}" if prefix else key)
        return out
    return [(prefix, patch, target is not _ABSENT)]


def carried_leaves(original: dict[str, Any], derived: dict[str, Any], target: Any,
                   prefix: str = "") -> tuple[dict[str, Any], list[tuple[str, Any, bool]]]:
    """``merge_diff(original, derived)`` and, in one walk beside it, that patch's
    :func:`patch_leaves_over` ``target`` (``derived`` before its namespaces were taken out):
    the same patch and the same leaves in the same order, where diffing and then walking the
    patch visited every changed member twice."""
    patch: dict[str, Any] = {}
    leaves: list[tuple[str, Any, bool]] = []
    same = target is derived  # the usual case (no namespaces were taken out): one lookup serves both
    for key, value in original.items():
        other = derived.get(key, _ABSENT)
        if value == other:
            continue  # the member most often met: nothing else is made for it
        path = f"{prefix}/{key}" if prefix else key
        if other is _ABSENT and same:  # a member the derived tree lacks (about half): carried whole
            patch[key] = value
            if isinstance(value, dict) and value:
                leaves += patch_leaves_over(value, _ABSENT, path)
            else:
                leaves.append((path, value, False))
            continue
        below = other if same else target.get(key, _ABSENT) if isinstance(target, dict) else _ABSENT
        if isinstance(value, dict) and isinstance(other, dict):
            patch[key], inner = carried_leaves(value, other, below, path)
            leaves += inner if patch[key] else [(path, patch[key], below is not _ABSENT)]
        else:
            patch[key] = value
            if isinstance(value, dict) and value:
                leaves += patch_leaves_over(value, below, path)
            else:
                leaves.append((path, value, below is not _ABSENT))
    # Members only ``derived`` has are rare: one subset test in C, not a lookup per member.
    if derived.keys() <= original.keys():
        return patch, leaves
    for key in derived:
        if key not in original:
            patch[key] = None
            below = target.get(key, _ABSENT) if isinstance(target, dict) else _ABSENT
            leaves.append((f"{prefix}/{key}" if prefix else key, None, below is not _ABSENT))
    return patch, leaves


@cache
def _extension_validator() -> Any:
    text = resources.files("mappings.pact").joinpath("regional-extension.schema.json").read_text("utf-8")
    return jsonschema_rs.validator_for(json.loads(text))


def extension_entry(patch: dict[str, Any], mapping_version: str) -> dict[str, Any]:
    data = {"mappingVersion": mapping_version, "canonical": patch}
    check_extension_data(data, "extensions")
    return {
        "specVersion": EXTENSION_SPEC_VERSION,
        "dataSchema": EXTENSION_SCHEMA_URL,
        "documentation": EXTENSION_DOCS_URL,
        "data": data,
    }


def check_extension_data(data: Any, path: str) -> None:
    violations = json_violations(_extension_validator(), data)
    if violations:
        first = violations[0]
        raise SchemaViolation(
            N_("our regional PACT extension at {path} does not match {extension_schema_url}: {path2}: {message}", path=path, extension_schema_url=EXTENSION_SCHEMA_URL, path2=first.path, message=first.text),
            path=f"{path}/data{first.path.rstrip('/')}",
            violations=violations,
        )


# Field-table types a PACT field gives back exactly as the declaration held it (codes may map
# several canonical values to one, so a code row is compared by code; const rows hold none).
_EXACT_KINDS = frozenset({"string", "integer", "boolean", "datetime", "date", "strings", "number", "decimal",
                          "quantity-number", "quantity-decimal"})


def without_stale(profile: Profile, data: dict[str, Any], patch: dict[str, Any], index: int,
                  report: TranslationReport) -> dict[str, Any]:
    """Our extension's patch less what an edited document made stale, each reported dropped.

    The patch restores what the PACT fields cannot hold or hold converted. A value of a field
    that a table row gives back exactly, outside the unit conversions, is neither: when the
    field holds something else, the document was changed after we wrote it (a rating filled in
    where we had to leave the incomplete dqi out, say), and the field, which every PACT reader
    sees, is read. So is a coded field whose code ours would not be written as, and the declared
    unit when ours, converted, is not the fields' (:func:`_without_stale_unit`). A value the field
    now holds as well is reported as written there. Only the objects along a removed path are
    copied; ``patch`` stays as it is."""
    stale = False
    for rule, kind, table, compiled in _compared_rows(profile):
        path = rule.canonical
        ours = compiled.get(patch)
        if ours is ABSENT or ours is None:
            continue  # the usual case: the patch holds nothing for this field
        theirs = compiled.get(data)
        if theirs is ABSENT:
            continue
        restored = merge_patch(theirs, ours)
        if restored == theirs:
            # the field holds our value (filled in after we wrote it): written there from now on
            report.converted(f"extensions/{index}/data/canonical/{path}", path,
                             f"{rule.native} holds our extension's {restored!r:.60} too; it is written there, not in the extension")
            continue
        if _same_value(restored, theirs) if kind != "code" else _same_code(profile.fields.codes[table], restored, theirs):
            continue
        patch, stale = compile_path(path).without(patch), True
        report.dropped(f"extensions/{index}/data/canonical/{path}", path,
                       f"stale: {rule.native} holds {theirs!r:.60}, which is read; our extension's {restored!r:.60} "
                       "was written for a document whose field did not hold it")
    patch, stale_unit = _without_stale_unit(profile, data, patch, index, report)
    return pruned(patch) if stale or stale_unit else patch


_COMPARED: dict[str, tuple[tuple[Any, str, str, Any], ...]] = {}  # per profile id


def _compared_rows(profile: Profile) -> tuple[tuple[Any, str, str, Any], ...]:
    """(rule, kind, code table, compiled canonical path) of the rows :func:`without_stale`
    compares: exact or coded, outside the unit conversions; found once per profile."""
    rows = _COMPARED.get(profile.id)
    if rows is None:
        rows = []
        for rule in profile.fields.rules:
            kind, _, table = rule.type.partition(":")
            if rule.canonical is not None and (kind in _EXACT_KINDS or kind == "code") and not _converted(profile, rule.canonical):
                rows.append((rule, kind, table, compile_path(rule.canonical)))
        rows = _COMPARED[profile.id] = tuple(rows)
    return rows


def _without_stale_unit(profile: Profile, data: dict[str, Any], patch: dict[str, Any], index: int,
                        report: TranslationReport) -> tuple[dict[str, Any], bool]:
    """The declared unit the PACT fields hold converted: our unit and amount are stale when
    writing them would not give the fields' unit and amount (a declaredUnitAmount edited, say)."""
    ours, theirs = patch.get("declared_unit"), data.get("declared_unit")
    if not isinstance(ours, dict) or not theirs or not {"unit", "amount"} & ours.keys() or {"unit", "amount"} - theirs.keys():
        return patch, False
    restored = merge_patch(theirs, ours)
    written = units.in_pact_terms(profile, restored) if _comparable_unit(restored) else None
    if written is None or written == (theirs["unit"], Decimal(theirs["amount"])):
        return patch, False
    for key in ("unit", "amount"):
        if key in ours:
            patch = compile_path(f"declared_unit/{key}").without(patch)
            report.dropped(f"extensions/{index}/data/canonical/declared_unit/{key}", f"declared_unit/{key}",
                           f"stale: the declared unit fields hold {theirs['amount']} {theirs['unit']}, which is read; our "
                           f"extension's {restored['amount']} {restored['unit']} was written for a document whose fields did not hold it")
    return patch, True


def _comparable_unit(du: Any) -> bool:
    """Whether a declared unit laid over from our extension holds what the model would take:
    a known unit and bounded decimal texts (the extension is the sender's text like any other).
    One that does not is left for the model to refuse by its path, not compared here."""
    known = codelists.units()
    if not isinstance(du, dict) or not isinstance(du.get("unit"), str) or du["unit"] not in known:
        return False
    mass = du.get("mass")
    amounts = [du.get("amount")]
    if mass is not None:
        if not isinstance(mass, dict) or not isinstance(mass.get("unit"), str) \
                or getattr(known.get(mass["unit"]), "dimension", None) != "mass":
            return False
        amounts.append(mass.get("amount"))
    for text in amounts:
        if not isinstance(text, str):
            return False
        try:
            read_number(text, ijson=False)
        except GatewayError:
            return False
    return True


def _same_code(codes: dict[str, str], restored: Any, theirs: Any) -> bool:
    """A coded value written as the field's code (codes may map several values to one); one
    the list has no code for is written in the extension alone, the field left out."""
    return isinstance(restored, str) and isinstance(theirs, str) and codes.get(restored) == codes.get(theirs)


def _converted(profile: Profile, path: str) -> bool:
    """Canonical values the writer converts on their way to PACT (units, per-unit results)."""
    return path.startswith("declared_unit/") or (profile.results_per_single_unit and path.startswith("results/"))


def _same_value(a: Any, b: Any) -> bool:
    """Equal, decimal texts by value (1.50 and 1.5): a spelling the writer keeps is no edit."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, str) and isinstance(b, str) and a != b:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return a == b


def pruned(patch: dict[str, Any]) -> dict[str, Any]:
    """The patch without the objects a removal left empty (an empty object would add one)."""
    out = {}
    for key, value in patch.items():
        if isinstance(value, dict) and value:
            value = pruned(value)
            if not value:
                continue
        out[key] = value
    return out


def split_extensions(native: dict[str, Any]) -> tuple[tuple[int, dict[str, Any]] | None, list[Any]]:
    """Our extension (index, entry) if present, and every other extension entry in order."""
    ours = None
    others = []
    for index, entry in enumerate(native.get("extensions", [])):
        if ours is None and isinstance(entry, dict) and entry.get("dataSchema") == EXTENSION_SCHEMA_URL:
            ours = (index, entry)
        else:
            others.append(entry)
    return ours, others


def report_entry(entry: dict[str, Any], index: int, report: TranslationReport) -> None:
    """Members of our extension's entry that writing it again spells as its own constants."""
    for key, written in (("specVersion", EXTENSION_SPEC_VERSION), ("documentation", EXTENSION_DOCS_URL)):
        value = entry.get(key)
        if value is not None and value != written:
            report.converted(f"extensions/{index}/{key}", None, f"our extension's {key} {value!r} is written {written!r}")
