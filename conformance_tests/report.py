"""Reports of a run: JSON for machines, JUnit XML for CI systems, one self-contained HTML
page for people (summary by group with an inline SVG chart, failures first, bilingual)."""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .runner import CaseResult, verdict
from .suite import GROUPS, OPTIONAL, Suite

OUTCOMES = ("passed", "failed", "skipped")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def summary(results: list[CaseResult]) -> dict[str, dict[str, int]]:
    groups: dict[str, Counter] = {}
    for r in results:
        groups.setdefault(r.case.group, Counter())[r.outcome] += 1
    order = [g for g in (*GROUPS, OPTIONAL) if g in groups]
    return {g: {o: groups[g][o] for o in OUTCOMES} for g in order}


def json_report(suite: Suite, results: list[CaseResult], *, target: str, level: str, seconds: float,
                implementation: str | None = None, run_at: str | None = None) -> dict[str, Any]:
    """``implementation`` is ``NAME@VERSION`` as the operator names it; ``run_at`` the run's
    start (RFC 3339 UTC, default now)."""
    totals = Counter(r.outcome for r in results)
    return {
        "suite": {"version": suite.version, "digest": suite.digest},
        "implementation": implementation, "run_at": run_at or utc_now_text(),
        "target": target, "level": level, "passed": verdict(results), "seconds": round(seconds, 3),
        "totals": {o: totals[o] for o in OUTCOMES} | {"cases": len(results)},
        "groups": summary(results),
        "cases": [{
            "id": r.case.id, "node": r.case.node_id, "group": r.case.group, "level": r.case.level,
            "mandatory": r.mandatory, "outcome": r.outcome, "seconds": round(r.seconds, 4),
            "description": r.case.description, "specification": list(r.case.specification),
            **({"skip_reason": r.reason} if r.reason else {}),
            "tests": [{"index": t.index, "description": t.description, "operation": t.operation, "passed": t.passed,
                       "seconds": round(t.seconds, 4),
                       **({} if t.passed else {"problems": t.problems, "expected": _plain(t.expected),
                                                "actual": _plain(t.actual)})} for t in r.tests],
        } for r in results],
    }


def utc_now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def junit_xml(report: dict[str, Any]) -> bytes:
    suites = ET.Element("testsuites", name=f"jjj-conformance {report['suite']['version']}",
                        tests=str(report["totals"]["cases"]), failures=str(report["totals"]["failed"]),
                        skipped=str(report["totals"]["skipped"]), time=str(report["seconds"]),
                        timestamp=report["run_at"])
    by_group: dict[str, list[dict[str, Any]]] = {}
    for case in report["cases"]:
        by_group.setdefault(case["group"], []).append(case)
    for group, cases in by_group.items():
        counts = Counter(c["outcome"] for c in cases)
        node = ET.SubElement(suites, "testsuite", name=group, tests=str(len(cases)), failures=str(counts["failed"]),
                             skipped=str(counts["skipped"]), time=str(round(sum(c["seconds"] for c in cases), 3)),
                             timestamp=report["run_at"])
        properties = ET.SubElement(node, "properties")
        for name in ("implementation", "target", "level", "run_at"):
            ET.SubElement(properties, "property", name=name, value=str(report[name] or ""))
        for case in cases:
            tc = ET.SubElement(node, "testcase", classname=case["node"].rsplit("/", 1)[0].replace("/", "."),
                               name=case["id"], time=str(case["seconds"]))
            if case["outcome"] == "skipped":
                ET.SubElement(tc, "skipped", message=case.get("skip_reason", ""))
            elif case["outcome"] == "failed":
                failed = next(t for t in case["tests"] if not t["passed"])
                failure = ET.SubElement(tc, "failure", message="; ".join(failed["problems"])[:500])
                failure.text = json.dumps({"test": failed["description"], "expected": failed["expected"],
                                           "actual": failed["actual"], "specification": case["specification"]},
                                          ensure_ascii=False, indent=1)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)


_COLOURS = {"passed": "#2e7d32", "failed": "#c62828", "skipped": "#9e9e9e"}


def _chart(groups: dict[str, dict[str, int]]) -> str:
    """Horizontal stacked bars, one per group, scaled to the largest group."""
    width, bar, gap, label = 560, 18, 8, 110
    biggest = max((sum(c.values()) for c in groups.values()), default=1) or 1
    rows = []
    for i, (group, counts) in enumerate(groups.items()):
        y, x = i * (bar + gap), label
        rows.append(f'<text x="0" y="{y + 13}" font-size="12">{html.escape(group)}</text>')
        for outcome in OUTCOMES:
            w = counts[outcome] * (width - label - 60) / biggest
            if w:
                rows.append(f'<rect class="bar-{outcome}" data-group="{group}" data-count="{counts[outcome]}" x="{x:.1f}" '
                            f'y="{y}" width="{w:.1f}" height="{bar}" fill="{_COLOURS[outcome]}"/>')
            x += w
        rows.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{sum(counts.values())}</text>')
    height = len(groups) * (bar + gap)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
            f'aria-label="cases by group and outcome">{"".join(rows)}</svg>')


