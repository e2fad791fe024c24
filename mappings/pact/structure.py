"""The structural parts of the PACT mapping: lists, URNs, names, geography, verification.

Each ``write_*`` fills the native tree from canonical data (already in PACT units); each
``read_*`` fills canonical data from the native tree and records the native paths it
consumed, so ``carry.prune`` can keep whatever nothing read.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import cache
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

from gateway.core.errors import MissingRequiredValue, Unrepresentable
from gateway.core.i18n import N_
from gateway.core.report import TranslationReport
from mappings.base import unique
from mappings.fieldmap import ABSENT, compile_path, get, put
from mappings.pact import carry
from mappings.pact.given import Given
from mappings.pact.profile import Profile, document_validator, leftover_origin

GENERIC_ID_URN = "urn:jjj:id:"
CLASSIFICATION_URN = "urn:pact:productclassification:"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
_URN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$", re.IGNORECASE)
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")  # what urllib's quote leaves as it is
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00Z$")
GEOGRAPHY = ("geographyCountry", "geographyCountrySubdivision", "geographyRegionOrSubregion")
_ONE = Decimal(1)


def _missing(profile: Profile, canonical: str, native: str, supplied: set[str]) -> None:
    if native not in supplied:
        raise MissingRequiredValue(
            N_("{id} requires {native}, but the declaration has no {canonical}", id=profile.id, native=native, canonical=canonical), path=canonical, target=native
        )


# -- names -----------------------------------------------------------------------------------


def _text_to_native(text: dict[str, str] | None) -> str | None:
    if not text:
        return None
    return text.get("en") or text.get("zh")


def _text_from_native(value: str) -> dict[str, str]:
    return {"zh": value} if _CJK.search(value) else {"en": value}


# -- identifiers -----------------------------------------------------------------------------


def id_to_urn(profile: Profile, ident: dict[str, str]) -> str:
    scheme, value = ident["scheme"], ident["value"]
    if scheme == "urn" and _URN.match(value):
        return value
    prefix = profile.codes["id_urn"].get(scheme)
    if prefix:
        return prefix + _quoted(value)
    return f"{GENERIC_ID_URN}{_quoted(scheme)}:{_quoted(value)}"


def _quoted(text: str) -> str:
    """``quote(text, safe="")``; a text of the characters it never escapes is its own quote
    (most identifiers), found by one match instead of a quoting pass."""
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def urn_to_id(profile: Profile, urn: str) -> dict[str, str]:
    lower = urn.lower()
    if not lower.startswith(profile.id_prefixes) and not lower.startswith(GENERIC_ID_URN):
        return {"scheme": "urn", "value": urn}  # what the tests below find, by one
    for scheme, prefix in profile.codes["id_urn"].items():
        if lower.startswith(prefix):
            return {"scheme": scheme, "value": unquote(urn[len(prefix):])}
    if lower.startswith(GENERIC_ID_URN):
        scheme, _, value = urn[len(GENERIC_ID_URN):].partition(":")
        return {"scheme": unquote(scheme), "value": unquote(value)}
    return {"scheme": "urn", "value": urn}


# -- canonical -> native ---------------------------------------------------------------------


def write(profile: Profile, data: dict[str, Any], native: dict[str, Any], supplied: set[str]) -> Given:
    """Fill the structural fields; ``supplied`` are native paths carried native leftovers will set.
    Returns what the reader takes back of them (:mod:`mappings.pact.given`)."""
    given = Given()
    org, product, method = data["organisation"], data["product"], data.get("method", {})
    native["companyName"] = name = _text_to_native(org["name"])
    if isinstance(name, str):
        given.company_name = _text_from_native(name)
    ids, given.company_ids = _write_ids(profile, org.get("ids", []))
    if ids:
        native["companyIds"] = ids
    else:
        _missing(profile, "organisation/ids", "companyIds", supplied)
    native["productNameCompany"] = name = _text_to_native(product["name"])
    if isinstance(name, str):
        given.product_name = _text_from_native(name)
    description = _text_to_native(product.get("description"))
    if description is not None:
        native["productDescription"] = description
        if description:
            given.description = _text_from_native(description)
    ids, given.product_ids = _write_ids(profile, product.get("ids", []))
    if ids:
        native["productIds"] = ids
    else:
        _missing(profile, "product/ids", "productIds", supplied)
    given.classifications = _write_classifications(profile, product.get("classifications", []), native, supplied)
    if data.get("preceding_ids"):
        native["precedingPfIds"] = list(dict.fromkeys(data["preceding_ids"]))  # texts: unique() by hash alone
        given.preceding_ids = list(native["precedingPfIds"])
    pcf = native.setdefault("pcf", {})
    given.gwp_set = _write_gwp(profile, method.get("gwp_set"), native, supplied)
    given.standards = _write_standards(profile, method.get("standards", []), native, supplied)
    rules = _rules_to_native(profile, method.get("product_rules", []))
    if rules:
        pcf["productOrSectorSpecificRules"] = rules
        given.product_rules = _rules_from_native(profile, rules)
    given.geography = _write_geography(profile, method.get("geography"), pcf)
    # unique() of {name, version} objects, keyed by the two texts that make them equal
    kept: dict[tuple[str, str], dict[str, str]] = {}
    for s in data.get("data_quality", {}).get("factor_sources", []):
        if s.get("version"):
            kept.setdefault((s["database"], s["version"]), {"name": s["database"], "version": s["version"]})
    sources = list(kept.values())
    if sources:
        pcf["secondaryEmissionFactorSources"] = sources
        given.factor_sources = [{"database": s["name"], "version": s["version"]} for s in sources]
    pcf["packagingEmissionsIncluded"] = "packagingGhgEmissions" in pcf
    completed = _write_verification(profile, data.get("verification"), native)
    given.verification_readable = verification_readable(profile, native)
    if given.verification_readable and completed is not None and (match := _MIDNIGHT.match(completed)):
        given.verification_date = match[1]
    given.dqi_kept = _complete_dqi(profile, native)
    for path in profile.empty_when_absent:
        if get(native, path) is ABSENT:
            put(native, path, "")
    return given


def _write_ids(profile: Profile, idents: list[dict[str, str]]) -> tuple[list[str], list[dict[str, str]]]:
    """The URNs of ``idents`` without repeats, and the identifiers the reader takes them back as."""
    written: dict[str, dict[str, str]] = {}  # URN -> identifier read back, first occurrence kept
    distinct = _prefixes_distinct(profile.id_prefixes)
    for ident in idents:
        urn = id_to_urn(profile, ident)
        if urn not in written:
            # A URN written as it is is read by whatever prefix it has. One written as a prefix
            # and the percent-encoded value (no ':' left in it) is read by the same prefix again,
            # the tables' prefixes being distinct, and the same value decoded.
            written[urn] = urn_to_id(profile, urn) if urn == ident["value"] or not distinct else \
                {"scheme": ident["scheme"], "value": ident["value"]}
    return list(written), list(written.values())


@cache
def _prefixes_distinct(id_prefixes: tuple[str, ...]) -> bool:
    """Whether a URN of an identifier's prefix is read by that prefix alone: every prefix in
    lower case, ending in ':', none the start of another (the generic one included). Found
    once per table of prefixes (asked for every list of identifiers written)."""
    prefixes = (*id_prefixes, GENERIC_ID_URN)
    return all(p == p.lower() and p.endswith(":") for p in prefixes) and not any(
        a != b and b.startswith(a) for a in prefixes for b in prefixes)


def _classification_urn(item: dict[str, str]) -> str:
    if item["scheme"] == "urn" and _URN.match(item["code"]):
        return item["code"]
    return f"{CLASSIFICATION_URN}{_quoted(item['scheme'])}:{_quoted(item['code'])}"


def _write_classifications(profile: Profile, items: list[dict[str, str]], native: dict[str, Any],
                           supplied: set[str]) -> list[dict[str, str]]:
    """Write the classification URNs (and 2.3's CPC code); returns the classifications the
    reader takes back."""
    written: dict[str, dict[str, str]] = {}  # URN -> classification read back, first occurrence kept
    for item in items:
        urn = _classification_urn(item)
        if urn not in written:
            # a URN written as it is is read by its own prefix; ours gives the same item back
            written[urn] = _classification(urn) if urn == item["code"] else {"scheme": item["scheme"], "code": item["code"]}
    if written:
        native["productClassifications"] = list(written)
    back = list(written.values())
    if profile.cpc:
        cpc = next((i["code"] for i in items if i["scheme"] == "un-cpc"), None)
        if cpc:
            native[profile.cpc] = cpc
            if not any(i["scheme"] == "un-cpc" for i in back):
                back.append({"scheme": "un-cpc", "code": cpc})
        else:
            _missing(profile, "product/classifications[scheme=un-cpc]/code", profile.cpc, supplied)
    return back


def _write_gwp(profile: Profile, gwp: str | None, native: dict[str, Any], supplied: set[str]) -> str | None:
    """Write the GWP lists; returns the set the reader takes back from them."""
    back = None
    for path in profile.gwp_lists:
        if gwp:
            code = profile.codes["gwp"][gwp]
            put(native, path, [code])
            back = back or profile.reverse_codes["gwp"].get(code)
        else:
            _missing(profile, "method/gwp_set", path, supplied)
    return back


def _write_standards(profile: Profile, standards: list[str], native: dict[str, Any], supplied: set[str]) -> list[str]:
    """Write the standards lists; returns the standards the reader takes back from them."""
    back: list[str] = []
    for path, table in ((profile.standards, "standard"), (profile.standards_used, "standard_used")):
        if not path:
            continue
        # codes are texts: unique() by hash alone
        known = profile.codes[table]
        codes = list(dict.fromkeys([known[s] for s in standards if s in known]))
        if not codes and table == "standard_used":
            basis = profile.codes["standard_used_basis"]
            codes = list(dict.fromkeys([basis[s] for s in standards if s in basis]))
        if codes:
            put(native, path, codes)
            reverse = profile.reverse_codes[table]
            back += [reverse.get(v, v) for v in codes]
        elif path == profile.standards_used or not profile.standards_used:
            if standards and path not in supplied:
                known = ", ".join(profile.codes[table].values())
                raise Unrepresentable(
                    N_("{id} requires {target} ({known}), and none of the declaration's standards ({standards}) has a "
                       "{id} value there or builds on one; add one with --set method/standards/-=STANDARD",
                       id=profile.id, target=path, known=known, standards=", ".join(standards)),
                    path="method/standards", target=path,
                )
            _missing(profile, "method/standards", path, supplied)
    return list(dict.fromkeys(back))


def report_standards(profile: Profile, standards: list[str], report: TranslationReport) -> None:
    """Standards written through the standard they build on (2.3's deprecated list has three values)."""
    if not profile.standards_used or any(s in profile.codes["standard_used"] for s in standards):
        return
    for i, standard in enumerate(standards):
        basis = profile.codes["standard_used_basis"].get(standard)
        if basis:
            report.defaulted(f"method/standards/{i}", profile.standards_used,
                             f"{profile.id} {profile.standards_used} has no value for {standard}; written as {basis!r}, "
                             "the standard it builds on (the declaration's standards travel in the extension)")


# -- leftovers of the other version ------------------------------------------------------------


def settle(profile: Profile, data: dict[str, Any], leftovers: dict[str, Any], report: TranslationReport) -> None:
    """Before writing: the characterization factor 2.3 still requires, from a 3.0 list of
    several, and the standards 2.3 writes through the standard they build on, reported."""
    _earliest_gwp(profile, data, leftovers, report)
    report_standards(profile, data.get("method", {}).get("standards", []), report)


def overlay(
    profile: Profile, data: dict[str, Any], native: dict[str, Any], leftovers: dict[str, Any], report: TranslationReport,
) -> list[str]:
    """Lay the carried native fields over the document (:func:`mappings.pact.carry.overlay`);
    each one this version's schema rejects there (another version's member under a shared name,
    say) is taken back, the mapped value restored, and reported dropped, so a leftover never
    blocks the output. What remains invalid is the mapping's own, refused by the writer naming it.
    Returns the paths laid and kept."""
    if not leftovers:
        return []
    carried = [path for path, _ in native_leaves(leftovers)]
    # What the overlay replaces, kept to restore: the values at the carried paths only.
    before = {path: copy.deepcopy(value) for path in carried if (value := get(native, path)) is not ABSENT}
    carry.overlay(native, leftovers)
    validator = document_validator(profile.id)
    for _ in range(len(carried)):
        errors = [(_path(e.instance_path), e.message) for e in validator.iter_errors(native)]
        culprits = _culprits(native, carried, errors)
        if not culprits:
            return carried
        for path, why in culprits.items():
            value = get(native, path)
            if path in before:
                put(native, path, before[path])
            else:
                _remove(native, path)
            report.dropped(leftover_origin(profile, data, path), path,
                           f"{profile.id} cannot hold the carried value {value!r:.60} there: {why}")
        carried = [path for path in carried if path not in culprits]
    return carried


def _culprits(native: dict[str, Any], carried: list[str], errors: list[tuple[str, str]]) -> dict[str, str]:
    """The carried paths still in ``native`` at, above or below an error's path, each with the
    last such error's message, in the order of the errors and then of ``carried``. Found through
    an index of ``carried`` and of the objects above each, so each error costs its own matches."""
    index = {path: n for n, path in enumerate(carried)}
    below: dict[str, list[str]] = {}  # an object's path -> the carried paths under it
    for path in carried:
        parts = path.split("/")
        for n in range(1, len(parts)):
            below.setdefault("/".join(parts[:n]), []).append(path)
    out: dict[str, str] = {}
    for where, why in errors:
        parts = where.split("/")
        above = ["/".join(parts[:n]) for n in range(1, len(parts))]
        found = {p for p in (where, *above) if p in index} | set(below.get(where, ()))
        for path in sorted(found, key=index.__getitem__):
            if get(native, path) is not ABSENT:
                out[path] = why
    return out


def _path(instance_path: Any) -> str:
    return "/".join(str(p) for p in instance_path)


def _remove(tree: dict[str, Any], path: str) -> None:
    """Delete ``path`` and any object it leaves empty."""
    parent, _, key = path.rpartition("/")
    holder = get(tree, parent) if parent else tree
    del holder[key]
    if parent and not holder:
        _remove(tree, parent)


# The native objects whose members are fields of their own; any other object is one value.
_DESCRIBED_OBJECTS = ("pcf", "pcf/dqi", "pcf/assurance", "pcf/verification")


def native_leaves(tree: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Leaf paths of a native (sub-)tree, descending only into objects our schema describes."""
    out = []
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict) and path in _DESCRIBED_OBJECTS:
            out += native_leaves(value, path)
        else:
            out.append((path, value))
    return out


def _earliest_gwp(profile: Profile, data: dict[str, Any], leftovers: dict[str, Any], report: TranslationReport) -> None:
    """Tech Specs 2.3 characterizationFactors: "in case several characterization factors are
    used, indicate the earliest version used"; the list itself goes to the sources list."""
    target = profile.fields_native("method/gwp_set")
    if not target or target in profile.gwp_lists or data.get("method", {}).get("gwp_set") or get(leftovers, target) is not ABSENT:
        return
    sets = next((v for v in (get(leftovers, p) for p in profile.gwp_lists) if isinstance(v, list) and v), None)
    if sets is None:
        return
    source = leftover_origin(profile, data, profile.gwp_lists[0])
    earliest = min(sets, key=lambda s: int(s[2:]) if s[2:].isdigit() else 0)
    if earliest not in profile.codes["gwp"].values():
        raise Unrepresentable(
            N_("{id} {target} must be one of {known} and name the earliest GWP set used; the earliest of {sets} is {earliest}",
               id=profile.id, target=target, known=", ".join(profile.codes["gwp"].values()), sets=", ".join(sets),
               earliest=earliest),
            path=source, target=target,
        )
    put(leftovers, target, earliest)
    report.converted(source, target, f"the earliest of the GWP sets {', '.join(sets)} (Tech Specs 2.3: with several "
                                     "characterization factors, the earliest version used)")


def _rules_to_native(profile: Profile, rules: list[dict[str, str]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str | None], dict[str, None]] = {}  # names as an ordered set
    for rule in rules:
        operator = rule.get("operator")
        code = profile.codes["rule_operator"].get(operator or "")
        key = (code, None) if code else ("Other", operator)
        groups.setdefault(key, {})[rule["name"]] = None
    out = []
    for (operator, other), names in groups.items():
        entry: dict[str, Any] = {"operator": operator, "ruleNames": list(names)}
        if other:
            entry["otherOperatorName"] = other
        out.append(entry)
    return out


def _write_geography(profile: Profile, geography: str | None, pcf: dict[str, Any]) -> str | None:
    """Write the geography field it fits; returns the geography written (None: none fits)."""
    if not geography:
        return None
    if _COUNTRY.match(geography):
        pcf["geographyCountry"] = geography
    elif _SUBDIVISION.match(geography):
        pcf["geographyCountrySubdivision"] = geography
    elif geography in profile.codes["un_region"]:
        pcf["geographyRegionOrSubregion"] = geography
    else:
        return None
    return geography


def _write_verification(profile: Profile, verification: dict[str, Any] | None, native: dict[str, Any]) -> str | None:
    """Complete the verification object the rows made; returns the completion time written."""
    target = get(native, profile.verification)
    if verification is None or not isinstance(target, dict):
        return None
    completed = None
    if verification.get("date"):
        target["completedAt"] = completed = verification["date"] + "T00:00:00Z"
    if profile.verification_flag:
        target[profile.verification_flag] = True
    return completed


def _complete_dqi(profile: Profile, native: dict[str, Any]) -> bool:
    """PACT dqi objects are all-or-nothing; an incomplete one is left out (the extension keeps
    it). Returns whether a dqi the rows wrote is kept (True when they wrote none)."""
    dqi = get(native, profile.dqi)
    if not isinstance(dqi, dict):
        return True
    complete = dqi.keys() >= profile.dqi_required_keys
    if complete and profile.dqr_max:
        limit = Decimal(profile.dqr_max)
        complete = all([_ONE <= Decimal(v) <= limit for k, v in dqi.items() if k.endswith("DQR")])
    if not complete:
        parent, _, key = profile.dqi.rpartition("/")
        del get(native, parent)[key]
    return complete


# -- native -> canonical ---------------------------------------------------------------------


# The native fields :func:`read` takes canonical values from, besides the field rows and the
# profile's own (its GWP and standards lists, its CPC code, its verification's flag and time).
_READ_FIELDS = ("companyName", "productNameCompany", "productDescription", "companyIds", "productIds",
                "productClassifications", "precedingPfIds", "pcf/productOrSectorSpecificRules",
                "pcf/secondaryEmissionFactorSources", *(f"pcf/{key}" for key in GEOGRAPHY))


def reads_any(profile: Profile, paths: list[str]) -> bool:
    """Whether reading a document takes a canonical value from a native field at, above or
    below one of ``paths`` (a field another decides on is read too: a verification's provider
    and flag are rows or listed, a dqi's ratings rows)."""
    read = _read_paths(profile)
    for path in paths:
        if path in read.below:
            return True
        parts = path.split("/")
        if any("/".join(parts[:n]) in read.fields for n in range(1, len(parts) + 1)):
            return True
    return False


@dataclass(frozen=True)
class _ReadPaths:
    fields: frozenset[str]  # the paths read
    below: frozenset[str]  # every path holding one (a read path's ancestors)


_READ_PATHS: dict[str, _ReadPaths] = {}  # per profile id


def _read_paths(profile: Profile) -> _ReadPaths:
    found = _READ_PATHS.get(profile.id)
    if found is None:
        flag = f"{profile.verification}/{profile.verification_flag}" if profile.verification_flag else ""
        fields = {r.native for r in profile.fields.rules} | set(_READ_FIELDS) | {
            p for p in (*profile.gwp_lists, profile.standards, profile.standards_used, profile.cpc, flag,
                        f"{profile.verification}/completedAt") if p}
        below = {"/".join(p.split("/")[:n]) for p in fields for n in range(1, p.count("/") + 1)}
        found = _READ_PATHS[profile.id] = _ReadPaths(frozenset(fields), frozenset(below))
    return found



def read(profile: Profile, native: dict[str, Any], data: dict[str, Any], consumed: set[str]) -> None:
    org = data.setdefault("organisation", {})
    product = data.setdefault("product", {})
    if isinstance(native.get("companyName"), str):
        org["name"] = _text_from_native(native["companyName"])
        consumed.add("companyName")
    if isinstance(native.get("productNameCompany"), str):
        product["name"] = _text_from_native(native["productNameCompany"])
        consumed.add("productNameCompany")
    if native.get("productDescription"):
        product["description"] = _text_from_native(native["productDescription"])
        consumed.add("productDescription")
    for key, target in (("companyIds", org), ("productIds", product)):
        if native.get(key):
            target["ids"] = [urn_to_id(profile, u) for u in native[key]]
            consumed.add(key)
    _read_classifications(profile, native, product, consumed)
    if native.get("precedingPfIds"):
        data["preceding_ids"] = list(native["precedingPfIds"])
        consumed.add("precedingPfIds")
    pcf = native.get("pcf", {})
    method = data.setdefault("method", {})
    _read_gwp(profile, native, method, consumed)
    _read_standards(profile, native, method, consumed)
    rules = pcf.get("productOrSectorSpecificRules")
    if rules:
        method["product_rules"] = _rules_from_native(profile, rules)
        # A member the canonical rule cannot hold (an otherOperatorName beside a named operator)
        # keeps the list native, so it comes back whole and is reported, never lost.
        if all(_rule_read_whole(entry) for entry in rules):
            consumed.add("pcf/productOrSectorSpecificRules")
    for key in GEOGRAPHY:
        if key in pcf:
            method["geography"] = pcf[key]
            consumed.add(f"pcf/{key}")
    sources = pcf.get("secondaryEmissionFactorSources")
    if sources:
        data.setdefault("data_quality", {})["factor_sources"] = [{"database": s["name"], "version": s["version"]} for s in sources]
        consumed.add("pcf/secondaryEmissionFactorSources")
    if pcf.get("packagingEmissionsIncluded") == ("packagingGhgEmissions" in pcf):
        consumed.add("pcf/packagingEmissionsIncluded")
    _read_verification(profile, native, data, consumed)
    for section in ("method", "data_quality"):
        if not data.get(section):
            data.pop(section, None)


def _read_classifications(profile: Profile, native: dict[str, Any], product: dict[str, Any], consumed: set[str]) -> None:
    items = [_classification(urn) for urn in native.get("productClassifications", [])]
    if items:
        consumed.add("productClassifications")
    cpc = native.get(profile.cpc) if profile.cpc else None
    if isinstance(cpc, str):
        # The writer names the list's first CPC code here: any other code (another of the list's
        # or one it lacks) stays native and comes back as it was; the list is read all the same.
        first = next((i["code"] for i in items if i["scheme"] == "un-cpc"), None)
        if first == cpc:
            consumed.add(profile.cpc)
        elif first is None:
            items.append({"scheme": "un-cpc", "code": cpc})
            consumed.add(profile.cpc)
    if items:
        product["classifications"] = items


def _classification(urn: str) -> dict[str, str]:
    if urn.lower().startswith(CLASSIFICATION_URN):
        scheme, _, code = urn[len(CLASSIFICATION_URN):].partition(":")
        return {"scheme": unquote(scheme), "code": unquote(code)}
    return {"scheme": "urn", "code": urn}


def _read_gwp(profile: Profile, native: dict[str, Any], method: dict[str, Any], consumed: set[str]) -> None:
    reverse = profile.reverse_codes["gwp"]
    for path in profile.gwp_lists:
        values = get(native, path)
        if not isinstance(values, list) or len(values) != 1 or values[0] not in reverse:
            continue
        gwp = reverse[values[0]]
        if method.setdefault("gwp_set", gwp) == gwp:
            consumed.add(path)


def _read_standards(profile: Profile, native: dict[str, Any], method: dict[str, Any], consumed: set[str]) -> None:
    standards: list[str] = []
    for path, table in ((profile.standards, "standard"), (profile.standards_used, "standard_used")):
        values = get(native, path) if path else ABSENT
        if not isinstance(values, list):
            continue
        reverse = profile.reverse_codes[table]
        standards += [reverse.get(v, v) for v in values]
    if standards:
        method["standards"] = unique(standards)
    # A list is read from the standards only when writing them gives it back; otherwise it
    # also stays native (the other list added members, say), so it comes back whole.
    for path, table in ((profile.standards, "standard"), (profile.standards_used, "standard_used")):
        values = get(native, path) if path else ABSENT
        if isinstance(values, list) and values == unique([profile.codes[table][s] for s in standards if s in profile.codes[table]]):
            consumed.add(path)


def report_read(profile: Profile, native: dict[str, Any], report: TranslationReport) -> None:
    """What reading changes without a field row saying so: the version a document declares (any
    minor version is read, one is written), a UUID spelled in capitals (written in lower case, the
    same UUID), an identifier URN written in another spelling (a prefix in capitals, an escape
    spelled otherwise: the same URN, RFC 8141) and a mass of 0 that states no mass."""
    version = native.get("specVersion")
    written = next((r.default for r in profile.fields.rules if r.native == "specVersion"), None)
    if version != written:
        report.converted("specVersion", None, f"a {version} document is read as {profile.id}; {written} is written")
    uuids = [("id", "id", native.get("id"))] + [
        (f"precedingPfIds/{i}", f"preceding_ids/{i}", value) for i, value in enumerate(native.get("precedingPfIds") or ())]
    for source, target, value in uuids:
        if isinstance(value, str) and value != value.lower():
            report.converted(source, target, f"the UUID {value} is written in lower case (the same UUID, RFC 9562)")
    urns = [("companyIds", "organisation/ids", lambda u: id_to_urn(profile, urn_to_id(profile, u))),
            ("productIds", "product/ids", lambda u: id_to_urn(profile, urn_to_id(profile, u))),
            ("productClassifications", "product/classifications", lambda u: _classification_urn(_classification(u)))]
    for key, target, again in urns:
        for index, urn in enumerate(native.get(key) or ()):
            spelled = again(urn) if isinstance(urn, str) else urn
            if spelled != urn:
                report.converted(f"{key}/{index}", f"{target}/{index}", f"{urn!r} is written {spelled!r}, the same URN")
    pcf = native.get("pcf", {})
    mass = pcf.get("productMassPerDeclaredUnit")
    unit = pcf.get(profile.fields_native("declared_unit/unit").rpartition("/")[2])
    zero_units = {profile.codes["unit"].get(u, u) for u in profile.mass_zero_units}
    if mass is not None and Decimal(str(mass)) == 0 and unit not in zero_units:
        report.dropped("pcf/productMassPerDeclaredUnit", "declared_unit/mass",
                       f"a mass of 0 per {unit} states no mass; the declaration has none")


_TEXTS = (("organisation/name", "companyName"), ("product/name", "productNameCompany"), ("product/description", "productDescription"))


def without_stale(profile: Profile, native: dict[str, Any], patch: dict[str, Any], index: int,
                  report: TranslationReport) -> dict[str, Any]:
    """Our extension's patch less the structural values an edited document made stale: a name
    or rule list of ours that writing would not give the document's field as (a
    productDescription or an otherOperatorName edited after we wrote it, say). The field is
    read; ours is reported dropped (with the rule numbers and versions it held)."""
    stale = [(path, field) for path, field in _TEXTS if _stale_text(get(patch, path), native.get(field))]
    if _stale_rules(profile, get(patch, "method/product_rules"), native.get("pcf", {}).get("productOrSectorSpecificRules")):
        stale.append(("method/product_rules", "pcf/productOrSectorSpecificRules"))
    for path, field in stale:
        report.dropped(f"extensions/{index}/data/canonical/{path}", path,
                       f"stale: {field} holds {get(native, field)!r:.80}, which is read; our extension's "
                       f"{get(patch, path)!r:.80} was written for a document whose field did not hold it")
        patch = compile_path(path).without(patch)
    return carry.pruned(patch) if stale else patch


def _stale_text(ours: Any, theirs: Any) -> bool:
    if not isinstance(ours, dict) or not isinstance(theirs, str) or not theirs:
        return False
    restored = {k: v for k, v in {**_text_from_native(theirs), **ours}.items() if v is not None}
    return _text_to_native(restored) != theirs


def _stale_rules(profile: Profile, ours: Any, theirs: Any) -> bool:
    # a list not read whole stays native and comes back as it is
    if not isinstance(ours, list) or not isinstance(theirs, list) or not all(map(_rule_read_whole, theirs)):
        return False
    return all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in ours) and _rules_to_native(profile, ours) != theirs


def _rule_read_whole(entry: dict[str, Any]) -> bool:
    return set(entry) <= {"operator", "ruleNames", "otherOperatorName"} and (
        "otherOperatorName" not in entry or entry["operator"] == "Other")


def _rules_from_native(profile: Profile, rules: list[dict[str, Any]]) -> list[dict[str, str]]:
    reverse = profile.reverse_codes["rule_operator"]
    out = []
    for entry in rules:
        operator = reverse.get(entry["operator"]) if entry["operator"] != "Other" else entry.get("otherOperatorName")
        for name in entry["ruleNames"]:
            out.append({"name": name, **({"operator": operator} if operator else {})})
    return out


def _read_verification(profile: Profile, native: dict[str, Any], data: dict[str, Any], consumed: set[str]) -> None:
    source = get(native, profile.verification)
    target = data.get("verification")
    if not isinstance(source, dict) or target is None:
        return
    if profile.verification_flag:
        consumed.add(f"{profile.verification}/{profile.verification_flag}")
    # Only a midnight-UTC completion time is a plain date; any other time stays native.
    match = _MIDNIGHT.match(str(source.get("completedAt", "")))
    if match:
        target["date"] = match[1]
        consumed.add(f"{profile.verification}/completedAt")


def drop_unrated(profile: Profile, data: dict[str, Any], report: TranslationReport) -> None:
    """Data quality ratings off the specification's scale, left out of the canonical ``data``
    read from the fields, and reported.

    Tech Specs 3.0: each DQR "MUST be between 1 and 5 inclusive", a rule of the text that the
    official schema (a plain decimal) does not hold, so partners' documents that break it pass
    the schema. Lenient at the border: such a document is read, not refused; the rating itself
    is not one of the 1-5 scale the canonical model holds, so it is named twice, as a warning
    (rule and value) and as dropped. (2.3 states its 1-3 in the official schema itself, which
    refuses the document before this.) The rows' reading has met the number bounds already."""
    quality = data.get("data_quality")
    if not quality or not profile.dqr_max:
        return
    limit = Decimal(profile.dqr_max)
    dropped = []
    for native, canonical in profile.rating_rows:
        rating = get(data, canonical)
        if rating is ABSENT or 1 <= Decimal(rating) <= limit:
            continue
        del quality[canonical.rpartition("/")[2]]
        dropped.append(native.rpartition("/")[2])
        report.warning(native, f"{profile.id} DataQualityIndicators: a DQR must be between 1 and {profile.dqr_max} "
                               f"inclusive; value {rating!r} read as absent")
        report.dropped(native, canonical, f"{rating!r} is off the 1-{profile.dqr_max} data quality rating scale; not read")
    if set(dropped) & set(profile.dqi_required):
        # a dqi is all or nothing: without the required rating the others can no longer be written in one
        for native, canonical in profile.rating_rows:
            if get(data, canonical) is not ABSENT:
                report.converted(native, canonical, f"read; without {', '.join(dropped)} a dqi cannot be written, "
                                                    "so it travels in our extension")


def verification_readable(profile: Profile, native: dict[str, Any]) -> bool:
    """Only a positive assurance with a provider maps to a canonical verification."""
    source = get(native, profile.verification)
    if not isinstance(source, dict):
        return False
    if profile.verification_flag and source.get(profile.verification_flag) is not True:
        return False
    return bool(source.get("providerName"))
