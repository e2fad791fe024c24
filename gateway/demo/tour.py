"""``fpgw demo --tour``: every example translated to every format, with what each lost."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gateway.core.i18n import _, error_text
from gateway.core.errors import GatewayError
from gateway.translate import read, write
from mappings import TranslateOptions, available


def run_tour(folder: Path) -> None:
    """Translate every example to every format it can reach and show what each translation lost."""
    files = sorted(p for p in folder.glob("*") if p.suffix in (".json", ".xml"))
    if not files:
        raise click.UsageError(_("no example declarations in {folder}").format(folder=folder))
    targets = available()
    click.echo(_("JJJ Footprint Gateway demo: {count} declarations x {count2} formats\n").format(count=len(files), count2=len(targets)))
    example, target_heading, result_heading = _("example"), _("target"), _("result")
    click.echo(f"{example:<46} {target_heading:<16} {result_heading}")
    click.echo("-" * 90)
    shown = None
    counts = {"lossless": 0, "lossy": 0, "refused": 0}
    for path in files:
        try:
            reading = read(path.read_bytes())
        except GatewayError as exc:
            click.echo(_("{name:<46} {value:<16} refused: {reason}: {exc}").format(name=path.name, value='(read)', reason=exc.reason, exc=error_text(exc)))
            counts["refused"] += 1
            continue
        for target in targets:
            try:
                report = write(reading.declaration, target, TranslateOptions())[1]
            except GatewayError as exc:
                click.echo(_("{name:<46} {target:<16} refused: {reason} ({path})").format(name=path.name, target=target, reason=exc.reason, path=exc.path))
                counts["refused"] += 1
                continue
            report.entries[:0] = reading.report.entries
            report.source_format, report.target_format = reading.format.id, target
            if report.lossless:
                counts["lossless"] += 1
                result = "lossless"
            else:
                counts["lossy"] += 1
                result = ", ".join(f"{n} {k}" for k, n in sorted(report.counts().items()))
                if shown is None or len(report.entries) > len(shown[1].entries):
                    shown = (path.name, report)
            click.echo(f"{path.name:<46} {target:<16} {result}")
    click.echo("-" * 90)
    click.echo(_("{lossless} lossless, {lossy} with report entries, {refused} refused (a value would have to be invented)\n").format(lossless=counts['lossless'], lossy=counts['lossy'], refused=counts['refused']))
    if shown:
        name, report = shown
        click.echo(_("Translation report for {name} -> {target_format}:").format(name=name, target_format=report.target_format))
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