def html_report(report: dict[str, Any]) -> str:
    e = html.escape
    t = report["totals"]
    verdict_text = "通过 / PASSED" if report["passed"] else "未通过 / FAILED"
    group_rows = "".join(
        f'<tr data-group="{e(g)}"><td>{e(g)}</td>' + "".join(f'<td class="{o}" data-outcome="{o}">{c[o]}</td>' for o in OUTCOMES)
        + "</tr>" for g, c in report["groups"].items())
    ordered = sorted(report["cases"], key=lambda c: ({"failed": 0, "skipped": 2}.get(c["outcome"], 1), c["node"]))
    failures = []
    for case in (c for c in ordered if c["outcome"] == "failed"):
        test = next(x for x in case["tests"] if not x["passed"])
        spec = "; ".join(f'{s["source"]} {s["section"]}' for s in case["specification"])
        failures.append(
            f'<section class="failure" data-case="{e(case["node"])}"><h3>{e(case["node"])}</h3>'
            f'<p>{e(case["description"])}</p><p><b>规范 / Specification:</b> {e(spec)}</p>'
            f'<p><b>测试 / Test:</b> {e(test["description"])} ({e(test["operation"])})</p>'
            f'<ul>{"".join(f"<li>{e(p)}</li>" for p in test["problems"])}</ul>'
            f'<div class="cmp"><div><h4>期望 / Expected</h4><pre>{e(json.dumps(test["expected"], ensure_ascii=False, indent=1))}</pre></div>'
            f'<div><h4>实际 / Actual</h4><pre>{e(json.dumps(test["actual"], ensure_ascii=False, indent=1))}</pre></div></div></section>')
    case_rows = "".join(
        f'<tr class="{c["outcome"]}"><td>{e(c["node"])}</td><td class="description">{e(c["description"])}</td>'
        f'<td>{e(c["level"])}</td><td>{e(c["outcome"])}</td>'
        f'<td>{c["seconds"]:.3f}</td><td>{e(c.get("skip_reason", ""))}</td></tr>' for c in ordered)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>一致性测试报告 / Conformance report</title>
<style>
body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.25em .6em;text-align:left}}
.passed{{color:#2e7d32}}.failed{{color:#c62828}}.skipped{{color:#757575}}
.failure{{border-left:4px solid #c62828;padding-left:1em;margin:1em 0}}
.cmp{{display:flex;gap:1em}}.cmp>div{{flex:1;min-width:0}}pre{{background:#f6f6f6;padding:.5em;overflow:auto;max-height:20em}}
</style></head><body>
<h1>一致性测试报告 / Conformance report</h1>
<table id="meta">
<tr><th>结论 / Verdict</th><td id="verdict">{verdict_text}</td></tr>
<tr><th>被测实现 / Implementation</th><td id="implementation">{e(report["implementation"] or "-")}</td></tr>
<tr><th>被测对象 / Target</th><td id="target">{e(report["target"])}</td></tr>
<tr><th>运行时间 / Run at</th><td id="run-at">{e(report["run_at"])}</td></tr>
<tr><th>级别 / Level</th><td id="level">{e(report["level"])}</td></tr>
<tr><th>测试集 / Suite</th><td id="suite">{e(report["suite"]["version"])} {e(report["suite"]["digest"])}</td></tr>
<tr><th>用例 / Cases</th><td id="total-cases">{t["cases"]}</td></tr>
<tr><th>通过 / Passed</th><td id="total-passed">{t["passed"]}</td></tr>
<tr><th>失败 / Failed</th><td id="total-failed">{t["failed"]}</td></tr>
<tr><th>跳过 / Skipped</th><td id="total-skipped">{t["skipped"]}</td></tr>
<tr><th>耗时 / Time (s)</th><td>{report["seconds"]}</td></tr>
</table>
<h2>分组汇总 / Summary by group</h2>
{_chart(report["groups"])}
<table id="groups"><tr><th>组 / Group</th><th>通过 / Passed</th><th>失败 / Failed</th><th>跳过 / Skipped</th></tr>{group_rows}</table>
<h2>失败用例 / Failures ({t["failed"]})</h2>
{"".join(failures) or "<p>无 / None</p>"}
<h2>全部用例 / All cases</h2>
<table id="cases"><tr><th>用例 / Case</th><th>说明 / Description</th><th>级别 / Level</th><th>结果 / Outcome</th><th>秒 / s</th><th>原因 / Reason</th></tr>{case_rows}</table>
</body></html>
"""


def write_reports(report: dict[str, Any], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "conformance.json", "junit": folder / "conformance.junit.xml",
             "html": folder / "conformance.html"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths["junit"].write_bytes(junit_xml(report))
    paths["html"].write_text(html_report(report), encoding="utf-8")
    return paths
