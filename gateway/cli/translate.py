"""``fpgw formats``, ``fpgw validate`` and ``fpgw convert``."""

from __future__ import annotations

import glob
import json
import os
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import click

from gateway.core.i18n import N_, _, error_text
from gateway.cli.output import InputFileError, echo_json, fail, read_input, write_output
from gateway.core.errors import GatewayError
from gateway.core.model import GwpSet
from gateway.core.parsing import dump_json
from gateway.core.report import EntryKind
from gateway.translate import Translation, read, translate
from mappings import TranslateOptions, available, get_format, unavailable
from mappings.envelopes import unwrap
from mappings.options import OPTION_KEYS, IdentifierChecks


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes: wide and full-width (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
def formats(as_json: bool) -> None:
    """List the formats this gateway reads and writes."""
    rows = [get_format(fid).describe() for fid in available()]
    missing = unavailable()
    if as_json:
        rows += [{"id": fid, "available": False, "hint": hint} for fid, hint in missing.items()]
        echo_json(rows)
        return
    table = [("ID", "MEDIA TYPE", "TITLE", "VERSION")]
    table += [(r["id"], r["mediaType"], r["title"], r["specVersion"]) for r in rows]
    # Columns as wide as their widest cell on a terminal (a Chinese character takes two cells);
    # the version, the longest text, comes last and is not padded.
    widths = [max(display_width(row[i]) for row in table) for i in range(3)]
    for row in table:
        click.echo("  ".join(cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths)) + "  " + row[3])
    for fid, hint in missing.items():
        click.echo(_("{value}  unavailable: {hint}").format(value=fid.ljust(widths[0]), hint=hint))


@click.command()
@click.argument("file", type=click.Path(allow_dash=True))
@click.option("--format", "format_id", metavar="ID", help="Format of FILE (detected when omitted).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable result and errors.")
def validate(file: str, format_id: str | None, as_json: bool) -> None:
    """Check FILE against its format's schema and the model's rules.

    Exit code 0 when valid, 1 when not (every violation is listed with its path). Totals
    must agree with their stages and fossil value within rounding: an error for the
    regional format (cn-jjj-*), a warning for documents read from other formats.
    """
    data = read_input(file)
    try:
        reading = read(data, format_id)
    except GatewayError as exc:
        fail(exc, as_json, source=file, data=data, syntax=_syntax(format_id))
    decl = reading.declaration
    warnings = [{"path": e.source_path, "message": e.detail} for e in reading.report.entries
                if e.kind is EntryKind.WARNING]
    if as_json:
        click.echo(json.dumps({"valid": True, "file": file, "format": reading.format.id, "id": str(decl.id),
                               "version": decl.version, "warnings": warnings}, ensure_ascii=False))
    else:
        click.echo(_("{file}: valid {id} (declaration {id2} v{version})").format(file=file, id=reading.format.id, id2=decl.id, version=decl.version))
        for w in warnings:
            click.echo(_("  warning: {path}: {message}").format(path=w['path'], message=w['message']))


def _syntax(format_id: str | None) -> str | None:
    """What a named format reads its bytes as (for the "looks like XML" hint)."""
    try:
        return get_format(format_id).syntax if format_id else None
    except GatewayError:
        return None


def _pairs(items: tuple[str, ...], flag: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(_("expected {value}=VALUE, got {item!r}").format(value='PATH' if flag == '--set' else 'KEY', item=item), param_hint=flag)
        values[key] = value
    return values


def _options(option: tuple[str, ...], mass_per_piece: str | None, lifetime_energy: str | None, gwp_set: str | None,
             allow_defaults: bool, supplied: tuple[str, ...] = (), identifier_checks: str | None = None) -> TranslateOptions:
    values = _pairs(option, "--option")
    if identifier_checks:
        values["identifier_checks"] = identifier_checks
    for key, value in (("mass_per_piece_kg", mass_per_piece), ("lifetime_energy_kwh", lifetime_energy), ("gwp_set", gwp_set)):
        if value is not None:
            values[key] = value
    if allow_defaults:
        values["allow_defaults"] = "true"
    return TranslateOptions.from_mapping(values, _pairs(supplied, "--set"))


def _expand(source: str) -> list[Path] | None:
    """Input files for a directory or glob; None for a single file or stdin."""
    if source == "-":
        return None
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in (".json", ".xml"))
        if not files:
            raise InputFileError(source, _("the directory matches no *.json or *.xml file"))
        return files
    if any(ch in source for ch in "*?["):
        files = sorted(Path(p) for p in glob.glob(source) if Path(p).is_file())
        if not files:
            raise InputFileError(source, _("the pattern matches no file"))
        return files
    return None


