"""Canonical declaration <-> PACT ProductFootprint, for one version profile."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from gateway.core.jsonpatch import merge_patch_sharing
from gateway.core.model import Declaration
from gateway.core.report import EntryKind, ReportEntry, TranslationReport
from mappings.base import TranslateOptions, declaration_of
from mappings.fieldmap import get, leaves, put
from mappings.pact import carry, structure, units
from mappings.pact.given import given_back
from mappings.pact.profile import Profile, renames

PACT_NAMESPACES = ("pact-v2", "pact-v3")
_entry = tuple.__new__  # a ReportEntry (a named tuple) from its fields, without its __new__: one per carried leaf
OMIT_OPTION = "pact_extension"


@dataclass(frozen=True)
class ProfileMapping:
    """The family mapping (:class:`mappings.base.FamilyMapping`) of one PACT version."""

    profile: Profile
    mapping_version: str

    def to_canonical(self, native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
        return to_canonical(self.profile, native, report)

    def from_canonical(self, decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
        return from_canonical(self.profile, data, options, report, self.mapping_version)


# -- canonical -> PACT -----------------------------------------------------------------------


def from_canonical(
    profile: Profile, data: dict[str, Any], options: TranslateOptions, report: TranslationReport, mapping_version: str,
) -> dict[str, Any]:
    """The PACT document of canonical ``data`` (a declaration's data form)."""
    if data.get("method", {}).get("boundary") == "cradle-to-grave":
        report.unrepresentable(
            "method/boundary", "pcf",
            "PACT footprints are cradle-to-gate; the cradle-to-grave values are written as declared",
        )
    native, back = write_fields(profile, data, options, report)
    _carry_canonical(profile, data, back, native, options, report, mapping_version)
    return _ordered(native)


def write_fields(
    profile: Profile, data: dict[str, Any], options: TranslateOptions, report: TranslationReport,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PACT document of canonical ``data`` without our extension, and the canonical data its
    fields give back (what :func:`native_to_data` reads from them)."""
    leftovers = _native_leftovers(profile, data.get("extensions", {}), report)
    structure.settle(profile, data, leftovers, report)
    supplied = {p for p, _ in leaves(leftovers)} | _prefixes(leftovers)
    view = profile.fields.without_unknown_codes(units.to_pact(profile, data, options, report))
    native, _ = profile.fields.to_native(view, report, allow_defaults=options.allow_defaults, supplied=supplied)
    given = structure.write(profile, view, native, supplied)
    laid = structure.overlay(profile, data, native, leftovers, report)
    # What the fields give back is known from what was written, unless native fields the sender
    # carried were laid over fields the reader reads: what those give back is the reader's to say.
    if structure.reads_any(profile, laid):
        return native, native_to_data(profile, native, TranslationReport())[0]
    return native, given_back(profile, view, given, supplied)


def _prefixes(tree: dict[str, Any], prefix: str = "") -> set[str]:
    out = set()
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        out.add(path)
        if isinstance(value, dict):
            out |= _prefixes(value, path)
    return out



def _native_leftovers(profile: Profile, extensions: dict[str, Any], report: TranslationReport) -> dict[str, Any]:
    """Native PACT fields carried in the declaration: the same version's as they are, the
    other version's renamed where this version has the field, else reported dropped."""
    # A copy (settle adds to it), of the namespace only, and only when there is one.
    own = extensions.get(profile.id)
    leftovers = copy.deepcopy(own) if own else {}
    for other in PACT_NAMESPACES:
        if other == profile.id or other not in extensions:
            continue
        table = renames() if other == "pact-v2" else {v: k for k, v in renames().items()}
        for path, value in structure.native_leaves(extensions[other]):
            target = _rename(path, table)
            if target.split("/")[0] == "extensions" or target in profile.known_paths:
                if target == "extensions":
                    leftovers.setdefault("extensions", []).extend(copy.deepcopy(value))
                else:
                    put(leftovers, target, copy.deepcopy(value))
            else:
                report.dropped(f"extensions/{other}/{path}", None, f"{profile.id} has no field for {other} {path}")
    return leftovers


def _rename(path: str, table: dict[str, str]) -> str:
    for old, new in table.items():
        if path == old or path.startswith(old + "/"):
            return new + path[len(old):]
    return path


def _carry_canonical(
    profile: Profile, data: dict[str, Any], back: dict[str, Any], native: dict[str, Any], options: TranslateOptions,
    report: TranslationReport, mapping_version: str,
) -> None:
    """Carry, in our extension, whatever the PACT fields alone would not give back (``back``)."""
    patch, carried = carry.carried_leaves(_without_pact_namespaces(data), _without_pact_namespaces(back), back)
    if not patch:
        return
    # One entry per carried leaf (about thirty a document): the entries made here directly, in a
    # list comprehension (a generator would resume its frame per entry), their texts once per document.
    if options.extra.get(OMIT_OPTION) == "omit":
        why = f"{profile.id} has no field for it and the option {OMIT_OPTION}=omit refuses the extension"
        report.entries.extend([_entry(ReportEntry, (EntryKind.DROPPED, path, None, why)) for path, _, _ in carried])
    else:
        head = f"extensions/{len(native.get('extensions', []))}/data/canonical/"
        derived = "carried in extension (the declaration has no value; the PACT field holds a derived one)"
        converted = "carried in extension (original value; the PACT field holds it converted)"
        absent = f"carried in extension ({profile.id} has no field for it)"
        kind = EntryKind.CONVERTED
        report.entries.extend([
            _entry(ReportEntry, (kind, path, head + path, derived if value is None else converted if in_pact else absent))
            for path, value, in_pact in carried])
        native.setdefault("extensions", []).append(carry.extension_entry(patch, mapping_version))


def _without_pact_namespaces(data: dict[str, Any]) -> dict[str, Any]:
    if "extensions" not in data:
        return data  # the diff only reads it: no copy needed when there is nothing to take out
    out = dict(data)
    extensions = {k: v for k, v in data.get("extensions", {}).items() if k not in PACT_NAMESPACES}
    if extensions:
        out["extensions"] = extensions
    else:
        out.pop("extensions", None)
    return out


_ORDER = ("id", "specVersion", "precedingPfIds", "version", "created", "updated", "status", "statusComment",
          "validityPeriodStart", "validityPeriodEnd", "companyName", "companyIds", "productDescription", "productIds",
          "productClassifications", "productCategoryCpc", "productNameCompany", "comment", "pcf", "extensions")


def _ordered(native: dict[str, Any]) -> dict[str, Any]:
    """Members in the specification's order, for documents people read."""
    out = {k: native[k] for k in _ORDER if k in native}
    if len(out) < len(native):  # members the specification does not list (rare) go last
        out.update({k: v for k, v in native.items() if k not in out})
    return out


# -- PACT -> canonical -----------------------------------------------------------------------


def native_to_data(profile: Profile, native: dict[str, Any], report: TranslationReport) -> tuple[dict[str, Any], set[str]]:
    """Canonical data from the PACT fields alone (no extensions), and the native paths read."""
    view = {k: v for k, v in native.items() if k != "extensions"}
    view["pcf"] = dict(view.get("pcf", {}))
    consumed: set[str] = set()
    for path in profile.empty_when_absent:
        if get(view, path) == "":
            parent, _, key = path.rpartition("/")
            (get(view, parent) if parent else view).pop(key)
            consumed.add(path)
    if not structure.verification_readable(profile, view):
        view["pcf"].pop(profile.verification.rpartition("/")[2], None)
    data, read = profile.fields.to_canonical(view, report)
    consumed |= read
    structure.drop_unrated(profile, data, report)
    structure.read(profile, view, data, consumed)
    units.from_pact(profile, data)
    return data, consumed


def to_canonical(profile: Profile, native: dict[str, Any], report: TranslationReport) -> Declaration:
    data, consumed = native_to_data(profile, native, report)
    structure.report_read(profile, native, report)
    ours, others = carry.split_extensions(native)
    leftovers = carry.prune({k: v for k, v in native.items() if k != "extensions"}, consumed)
    if others:
        leftovers["extensions"] = copy.deepcopy(others)
    if ours is not None:
        index, entry = ours
        carry.check_extension_data(entry.get("data"), f"/extensions/{index}")
        carry.report_entry(entry, index, report)
        patch = structure.without_stale(profile, native, entry["data"]["canonical"], index, report)
        data = merge_patch_sharing(data, carry.without_stale(profile, data, patch, index, report))
    if "version" not in data:
        data["version"] = 0
        report.defaulted(None, "version", f"{profile.id} has no version; 0 used")
    if leftovers:
        data.setdefault("extensions", {})[profile.id] = leftovers
        for path, _ in structure.native_leaves(leftovers):
            report.converted(path, f"extensions/{profile.id}/{path}", "no canonical field; kept as a native PACT field")
    return declaration_of(profile.id, data)
