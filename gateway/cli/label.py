"""``fpgw label``: a bilingual carbon label (碳标识) as SVG, PNG, PDF or HTML."""

from __future__ import annotations

from pathlib import Path

import click

from gateway.core.i18n import _
from gateway.cli.output import fail, read_input, write_output
from gateway.core.errors import GatewayError

SUFFIXES = ("svg", "png", "pdf", "html")


def _base(verify_base: str | None, config: str | None) -> str:
    if verify_base:
        return verify_base
    if config:
        from gateway.server.config import load_config

        https = load_config(config).https
        if https is not None and https.base_url:
            return https.base_url
    raise click.UsageError(_("name the verification page's base with --verify-base URL "
                           "(or --config FILE whose [https] base_url is set, or $FPGW_HTTPS_BASE_URL)"))


@click.command()
@click.argument("decl", metavar="DECL", type=click.Path(allow_dash=True))
@click.option("-o", "--output", required=True, metavar="OUT",
              help="Output file; its suffix (.svg, .png, .pdf, .html) picks the kind unless --as is given.")
@click.option("--as", "kind", type=click.Choice(SUFFIXES), help="Output kind (default: from OUT's suffix).")
@click.option("--size", type=click.Choice(["a6", "sticker"]), default="a6", show_default=True,
              help="A6 page (105 x 148 mm) or 40 x 30 mm sticker.")
@click.option("--attestation", "attestations", multiple=True, metavar="FILE",
              help="A registered, verified or translated attestation of DECL (repeatable).")
@click.option("--format", "format_id", metavar="ID", help="Format of DECL (detected when omitted).")
@click.option("--verify-base", envvar="FPGW_HTTPS_BASE_URL", metavar="URL",
              help="Public base URL of the platform's HTTPS server; the QR code opens URL/verify/DIGEST.")
@click.option("--config", metavar="FILE", help="Gateway configuration whose [https] base_url names the base.")
@click.option("--trust-list", type=click.Path(exists=True, dir_okay=False),
              help="Verify the attestations against this signed trust list first (and name signers as it does).")
@click.option("--root", envvar="FPGW_TRUST_ROOT", help="With --trust-list: the pinned root public key.")
@click.option("--grading", "grading_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder of grading schemes (分级) to use instead of the shipped ones.")
@click.option("--grading-scheme", "grading_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="One grading scheme file (repeatable; tried before the folder's).")
@click.option("--json", "as_json", is_flag=True, help="Errors as JSON.")
def label(decl: str, output: str, kind: str | None, size: str, attestations: tuple[str, ...], format_id: str | None,
          verify_base: str | None, config: str | None, trust_list: str | None, root: str | None,
          grading_dir: str | None, grading_files: tuple[str, ...], as_json: bool) -> None:
    """Make a bilingual (中文/English) carbon label for DECL.

    The label shows the product, the footprint per declared unit with its unit and system
    boundary, the methodology, the verifier and registration, the validity, the class under a
    grading scheme that applies, and a QR code that opens the public verification page
    URL/verify/DIGEST, DIGEST being the SHA-256 the registration attestation signs.

    \b
    Examples:
      fpgw label steel.json --attestation steel.registered.json --verify-base https://pcf.example.cn -o steel.svg
      fpgw label steel.json --verify-base https://pcf.example.cn --size sticker -o steel.pdf
    """
    from gateway.labels import Output, Size, label_for, make_label
    from mappings.grading import load_scheme, load_schemes, shipped_schemes

    chosen = kind or Path(output).suffix.lstrip(".").lower()
    if chosen not in SUFFIXES:
        raise click.UsageError(_("cannot tell the label kind from {output!r}: use a .svg/.png/.pdf/.html name or --as").format(output=output))
    base = _base(verify_base, config)
    data = read_input(decl)
    try:
        schemes = tuple(load_scheme(Path(f).read_bytes(), f) for f in grading_files)
        schemes += load_schemes(Path(grading_dir)) if grading_dir else shipped_schemes()
        trusted = None
        if trust_list:
            from gateway.cli.trust import load_list

            trusted = load_list(trust_list, root)
        facts = label_for(data, verify_base=base, attestations=[read_input(a) for a in attestations],
                          format_id=format_id, trust_list=trusted, schemes=schemes)
        content, missing = make_label(facts, Output(chosen), Size(size))
    except GatewayError as exc:
        fail(exc, as_json, source=decl)
    write_output(output, content)
    if missing:
        click.echo(_("warning: the label font has no glyph for {missing!r}; those characters print as boxes").format(missing=missing), err=True)
    if output != "-":
        grade = f", class {facts.grade.name} ({facts.grade.scheme.id})" if facts.grade else ""
        click.echo(_("{output}: {chosen} label, {size}{grade}; QR {url}").format(output=output, chosen=chosen, size=size, grade=grade, url=facts.url), err=True)