@click.command()
@click.argument("source", metavar="IN", type=click.Path(allow_dash=True))
@click.option("--to", "target", required=True, metavar="ID", help="Target format id (see `fpgw formats`).")
@click.option("--from", "source_format", metavar="ID", help="Source format id (detected when omitted).")
@click.option("-o", "--output", metavar="OUT", default="-", show_default=True, help="Output file, '-' for stdout, or a directory for batches.")
@click.option("--report", "report_path", metavar="FILE", help="Write the translation report (JSON) here; a directory for batches.")
@click.option("--report-html", "report_html", metavar="FILE", help="Write the report for people (HTML) here; a directory for batches, with an index.html.")
@click.option("--mass-per-piece", metavar="KG", help="Mass of one piece in kg, for per-piece declarations into per-kg formats.")
@click.option("--lifetime-energy", metavar="KWH", help="Total energy over service life in kWh, for per-kWh battery footprints.")
@click.option("--gwp-set", type=click.Choice([g.value for g in GwpSet]), help="Re-characterise totals to this IPCC set (needs a per-gas inventory).")
@click.option("--allow-defaults", is_flag=True, help="Accept the target format's documented defaults for required fields.")
@click.option("--option", multiple=True, metavar="KEY=VALUE", help="Further translation settings (repeatable): " + ", ".join(OPTION_KEYS) + ".")
@click.option("--set", "supplied", multiple=True, metavar="PATH=VALUE",
              help="Supply a value for a canonical PATH (repeatable; 'organisation/ids/-' appends; VALUE is JSON when it parses, else text); reported as supplied.")
@click.option("--identifier-checks", type=click.Choice([c.value for c in IdentifierChecks]),
              help="Refuse (strict) or report (warn) a wrong identifier check digit; default strict for cn-jjj, warn for foreign formats.")
@click.option("--sign", "sign_key", metavar="KEY", help="Also sign a `translated` attestation with this private key (PKCS#8 PEM).")
@click.option("--issuer", metavar="ID", help="With --sign: the signer's entity id on the trust list.")
@click.option("--key-id", metavar="ID", help="With --sign: verification method id (default: the key's did:key).")
@click.option("--passphrase-env", metavar="VAR", help="With --sign: environment variable holding the key's passphrase.")
@click.option("--attestation", "attestation_path", metavar="FILE", help="With --sign: where to write the attestation (default: OUT + '.attestation.json').")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="CPU count", help="Worker processes for batches.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report on stdout (single file) and errors.")
def convert(
    source: str,
    target: str,
    source_format: str | None,
    output: str,
    report_path: str | None,
    report_html: str | None,
    mass_per_piece: str | None,
    lifetime_energy: str | None,
    gwp_set: str | None,
    allow_defaults: bool,
    option: tuple[str, ...],
    supplied: tuple[str, ...],
    identifier_checks: str | None,
    sign_key: str | None,
    issuer: str | None,
    key_id: str | None,
    passphrase_env: str | None,
    attestation_path: str | None,
    jobs: int,
    as_json: bool,
) -> None:
    """Translate a declaration IN to another format, with a report of every change.

    IN is a file, '-' for stdin, a directory or a quoted glob ('decl/*.json'); for
    several inputs -o names a directory and each output is <name>.<target>.<ext>. A file
    holding several footprints (a PACT API response or event, a JSON array) is a batch too:
    one output each, <name>.<n>.<target>.<ext>.

    \b
    Examples:
      fpgw convert steel.json --to pact-v3 -o steel.pact.json --report steel.report.json
      fpgw convert part.json --to pact-v2 --mass-per-piece 1.85
      fpgw convert pcf.json --to cn-jjj-json --set region=120000 --set 'organisation/ids/-={"scheme":"uscc","value":"..."}'
      fpgw convert 'gateway/examples/*.json' --to pact-v3 -o out/

    With --sign KEY --issuer ID the output comes with a `translated` attestation naming the
    input's digest, the mapping version and the report's digest, so a buyer can check it
    back to the signed original with `fpgw verify`.

    Exit code 0 when every input translated, 1 when any input was invalid or could not be
    translated without inventing a value, 2 on usage errors.
    """
    try:
        get_format(target)
        options = _options(option, mass_per_piece, lifetime_energy, gwp_set, allow_defaults, supplied, identifier_checks)
    except GatewayError as exc:
        raise click.UsageError(error_text(exc)) from None
    signer = _signer(sign_key, issuer, key_id, passphrase_env)
    batch = _expand(source)
    if batch is None and source != "-" and _holds_several(source):
        batch = [Path(source)]
    if batch is None:
        if signer and output == "-" and not attestation_path:
            raise click.UsageError(_("--sign with output on stdout needs --attestation FILE"))
        _convert_one(source, target, source_format, output, (report_path, report_html), options, as_json, signer,
                     attestation_path)
    else:
        _convert_batch(batch, target, source_format, output, (report_path, report_html), options, as_json, signer,
                       jobs)


