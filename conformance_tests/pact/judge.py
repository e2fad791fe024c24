"""Judge one version's official PACT conformance runs (called by run-official.sh).

    python judge.py VERSION CLI_LOG SERVER_JSON

The CLI run is judged by the tool's own STATISTICS block (its exit code means nothing, see
PROVENANCE.md); the server-mode run by the results the tool's API returns. Prints the
server-mode results, one line per case, and as its last line "PASSED FAILED" (every case not
SUCCESS in either run counts as failed). Exit 0 when nothing failed and nothing is pending.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_STAT = re.compile(r"(Total Tests|Passed|Failed|Pending):\s*(\d+)")


def statistics(log: str) -> dict[str, int]:
    """The first Total/Passed/Failed/Pending figures after the tool's STATISTICS heading."""
    _, found, block = log.partition("STATISTICS")
    if not found:
        return {}
    figures: dict[str, int] = {}
    for name, value in _STAT.findall(block.split("Mandatory Tests")[0]):
        figures.setdefault(name, int(value))
    return figures


def main() -> int:
    version, cli_log, server_json = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    cli = statistics(cli_log.read_text(encoding="utf-8", errors="replace"))
    try:
        run = json.loads(server_json.read_text(encoding="utf-8"))
        results = run["results"]
    except (OSError, ValueError, KeyError):
        run, results = {}, []
    print(f"-- server-mode results for {version} (test run {run.get('testRunId', '?')})")
    for r in sorted(results, key=lambda r: [int(p) if p.isdigit() else p
                                            for p in re.split(r"[#.]", r.get("testKey", ""))[1:]]):
        mark = {"SUCCESS": "✓", "FAILURE": "✗"}.get(r["status"], "⧗")
        optional = "" if r.get("mandatory") else " (optional)"
        print(f"{mark} {r.get('testKey')}: {r.get('name')}{optional}")
        if r["status"] != "SUCCESS" and r.get("errorMessage"):
            print(f"    {r['errorMessage'][:400]}")
    passed = sum(r["status"] == "SUCCESS" for r in results)
    failed = sum(r["status"] == "FAILURE" for r in results)
    pending = sum(r["status"] not in ("SUCCESS", "FAILURE") for r in results)
    print(f"STATISTICS {version} CLI (tool's block): Total {cli.get('Total Tests', '?')}, "
          f"Passed {cli.get('Passed', '?')}, Failed {cli.get('Failed', '?')}, Pending {cli.get('Pending', '?')}")
    print(f"STATISTICS {version} server mode: Total {len(results)}, Passed {passed}, Failed {failed}, "
          f"Pending {pending}")
    cli_bad = (cli.get("Failed", 1) + cli.get("Pending", 1)) if cli else 1
    ok = bool(results) and failed == 0 and pending == 0 and cli_bad == 0 and cli.get("Total Tests", 0) > 0
    print(f"{passed} {failed + pending + cli_bad + (0 if results else 1)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
