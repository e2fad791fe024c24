"""Canonical declaration <-> Catena-X PCF in the flat 8.0.0 layout (``pcf_nesting`` reshapes it to 9.0.0).

The Catena-X aspect derives from PACT 3.0: per declared unit amount, the same result members,
the same URN identifiers and declared-unit rules. Those parts reuse the PACT mapping
(:mod:`mappings.pact.units`, :func:`mappings.pact.structure.id_to_urn`, :mod:`mappings.pact.carry`);
what differs (numbers, BPNL ids, string lists, the M49 region, the required Catena-X members)
is here and in ``fields_pcf_v8.toml``.
"""

from __future__ import annotations

import copy
import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from gateway.core.errors import MissingRequiredValue
from gateway.core.i18n import N_
from gateway.core.model import Declaration
from gateway.core.report import ReportEntry, TranslationReport
from mappings.base import TranslateOptions, declaration_of, unique
from mappings.catenax import pcf_nesting, regional
from mappings.catenax.pcf_nesting import REST_KEY
from mappings.fieldmap import ABSENT, FieldMap, compile_path, get, leaves
from mappings.pact import carry, units
from mappings.pact.profile import Profile
from mappings.pact.structure import CLASSIFICATION_URN, id_to_urn, urn_to_id

PACKAGE = "mappings.catenax"
NAMESPACE = "catenax-pcf"
_BPNL = re.compile(r"^BPNL[A-Za-z0-9]{12}$")
_BPNL_URNS = ("urn:bpn:id:", "urn:")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_UUID_URN = "urn:uuid:"
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(\.0+)?Z$")
DQR = ("technologicalDQR", "temporalDQR", "geographicalDQR")


@dataclass(frozen=True)
class Layout:
    """What one aspect version requires of the flat tree (the rest is the shared field table)."""

    id: str
    fields: FieldMap
    profile: Profile
    factor_sources_required: bool


def _profile(format_id: str, fields: FieldMap) -> Profile:
    """The declared-unit settings of PACT 3.0, which Catena-X keeps (CX-0136)."""
    return Profile(
        id=format_id, fields=fields, results_per_single_unit=False, mass_zero_units=("kWh", "MJ", "tkm"),
        gwp_lists=(), standards="", standards_used="", cpc="", verification="", verification_flag="",
        empty_when_absent=(), dqi="", dqi_required=(), dqr_max="",
    )


