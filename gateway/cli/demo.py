"""``fpgw demo``: Beijing, Tianjin and Hebei gateways exchanging signed declarations."""

from __future__ import annotations

import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path

import click


@click.command()
@click.option("--keep", is_flag=True, help="Leave the three gateways running and print how to call them, until Ctrl-C.")
@click.option("--tour", is_flag=True, help="Instead: translate every example to every format and show what each lost.")
@click.option("--examples", "examples_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of declarations (default: the shipped examples).")
def demo(keep: bool, tour: bool, examples_dir: Path | None) -> None:
    """Start Beijing, Tianjin and Hebei gateways on loopback with fresh keys, certificates and
    trust list; Hebei submits a signed steel declaration, Tianjin syncs, verifies and assesses
    it, an exporter translates a Tianjin battery declaration to PACT v3 and the EU battery
    passport and verifies the attestation chain."""
    from gateway import examples
    from gateway.demo import DemoNetwork, keep_hints, run_story, run_tour

    folder = examples_dir or examples.folder()
    if tour:
        run_tour(folder)
        return
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="fpgw-demo-") as tmp, DemoNetwork(Path(tmp)) as network:
        try:
            run_story(network, folder, click.echo)
        except FileNotFoundError as exc:
            raise click.UsageError(str(exc)) from None
        if not keep:
            return
        click.echo("\n" + keep_hints(network))
        stop = threading.Event()
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda *_: stop.set())
        sys.stdout.flush()
        stop.wait()
        click.echo("stopping the gateways")
