"""``fpgw conformance check|run``: lint the conformance suite, run it against an endpoint."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import click

from gateway.core.i18n import ERROR, FAILED, PASSED, _

from .output import InputFile

LEVELS = ("core", "signing", "recognition", "full")


@click.group()
def conformance() -> None:
    """The language-neutral conformance suite (conformance_tests/suite): lint it, or run it
    against any implementation of the jjj.footprint.v1 gRPC contract."""


@conformance.command()
@click.option("--version", "version", default="v1", show_default=True, help="Suite version folder.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def check(version: str, as_json: bool) -> None:
    """Lint the suite: case schema, unique ids, short descriptions without "should",
    referenced files present, every error reason covered."""
    from conformance_tests.check import check_suite
    from conformance_tests.suite import load_suite

    problems = check_suite(version)
    cases = load_suite(version).cases if not problems else ()
    if as_json:
        click.echo(json.dumps({"ok": not problems, "cases": len(cases), "problems": problems}, ensure_ascii=False, indent=2))
    else:
        for p in problems:
            click.echo(_("error: {p}").format(p=p), err=True)
        if not problems:
            click.echo(_("suite {version}: {count} cases, no problems").format(version=version, count=len(cases)))
    sys.exit(1 if problems else 0)


@conformance.command()
@click.option("--target", help="HOST:PORT of the implementation under test.")
@click.option("--in-process", is_flag=True, help="Start this gateway on a loopback port with the suite's TEST-ONLY keys.")
@click.option("--ca", type=InputFile(path_type=Path), help="CA certificate of the target (default: the suite's test CA).")
@click.option("--cert", type=InputFile(path_type=Path), help="Client certificate (default: the suite's Hebei platform).")
@click.option("--key", type=InputFile(path_type=Path), help="Client private key for --cert.")
@click.option("--insecure", is_flag=True, help="Plaintext; cases that need mutual TLS are skipped and the run cannot pass.")
@click.option("--level", type=click.Choice(LEVELS), default="full", show_default=True)
@click.option("--group", "groups", multiple=True, help="Only this group (repeatable).")
@click.option("--case", "case_ids", multiple=True, help="Only this case id (repeatable).")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), help="Write conformance.json, .junit.xml and .html here.")
@click.option("--jobs", type=click.IntRange(1, 64), default=4, show_default=True, help="Cases run at the same time.")
@click.option("--deadline", type=click.FloatRange(0.1), default=20.0, show_default=True, help="Seconds per case.")
@click.option("--sign", "sign_key", type=InputFile(path_type=Path), help="Sign the JSON report with this key (a conformance attestation).")
@click.option("--issuer", help="Trust-list entity id the --sign key belongs to.")
@click.option("--key-id", help="Key id on the trust list (default: ISSUER#ed25519-1 or #p256-1).")
@click.option("--version", "version", default="v1", show_default=True)
@click.option("--implementation", metavar="NAME@VERSION",
              help="The implementation under test, named in the reports and the signed claim (e.g. acme-pcf@2.4.1).")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report on stdout.")
def run(target: str | None, in_process: bool, ca: Path | None, cert: Path | None, key: Path | None, insecure: bool,
        level: str, groups: tuple[str, ...], case_ids: tuple[str, ...], report_dir: Path | None, jobs: int,
        deadline: float, sign_key: Path | None, issuer: str | None, key_id: str | None, version: str,
        implementation: str | None, as_json: bool) -> None:
    """Run the suite against --target HOST:PORT (or --in-process); exit 0 only when every
    mandatory case of the level passes."""
    import contextlib

    from conformance_tests.inprocess import in_process_server
    from conformance_tests.preflight import preflight
    from conformance_tests.report import json_report, utc_now_text, write_reports
    from conformance_tests.runner import Target, run_cases
    from conformance_tests.signed import sign_report
    from conformance_tests.suite import load_suite

    if bool(target) == in_process:
        raise click.UsageError(_("give exactly one of --target HOST:PORT and --in-process"))
    if bool(cert) != bool(key):
        raise click.UsageError(_("--cert and --key go together"))
    if sign_key and not issuer:
        raise click.UsageError(_("--sign needs --issuer"))
    if implementation is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", implementation):
        raise click.BadParameter(_("give NAME@VERSION, e.g. acme-pcf@2.4.1"), param_hint="--implementation")
    if in_process and implementation is None:
        from importlib.metadata import version as installed

        implementation = f"jjj-footprint-gateway@{installed('jjj-footprint-gateway')}"
    suite = load_suite(version)
    cases = suite.select(level=level, groups=groups, ids=case_ids)
    if not cases:
        raise click.UsageError(_("no case matches the selection"))
    keys = suite.root / "keys"
    with contextlib.ExitStack() as stack:
        if in_process:
            where = stack.enter_context(in_process_server(keys))
            label = f"in-process fpgw {where.address}"
        else:
            where = Target(address=target, keys=keys, ca=ca, cert=cert, key=key, insecure=insecure)
            label = target
            problem = preflight(where)
            if problem:
                click.echo(f"{_(ERROR)}: {problem}", err=True)
                sys.exit(1)
        run_at = utc_now_text()
        started = time.monotonic()
        with click.progressbar(length=len(cases), label=_("{count} cases").format(count=len(cases)), file=sys.stderr,
                               show_pos=True) as bar:
            results = run_cases(cases, suite, where, jobs=jobs, deadline=deadline, progress=lambda r: bar.update(1))
        seconds = time.monotonic() - started
    report = json_report(suite, results, target=label, level=level, seconds=seconds,
                         implementation=implementation, run_at=run_at)
    if report_dir:
        paths = write_reports(report, report_dir)
        if sign_key:
            vc = sign_report(paths["json"].read_bytes(), report, sign_key, issuer, key_id)
            (report_dir / "conformance.attestation.json").write_bytes(vc)
    elif sign_key:
        raise click.UsageError(_("--sign needs --report-dir for the report and its attestation"))
    t = report["totals"]
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for case in report["cases"]:
            if case["outcome"] == "failed":
                test = next(x for x in case["tests"] if not x["passed"])
                click.echo(_("FAIL {node}: {description}: {value}").format(node=case['node'], description=test['description'], value='; '.join(test['problems'])[:300]))
        name = f" ({implementation})" if implementation else ""
        click.echo(f"{_(PASSED) if report['passed'] else _(FAILED)} " + _("level {level}").format(level=level) + name + ": "
                   + _("{passed} passed, {failed} failed, {skipped} skipped of {cases} cases in {seconds:.1f} s").format(
                       passed=t["passed"], failed=t["failed"], skipped=t["skipped"], cases=t["cases"], seconds=seconds))
    sys.exit(0 if report["passed"] else 1)