def layout(format_id: str, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> Layout:
    base = FieldMap.load(PACKAGE, "fields_pcf_v8.toml")
    rules = tuple(
        replace(r, required=True) if r.native in required else replace(r, required=False) if r.native in optional else r
        for r in base.rules
    )
    fields = replace(base, format_id=format_id, rules=rules)
    return Layout(format_id, fields, _profile(format_id, fields), "pcf/secondaryEmissionFactorSources" not in optional)


@cache
def m49() -> dict[str, str]:
    """ISO 3166-1 alpha-2 -> UN M49 sub-region."""
    data = tomllib.loads(resources.files(PACKAGE).joinpath("m49.toml").read_text("utf-8"))
    return {country: region for region, countries in data.items() for country in countries}


def _missing(layout: Layout, canonical: str, native: str) -> MissingRequiredValue:
    return MissingRequiredValue(
        N_("{id} requires {native}, but the declaration has no {canonical}", id=layout.id, native=native, canonical=canonical), path=canonical, target=native
    )


def _text_to_native(text: dict[str, str] | None) -> str | None:
    return (text.get("en") or text.get("zh")) if text else None


def _text_from_native(value: str) -> dict[str, str]:
    return {"zh": value} if _CJK.search(value) else {"en": value}


def _urn(layout: Layout, ident: dict[str, str]) -> str:
    """An identifier read as it stood (scheme ``urn``) is written back as it stood."""
    return ident["value"] if ident["scheme"] == "urn" else id_to_urn(layout.profile, ident)


def _company_urn(layout: Layout, ident: dict[str, str]) -> str:
    return "urn:" + ident["value"] if ident["scheme"] == "bpnl" else _urn(layout, ident)


def _company_id(layout: Layout, urn: str) -> dict[str, str]:
    for prefix in _BPNL_URNS:
        if urn.lower().startswith(prefix) and _BPNL.match(urn[len(prefix):]):
            return {"scheme": "bpnl", "value": urn[len(prefix):]}
    return urn_to_id(layout.profile, urn)


# -- canonical -> Catena-X -------------------------------------------------------------------


@dataclass(frozen=True)
class PcfMapping:
    """The family mapping (:class:`mappings.base.FamilyMapping`) of one io.catenax.pcf version;
    9.0.0 reads and writes the 8.0.0 layout through :mod:`mappings.catenax.pcf_nesting`."""

    layout: Layout
    nested: bool
    mapping_version: str

    def to_canonical(self, native: dict[str, Any], options: TranslateOptions, report: TranslationReport) -> Declaration:
        if not self.nested:
            return to_canonical(self.layout, native, report)
        start = len(report.entries)
        decl = to_canonical(self.layout, pcf_nesting.flatten(native), report)
        _renamed(report, start, source=True)
        return decl

    def from_canonical(self, decl: Declaration, options: TranslateOptions, report: TranslationReport, data: dict[str, Any]) -> dict[str, Any]:
        start = len(report.entries)
        native = from_canonical(self.layout, data, options, report, self.mapping_version, keep_rest=self.nested)
        if not self.nested:
            return native
        _renamed(report, start, source=False)
        return pcf_nesting.nest(native)


def _renamed(report: TranslationReport, start: int, *, source: bool) -> None:
    """The entries this leg added name 9.0.0 paths on the document's side, not 8.0.0 ones."""
    for index in range(start, len(report.entries)):
        e = report.entries[index]
        report.entries[index] = ReportEntry(
            e.kind, pcf_nesting.v9_path(e.source_path) if source else e.source_path,
            e.target_path if source else pcf_nesting.v9_path(e.target_path), e.detail,
        )


def from_canonical(
    layout: Layout, data: dict[str, Any], options: TranslateOptions, report: TranslationReport, mapping_version: str,
    *, keep_rest: bool,
) -> dict[str, Any]:
    """The flat tree of canonical ``data``; with ``keep_rest`` the kept 9.0.0-only sub-tree rides along under ``REST_KEY``."""
    leftovers = copy.deepcopy(data.get("extensions", {}).get(NAMESPACE, {}))
    rest = leftovers.pop(REST_KEY, None)
    if rest and not keep_rest:
        for path, _ in leaves(rest):
            report.dropped(f"extensions/{NAMESPACE}/{REST_KEY}/{path}", None, f"a 9.0.0 member {layout.id} has no place for")
    view = layout.fields.without_unknown_codes(units.to_pact(layout.profile, data, options, report))
    supplied = {path for path, _ in leaves(leftovers)}
    native, _ = layout.fields.to_native(view, report, allow_defaults=options.allow_defaults, supplied=supplied)
    _write_structure(layout, view, native, leftovers, report)
    carry.overlay(native, {k: v for k, v in leftovers.items() if k != "extensions"})
    if "extensions" in leftovers:
        native["extensions"] = copy.deepcopy(leftovers["extensions"])
    regional.carry_canonical(
        layout.id, NAMESPACE, data, native, lambda n: native_to_data(layout, n, TranslationReport())[0], options, report,
        mapping_version,
    )
    if rest and keep_rest:
        native[REST_KEY] = rest
    return native



def _write_structure(layout: Layout, data: dict[str, Any], native: dict[str, Any], leftovers: dict[str, Any], report: TranslationReport) -> None:
    org, product, method = data["organisation"], data["product"], data.get("method", {})
    native["companyName"] = _text_to_native(org["name"])
    company = [i for i in org.get("ids", []) if i["scheme"] == "bpnl" and _BPNL.match(i["value"])]
    if not company:
        raise MissingRequiredValue(
            N_("{id} requires a BPNL in companyIds (CX-0136), but the declaration has no organisation id of scheme bpnl "
            "(BPNL followed by 12 letters or digits)", id=layout.id),
            path="organisation/ids[scheme=bpnl]", target="companyIds",
        )
    native["companyIds"] = unique([_company_urn(layout, i) for i in org["ids"]])
    native["productNameCompany"] = _text_to_native(product["name"])
    description = _text_to_native(product.get("description"))
    if description:
        native["productDescription"] = description
    ids = unique([_urn(layout, i) for i in product.get("ids", [])])
    if not ids:
        raise _missing(layout, "product/ids", "productIds")
    native["productIds"] = ids
    classifications = unique([
        f"{CLASSIFICATION_URN}{i['scheme']}:{i['code']}" if i["scheme"] != "urn" else i["code"]
        for i in product.get("classifications", [])
    ])
    if classifications:
        native["productClassifications"] = classifications
    if data.get("preceding_ids"):
        native["precedingPfIds"] = [{"id": i} for i in unique(data["preceding_ids"])]
    pcf = native.setdefault("pcf", {})
    standards = unique(method.get("standards", []))
    if not standards:
        raise _missing(layout, "method/standards", "pcf/crossSectoralStandards")
    pcf["crossSectoralStandards"] = standards
    pcf["productOrSectorSpecificRules"] = unique([r["name"] for r in method.get("product_rules", [])])
    sources = unique([f"{s['database']} {s['version']}" if s.get("version") else s["database"]
                       for s in data.get("data_quality", {}).get("factor_sources", [])])
    if sources:
        pcf["secondaryEmissionFactorSources"] = sources
    elif layout.factor_sources_required and get(leftovers, "pcf/secondaryEmissionFactorSources") is ABSENT:
        raise _missing(layout, "data_quality/factor_sources", "pcf/secondaryEmissionFactorSources")
    _write_geography(layout, method.get("geography"), pcf, leftovers, report)
    rating = pcf.get("dataQualityRating", {})
    for key in [k for k, v in rating.items() if not Decimal(1) <= Decimal(v) <= Decimal(5)]:
        del rating[key]
    if "dataQualityRating" in pcf and not rating:
        del pcf["dataQualityRating"]


def _write_geography(layout: Layout, geography: str | None, pcf: dict[str, Any], leftovers: dict[str, Any], report: TranslationReport) -> None:
    regions = layout.fields.codes["region"]
    region = None
    if geography and _COUNTRY.match(geography):
        pcf["geographyCountry"] = geography
        region = m49().get(geography)
    elif geography and _SUBDIVISION.match(geography):
        pcf["geographyCountrySubdivision"] = geography
        region = m49().get(geography[:2])
    elif geography in regions:
        pcf["geographyRegionOrSubregion"] = geography
        return
    if region is not None:
        pcf["geographyRegionOrSubregion"] = region
        report.converted("method/geography", "pcf/geographyRegionOrSubregion",
                         f"UN M49 sub-region of {geography[:2]}: {region}")
    elif get(leftovers, "pcf/geographyRegionOrSubregion") is ABSENT:
        raise MissingRequiredValue(
            N_("{id} requires pcf/geographyRegionOrSubregion, but method/geography ({geography!r}) is no ISO 3166 "
            "country, subdivision or UN M49 region name", id=layout.id, geography=geography),
            path="method/geography", target="pcf/geographyRegionOrSubregion",
        )


# -- Catena-X -> canonical -------------------------------------------------------------------


def native_to_data(layout: Layout, native: dict[str, Any], report: TranslationReport) -> tuple[dict[str, Any], set[str]]:
    """Canonical data from the Catena-X members alone (no extensions), and the native paths read.

    ``native`` is only read: the view the rows read is a copy of what it changes (the top
    level, the objects along a member left out), and the data holds no object of it (the rows
    hold scalars; the structure builds its own lists)."""
    view = {k: v for k, v in native.items() if k != "extensions"}
    consumed: set[str] = set()
    if isinstance(view.get("id"), str) and view["id"].lower().startswith(_UUID_URN):
        view["id"] = view["id"][len(_UUID_URN):]
        report.converted("id", "id", f"the {_UUID_URN} prefix is dropped: the canonical id is the UUID itself")
    view = _unknown_codes_stay_native(layout.fields, view)
    data, read = layout.fields.to_canonical(view, report)
    consumed |= read
    _read_structure(layout, view, data, consumed, report)
    units.from_pact(layout.profile, data)
    return data, consumed


def _unknown_codes_stay_native(fields: FieldMap, view: dict[str, Any]) -> dict[str, Any]:
    """``view`` less each coded member whose code the table does not know (it stays native)."""
    for rule in fields.rules:
        kind, _, table = rule.type.partition(":")
        if kind != "code":
            continue
        value = get(view, rule.native)
        if value is not ABSENT and value not in fields.codes[table].values():
            view = compile_path(rule.native).without(view)
    return view


def _read_structure(layout: Layout, native: dict[str, Any], data: dict[str, Any], consumed: set[str], report: TranslationReport) -> None:
    org = data.setdefault("organisation", {})
    product = data.setdefault("product", {})
    for key, target, name in (("companyName", org, "name"), ("productNameCompany", product, "name"), ("productDescription", product, "description")):
        if isinstance(native.get(key), str) and native[key]:
            target[name] = _text_from_native(native[key])
            consumed.add(key)
    if native.get("companyIds"):
        org["ids"] = [_company_id(layout, u) for u in native["companyIds"]]
        consumed.add("companyIds")
        for index, urn in enumerate(native["companyIds"]):
            if urn.lower().startswith(_BPNL_URNS[0]) and org["ids"][index]["scheme"] == "bpnl":
                report.converted(f"companyIds/{index}", "organisation/ids", f"BPNL {urn!r} is written back in the form CX-0136 shows (urn:BPNL...)")
    if native.get("productIds"):
        product["ids"] = [urn_to_id(layout.profile, u) for u in native["productIds"]]
        consumed.add("productIds")
    items = []
    for urn in native.get("productClassifications", []):
        if urn.lower().startswith(CLASSIFICATION_URN):
            scheme, _, code = urn[len(CLASSIFICATION_URN):].partition(":")
            items.append({"scheme": scheme, "code": code})
        else:
            items.append({"scheme": "urn", "code": urn})
    if items:
        product["classifications"] = items
        consumed.add("productClassifications")
    preceding = native.get("precedingPfIds")
    if preceding and all(isinstance(p, dict) and set(p) == {"id"} for p in preceding):
        data["preceding_ids"] = [p["id"][len(_UUID_URN):] if p["id"].lower().startswith(_UUID_URN) else p["id"] for p in preceding]
        consumed.add("precedingPfIds")
    pcf = native.get("pcf", {})
    method = data.setdefault("method", {})
    if pcf.get("crossSectoralStandards"):
        method["standards"] = unique(pcf["crossSectoralStandards"])
        consumed.add("pcf/crossSectoralStandards")
    if isinstance(pcf.get("productOrSectorSpecificRules"), list):
        if pcf["productOrSectorSpecificRules"]:
            method["product_rules"] = [{"name": n} for n in pcf["productOrSectorSpecificRules"]]
        consumed.add("pcf/productOrSectorSpecificRules")
    if pcf.get("secondaryEmissionFactorSources"):
        data.setdefault("data_quality", {})["factor_sources"] = [{"database": s} for s in pcf["secondaryEmissionFactorSources"]]
        consumed.add("pcf/secondaryEmissionFactorSources")
    _read_geography(layout, pcf, method, consumed)
    _read_attestation(native, data, report)
    _report_spellings(layout, native, data, report)
    for section in ("method", "data_quality"):
        if not data.get(section):
            data.pop(section, None)


def _report_spellings(layout: Layout, native: dict[str, Any], data: dict[str, Any], report: TranslationReport) -> None:
    """What reading keeps but writing spells otherwise, each reported: another specVersion (this
    one is written), an identifier URN in another spelling (``URN:uuid:``, a prefix in capitals:
    the same URN, RFC 8141), a UUID in capitals (the same UUID, RFC 9562)."""
    version = native.get("specVersion")
    written = next((r.default for r in layout.fields.rules if r.native == "specVersion"), None)
    if version != written:
        report.converted("specVersion", None, f"{version} is read as {layout.id}; {written} is written")
    read_id = native.get("id")
    if isinstance(read_id, str) and read_id != read_id.lower():
        report.converted("id", "id", f"{read_id!r} is written in lower case, the same UUID")
    ids = data.get("organisation", {}).get("ids", [])
    for index, urn in enumerate(native.get("companyIds") or ()):
        again = _company_urn(layout, ids[index])
        if again != urn and not (urn.lower().startswith(_BPNL_URNS[0]) and ids[index]["scheme"] == "bpnl"):
            report.converted(f"companyIds/{index}", "organisation/ids", f"{urn!r} is written {again!r}, the same URN")
    product = data.get("product", {})
    spelled = [("productIds", [_urn(layout, i) for i in product.get("ids", [])])]
    spelled.append(("productClassifications", [f"{CLASSIFICATION_URN}{i['scheme']}:{i['code']}" if i["scheme"] != "urn" else i["code"]
                                               for i in product.get("classifications", [])]))
    for key, again_all in spelled:
        for index, (urn, again) in enumerate(zip(native.get(key) or (), again_all)):
            if again != urn:
                report.converted(f"{key}/{index}", None, f"{urn!r} is written {again!r}, the same URN")
    if "preceding_ids" in data:
        for index, (entry, again) in enumerate(zip(native["precedingPfIds"], data["preceding_ids"])):
            if entry["id"] != again.lower():
                report.converted(f"precedingPfIds/{index}/id", f"preceding_ids/{index}",
                                 f"{entry['id']!r} is written {again.lower()!r}, the same UUID")


def _read_attestation(native: dict[str, Any], data: dict[str, Any], report: TranslationReport) -> None:
    """One third-party attestation is the canonical verification (a recognition policy asks for
    one); the entry also stays native, since an entry needs members the model has no field for."""
    entries = native.get("attestationOfConformance")
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
        return
    entry = entries[0]
    if "3rd party" not in str(entry.get("attestationType", "")).lower() or not entry.get("providerName"):
        return
    verification = {"verifier": entry["providerName"]}
    for key, target in (("providerId", "verifier_id"), ("attestationStandard", "standard")):
        if entry.get(key):
            verification[target] = entry[key]
    midnight = _MIDNIGHT.match(str(entry.get("completedAt", "")))
    if midnight:
        verification["date"] = midnight[1]
    data["verification"] = verification
    report.converted("attestationOfConformance/0", "verification",
                     "a third-party attestation of conformance read as the verification; the entry is also kept as it is")


def _read_geography(layout: Layout, pcf: dict[str, Any], method: dict[str, Any], consumed: set[str]) -> None:
    region = pcf.get("geographyRegionOrSubregion")
    for key in ("geographyCountrySubdivision", "geographyCountry"):
        value = pcf.get(key)
        if value:
            method["geography"] = value
            consumed.add(f"pcf/{key}")
            if region is not None and m49().get(value[:2]) == region:
                consumed.add("pcf/geographyRegionOrSubregion")
            return
    if region in layout.fields.codes["region"]:
        method["geography"] = region
        consumed.add("pcf/geographyRegionOrSubregion")


def to_canonical(layout: Layout, native: dict[str, Any], report: TranslationReport) -> Declaration:
    data, consumed = native_to_data(layout, native, report)
    data, others = regional.apply_extension(native, data)
    leftovers = carry.prune({k: v for k, v in native.items() if k != "extensions"}, consumed)
    if others:
        leftovers["extensions"] = copy.deepcopy(others)
    if leftovers:
        carry.overlay(data.setdefault("extensions", {}).setdefault(NAMESPACE, {}), leftovers)
        for path, _ in leaves(leftovers):
            report.converted(path, f"extensions/{NAMESPACE}/{path}", "no canonical field; kept as a native Catena-X member")
    return declaration_of(layout.id, data)