def _holds_several(source: str) -> bool:
    try:
        return len(unwrap(read_input(source)).documents) > 1
    except GatewayError:
        return False  # the single-file path reports it


@dataclass(frozen=True)
class SigningParams:
    """What `--sign` needs, kept as plain values so batch workers can rebuild the signer."""

    key_file: str
    issuer: str
    key_id: str | None
    passphrase_env: str | None

    def sign(self, source: bytes, result: Translation) -> bytes:
        key, method = _signing_key(self)
        from signing.translation import attest_translation

        return dump_json(attest_translation(source, result, key=key, issuer_id=self.issuer, verification_method=method))


@cache
def _signing_key(params: SigningParams) -> tuple[Any, str]:
    from gateway.cli.keys import load_any_key

    key = load_any_key(params.key_file, params.passphrase_env)
    if not hasattr(key, "sign"):
        raise click.UsageError(_("--sign needs a private key"))
    return key, params.key_id or key.public_key.did_key


def _signer(key_file: str | None, issuer: str | None, key_id: str | None, passphrase_env: str | None) -> SigningParams | None:
    if key_file is None:
        if issuer or key_id:
            raise click.UsageError(_("--issuer and --key-id go with --sign KEY"))
        return None
    if not issuer:
        raise click.UsageError(_("--sign needs --issuer ID (the signer's trust-list entity)"))
    params = SigningParams(key_file, issuer, key_id, passphrase_env)
    try:
        _signing_key(params)
    except (GatewayError, OSError, ValueError) as exc:
        raise click.UsageError(_("--sign: cannot load a private key from {key_file}: {exc}").format(key_file=key_file, exc=error_text(exc))) from None
    return params


# A batch's HTML reports share one copy of the font beside them instead of each embedding a subset.
BATCH_FONT = "report-font.ttf"


def _report_html(report: dict[str, Any], source: str, font_url: str | None = None) -> bytes:
    from gateway.reports import translation_report_html

    return translation_report_html(report, source=source, font_url=font_url)


def _convert_one(source: str, target: str, source_format: str | None, output: str, reports: tuple[str | None, str | None], options: TranslateOptions, as_json: bool, signer: SigningParams | None, attestation_path: str | None) -> None:
    report_path, report_html = reports
    data = read_input(source)
    try:
        result = translate(data, target, source=source_format, options=options)
    except GatewayError as exc:
        fail(exc, as_json, source=source, data=data, syntax=_syntax(source_format))
    write_output(output, result.output)
    if signer:
        Path(attestation_path or f"{output}.attestation.json").write_bytes(signer.sign(data, result))
    report = result.report.as_dict()
    if report_path:
        Path(report_path).write_bytes(dump_json(report))
    if report_html:
        Path(report_html).write_bytes(_report_html(report, source))
    if as_json and output != "-":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    elif output != "-":
        click.echo(_summary(source, result), err=True)


def _summary(source: str, result: Translation) -> str:
    counts = result.report.counts()
    detail = _("lossless") if result.report.lossless else _(", ").join(
        _(ENTRY_COUNTS[k]).format(count=n) for k, n in sorted(counts.items()))
    return f"{source}: {result.source_format} -> {result.target_format} ({detail})"


