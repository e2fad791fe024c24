"""The translation pipeline: bytes in format A -> canonical Declaration -> bytes in format B.

Both edges are schema-validated: what we read must be valid in its format and what we
write must be valid in the target's, so a mapping bug fails loudly here, not at the buyer.

Lenient at the border, strict in the register: a document of a foreign format (``Format.border``)
is read as its publisher sends it (an envelope holding one footprint is unwrapped, a wrong
identifier check digit, or totals that disagree with their parts, are report warnings); the
regional format, and registration (:func:`read_for_register`), refuse it. ``identifier_checks``
overrides either default for identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gateway.core.errors import ConfigurationError, InvalidDocument
from gateway.core.i18n import N_
from gateway.core.model import Declaration, check_declaration, codelists, recharacterise
from gateway.core.model.checks import identifier_violations
from gateway.core.model.consistency import check_consistency, consistency_violations
from gateway.core.report import TranslationReport
from mappings import Format, TranslateOptions, detect_format, get_format
from mappings.base import IDENTIFIER_RULE
from mappings.envelopes import unwrap
from mappings.options import IdentifierChecks
from mappings.supply import supply

STRICT = TranslateOptions(identifier_checks=IdentifierChecks.STRICT)

__all__ = ["Reading", "Translation", "one_document", "read", "read_for_register", "translate", "write"]


@dataclass(frozen=True)
class Reading:
    format: Format
    declaration: Declaration
    report: TranslationReport


@dataclass(frozen=True)
class Translation:
    source_format: str
    target_format: str
    declaration: Declaration
    output: bytes
    report: TranslationReport


def one_document(data: bytes) -> bytes:
    """The footprint of an envelope holding exactly one; the bytes as they are when not wrapped.
    Raises :class:`InvalidDocument` for an envelope of several (translate them one by one)."""
    unwrapped = unwrap(data)
    if len(unwrapped.documents) > 1:
        raise InvalidDocument(
            N_("the {envelope} holds {count} footprints; translate each on its own: "
            "TranslateStream over gRPC (one item per footprint), or fpgw convert, which writes one output each", envelope=unwrapped.envelope, count=len(unwrapped.documents)),
            path="/", envelope=unwrapped.envelope, count=len(unwrapped.documents),
        )
    return unwrapped.documents[0]


def read(data: bytes, format_id: str | None = None, options: TranslateOptions | None = None) -> Reading:
    """Parse, validate and map a document to the canonical model (a one-footprint envelope unwrapped)."""
    return _read(one_document(data), format_id, options or TranslateOptions())


def read_for_register(data: bytes, format_id: str | None = None) -> Reading:
    """How Submit and registered claims read a document: the bytes as they are (no envelope)
    and identifiers checked strictly, whatever the format."""
    return _read(data, format_id, STRICT)


def _read(data: bytes, format_id: str | None, options: TranslateOptions) -> Reading:
    fmt = get_format(format_id) if format_id else detect_format(data)
    native = fmt.parse(data)
    lenient = fmt.lenient_identifiers(options)
    report = TranslationReport()
    fmt.validate_into(native, lenient, report)
    decl, leg = fmt.to_canonical(native, options)
    report.extend(leg)
    if lenient:
        for v in identifier_violations(decl):
            report.warning(v.path, f"{IDENTIFIER_RULE}: {v.message}; value {_identifier_value(decl, v.path)!r} kept")
    # Strict reading refuses a wrong check character; a format whose validation already has (with
    # the document's paths, above) passed every id the model holds, so they are not checked twice.
    check_declaration(decl, identifiers=not lenient and not fmt.validates_identifiers)
    # Strict in the register (the regional format), lenient at the border (Format.border): a
    # document whose totals disagree with their parts is read as published, a warning per rule.
    if not fmt.border:
        check_consistency(decl)
    else:
        for problem in consistency_violations(decl):
            report.warning(problem.path, problem.message)
    return Reading(fmt, decl, report)


def _identifier_value(decl: Declaration, path: str) -> str:
    scope, _, index, _ = path.split("/")
    ids = decl.organisation.ids if scope == "organisation" else decl.product.ids
    return ids[int(index)].value


def check_conflicts(decl: Declaration, options: TranslateOptions) -> None:
    """An option that contradicts a value the declaration states is refused, naming both."""
    du = decl.declared_unit
    if options.mass_per_piece is not None and du.mass is not None and du.unit == "piece":
        stated = codelists.convert_unit(du.mass.amount, du.mass.unit, "kg") / du.amount
        if stated != options.mass_per_piece:
            raise ConfigurationError(
                N_("option mass_per_piece_kg={mass_per_piece} conflicts with the declaration's declared_unit/mass "
                "of {value} {unit} per {value2} piece ({value3} kg a piece); "
                "drop the option or correct the document", mass_per_piece=options.mass_per_piece, value=_plain(du.mass.amount), unit=du.mass.unit, value2=_plain(du.amount), value3=_plain(stated)),
                path="mass_per_piece_kg", given=str(options.mass_per_piece), stated=_plain(stated),
            )
    if options.lifetime_energy is not None and du.lifetime_energy is not None:
        stated = codelists.convert_unit(du.lifetime_energy.amount, du.lifetime_energy.unit, "kWh")
        if stated != options.lifetime_energy:
            raise ConfigurationError(
                N_("option lifetime_energy_kwh={lifetime_energy} conflicts with the declaration's "
                "declared_unit/lifetime_energy of {value} {unit}; "
                "drop the option or correct the document", lifetime_energy=options.lifetime_energy, value=_plain(du.lifetime_energy.amount), unit=du.lifetime_energy.unit),
                path="lifetime_energy_kwh", given=str(options.lifetime_energy), stated=_plain(stated),
            )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def write(decl: Declaration, format_id: str, options: TranslateOptions | None = None) -> tuple[bytes, TranslationReport]:
    """Map a canonical declaration to a format, validate the result, serialise it."""
    options = options or TranslateOptions()
    fmt = get_format(format_id)
    report = TranslationReport()
    # The data form supplying made, handed on while the declaration is the one it was made of.
    decl, data = supply(decl, options.supplied, report, options.fallback)
    check_conflicts(decl, options)
    if options.gwp_set is not None and decl.method.gwp_set not in (None, options.gwp_set):
        decl, data = recharacterise(decl, options.gwp_set, report), None
    native, leg = fmt.from_canonical(decl, options, data=data)
    report.extend(leg)
    fmt.validate_into(native, options.writes_leniently, report)
    return fmt.emit(native), report


def translate(
    data: bytes,
    to: str,
    *,
    source: str | None = None,
    options: TranslateOptions | None = None,
) -> Translation:
    options = options or TranslateOptions()
    reading = read(data, source, options)
    target = get_format(to)
    output, out_report = write(reading.declaration, to, options)
    report = TranslationReport(
        reading.format.id, target.id, f"{reading.format.id}@{reading.format.mapping_version}->{target.id}@{target.mapping_version}"
    )
    report.extend(reading.report)
    report.extend(out_report)
    return Translation(reading.format.id, target.id, reading.declaration, output, report)

