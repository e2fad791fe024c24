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

from gateway.core.i18n import N_, _


@click.command()
@click.option("--keep", is_flag=True, help="Leave the three gateways running and print how to call them, until Ctrl-C.")
@click.option("--tour", is_flag=True, help="Instead: translate every example to every format and show what each lost.")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="With --keep: write a JSON description of the running demo here (gateways, PACT client, pids).")
@click.option("--examples", "examples_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of declarations (default: the shipped examples).")
@click.option("--conformance", is_flag=True,
              help=N_("Use the conformance suite's TEST-ONLY keys, certificates and trust list instead of fresh ones, so "
                      "that with --keep 'fpgw conformance run --target' against the Hebei gateway passes every group."))
def demo(keep: bool, tour: bool, state_file: Path | None, examples_dir: Path | None, conformance: bool) -> None:
    """Start Beijing, Tianjin and Hebei gateways on loopback with fresh keys, certificates and
    trust list; Hebei submits a signed steel declaration, Tianjin syncs, verifies and assesses
    it, an exporter translates a Tianjin battery declaration to PACT v3 and the EU battery
    passport and verifies the attestation chain; an overseas buyer pulls the battery footprint
    over the PACT REST API and verifies it back to Tianjin's register."""
    from gateway import examples
    from gateway.demo import DemoNetwork, Exporter, demo_state, keep_hints, run_story, run_tour

    if state_file is not None and not keep:
        raise click.UsageError(_("--state needs --keep"))
    folder = examples_dir or examples.folder()
    if tour:
        if conformance:
            raise click.UsageError(_("--conformance starts gateways; the tour starts none"))
        run_tour(folder)
        return
    pki = exporter = None
    if conformance:
        from conformance_tests.keyring import SuiteKeys
        from conformance_tests.make_keys import UNLISTED

        suite_keys = SuiteKeys.of_version()
        pki, exporter = suite_keys.pki(), Exporter(UNLISTED, *suite_keys.client("unlisted"))
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="fpgw-demo-") as tmp, DemoNetwork(Path(tmp), pki, exporter) as network:
        try:
            run_story(network, folder, click.echo)
        except FileNotFoundError as exc:
            raise click.UsageError(str(exc)) from None
        if not keep:
            return
        click.echo("\n" + keep_hints(network))
        if state_file is not None:
            state_file.write_text(json.dumps(demo_state(network), indent=2) + "\n", encoding="utf-8")
            click.echo(_("\nstate written to {state_file}").format(state_file=state_file))
        stop = threading.Event()
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda *_: stop.set())
        sys.stdout.flush()
        stop.wait()
        click.echo(_("stopping the gateways"))