# The report's entry kinds as the summary line counts them.
ENTRY_COUNTS = {
    "converted": N_("{count} converted"), "defaulted": N_("{count} defaulted"), "dropped": N_("{count} dropped"),
    "unrepresentable": N_("{count} unrepresentable"), "recharacterised": N_("{count} recharacterised"),
    "warning": N_("{count} warning"), "rounded": N_("{count} rounded"), "supplied": N_("{count} supplied"),
    "missing": N_("{count} missing"),
}


@dataclass(frozen=True)
class BatchJob:
    """One batch's settings; ``run`` converts one file and is what the worker processes call."""

    target: str
    source_format: str | None
    options: TranslateOptions
    out_dir: Path
    report_dir: Path | None
    signer: SigningParams | None
    html_dir: Path | None = None

    def run(self, path: Path) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
        """The footprints of the file converted (label, output name) and the errors (with file and pointer)."""
        try:
            unwrapped = unwrap(path.read_bytes())
        except GatewayError as exc:
            return [], [{"file": str(path), **exc.as_dict()}]
        several = len(unwrapped.documents) > 1
        done, errors = [], []
        for n, (data, pointer) in enumerate(zip(unwrapped.documents, unwrapped.pointers, strict=True)):
            name = f"{path.stem}.{n}" if several else path.stem
            label = f"{path}#{pointer}" if several else str(path)
            try:
                result = translate(data, self.target, source=self.source_format, options=self.options)
            except GatewayError as exc:
                errors.append({"file": label, **exc.as_dict()})
                continue
            out_file = self.out_dir / f"{name}.{self.target}.{get_format(self.target).syntax}"
            out_file.write_bytes(result.output)
            if self.signer:
                Path(f"{out_file}.attestation.json").write_bytes(self.signer.sign(data, result))
            if self.report_dir:
                (self.report_dir / f"{name}.{self.target}.report.json").write_bytes(dump_json(result.report.as_dict()))
            if self.html_dir:
                (self.html_dir / f"{name}.{self.target}.report.html").write_bytes(
                    _report_html(result.report.as_dict(), label, BATCH_FONT))
            done.append((label, name))
        return done, errors


# Below this many files a worker pool costs more to start than it saves.
MIN_FILES_PER_WORKER = 64


def _convert_batch(files: list[Path], target: str, source_format: str | None, output: str, reports: tuple[str | None, str | None], options: TranslateOptions, as_json: bool, signer: SigningParams | None, jobs: int) -> None:
    if output == "-":
        raise click.UsageError(_("several inputs need -o DIR"))
    report_path, report_html = reports
    job = BatchJob(target, source_format, options, Path(output), Path(report_path) if report_path else None, signer,
                   Path(report_html) if report_html else None)
    for folder in (job.out_dir, job.report_dir, job.html_dir):
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
    if job.html_dir:
        from gateway.fonts import font_path

        (job.html_dir / BATCH_FONT).write_bytes(font_path().read_bytes())
    workers = max(1, min(jobs, len(files) // MIN_FILES_PER_WORKER))
    with ExitStack() as stack:
        if workers > 1:
            pool = stack.enter_context(ProcessPoolExecutor(workers))
            results = pool.map(job.run, files, chunksize=32)
        else:
            results = map(job.run, files)
        bar = stack.enter_context(click.progressbar(results, length=len(files), label=f"converting to {target}", file=sys.stderr, show_pos=True))
        outcomes = list(bar)
    ok = sum(len(done) for done, _ in outcomes)
    failures = [error for _, errors in outcomes for error in errors]
    summary: dict[str, Any] = {"converted": ok, "failed": len(failures), "failures": failures}
    if job.html_dir:
        from gateway.reports import batch_index_html

        index = job.html_dir / "index.html"
        entries: list[tuple[str, str | None]] = []
        for done, errors in outcomes:  # in input order
            entries += [(label, f"{name}.{target}.report.html") for label, name in done]
            entries += [(f["file"], None) for f in errors]
        index.write_bytes(batch_index_html(entries, failures, target, font_url=BATCH_FONT))
        summary["reportIndex"] = str(index)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(_("{ok} converted, {count} failed").format(ok=ok, count=len(failures)), err=True)
        if job.html_dir:
            click.echo(_("reports for people: {index}").format(index=summary['reportIndex']), err=True)
        for f in failures:
            click.echo(_("error: {file}: {reason}: {message}").format(file=f['file'], reason=f['reason'], message=f['message']), err=True)
    if failures:
        sys.exit(1)
