"""``fpgw demo``: Beijing, Tianjin and Hebei gateways exchanging signed declarations."""

from __future__ import annotations

import json
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
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="With --keep: write a JSON description of the running demo here (gateways, PACT client, pids).")
@click.option("--examples", "examples_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of declarations (default: the shipped examples).")
def demo(keep: bool, tour: bool, state_file: Path | None, examples_dir: Path | None) -> None:
    """Start Beijing, Tianjin and Hebei gateways on loopback with fresh keys, certificates and
    trust list; Hebei submits a signed steel declaration, Tianjin syncs, verifies and assesses
    it, an exporter translates a Tianjin battery declaration to PACT v3 and the EU battery
    passport and verifies the attestation chain; an overseas buyer pulls the battery footprint
    over the PACT REST API and verifies it back to Tianjin's register."""
    from gateway import examples
    from gateway.demo import DemoNetwork, demo_state, keep_hints, run_story, run_tour

    if state_file is not None and not keep:
        raise click.UsageError("--state needs --keep")
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
        if state_file is not None:
            state_file.write_text(json.dumps(demo_state(network), indent=2) + "\n", encoding="utf-8")
            click.echo(f"\nstate written to {state_file}")
        stop = threading.Event()
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda *_: stop.set())
        sys.stdout.flush()
        stop.wait()
        click.echo("stopping the gateways")
