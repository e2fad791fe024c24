"""The translation pipeline: bytes in format A -> canonical Declaration -> bytes in format B.

Both edges are schema-validated: what we read must be valid in its format and what we
write must be valid in the target's, so a mapping bug fails loudly here, not at the buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core.model import Declaration, check_declaration, recharacterise
from gateway.core.model.consistency import check_consistency, consistency_violations, strict
from gateway.core.report import TranslationReport
from mappings import Format, TranslateOptions, detect_format, get_format

__all__ = ["Reading", "Translation", "read", "translate", "write"]


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


def read(data: bytes, format_id: str | None = None, options: TranslateOptions | None = None) -> Reading:
    """Parse, validate and map a document to the canonical model."""
    options = options or TranslateOptions()
    fmt = get_format(format_id) if format_id else detect_format(data)
    native = fmt.parse(data)
    fmt.validate(native)
    decl, report = fmt.to_canonical(native, options)
    check_declaration(decl)
    # Strict in the register (the regional format), lenient at the border: a foreign document
    # whose totals disagree with their parts is read as published, with a warning per rule.
    if strict(fmt.id):
        check_consistency(decl)
    else:
        for problem in consistency_violations(decl):
            report.warning(problem.path, problem.message)
    return Reading(fmt, decl, report)


def write(decl: Declaration, format_id: str, options: TranslateOptions | None = None) -> tuple[bytes, TranslationReport]:
    """Map a canonical declaration to a format, validate the result, serialise it."""
    options = options or TranslateOptions()
    fmt = get_format(format_id)
    report = TranslationReport()
    if options.gwp_set is not None and decl.method.gwp_set not in (None, options.gwp_set):
        decl = recharacterise(decl, options.gwp_set, report)
    native, leg = fmt.from_canonical(decl, options)
    report.extend(leg)
    fmt.validate(native)
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
