"""The translation report for people: every entry of the JSON report, grouped by severity.

Reads the report in its JSON form (:meth:`gateway.core.report.TranslationReport.as_dict`),
so the CLI, the Translate RPC and anything holding a stored report draw the same page. Each
entry shows its kind, source path, target path, what changed (before → after, with the rule,
when the entry says so) and its detail; nothing is summarised away.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from .html import esc, page


@cache
def _severity() -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath("severity.toml").read_text("utf-8"))


def group_of(kind: str) -> str:
    return _severity()["kinds"].get(kind, "attention")


def _change(entry: dict[str, Any]) -> str:
    before, after, rule = entry.get("before"), entry.get("after"), entry.get("rule")
    if before is None and after is None and rule is None:
        return ""
    arrow = f"<code>{esc(before)}</code> → <code>{esc(after)}</code>" if before is not None or after is not None else ""
    return arrow + (f' <span class="muted">({esc(rule)})</span>' if rule else "")


def _rows(entries: list[tuple[int, dict[str, Any]]]) -> str:
    return "".join(
        f'<tr data-entry="{i}" data-kind="{esc(e.get("kind"))}"><td><span class="badge">{esc(e.get("kind"))}</span></td>'
        f'<td><code>{esc(e.get("sourcePath") or "—")}</code></td><td><code>{esc(e.get("targetPath") or "—")}</code></td>'
        f"<td>{_change(e)}</td><td>{esc(e.get('detail') or e.get('message'))}</td></tr>"
        for i, e in entries
    )


def translation_report_html(report: dict[str, Any], *, source: str = "", font_url: str | None = None,
                            embed_font: bool = True) -> bytes:
    """The report as a self-contained HTML page (``embed_font=False``: system fonts only,
    for answers that must not wait for font subsetting)."""
    severity = _severity()
    entries = list(enumerate(report.get("entries", [])))
    counts = report.get("counts", {})
    verdict = ("无损 lossless" if report.get("lossless") else "有损 lossy")
    summary = (
        '<section><h2>概要 Summary</h2><table>'
        f'<tr><th>源文件 Source</th><td><code>{esc(source or "—")}</code></td></tr>'
        f'<tr><th>格式 Formats</th><td id="formats">{esc(report.get("sourceFormat"))} → {esc(report.get("targetFormat"))}</td></tr>'
        f'<tr><th>映射 Mapping</th><td><code>{esc(report.get("mappingVersion"))}</code></td></tr>'
        f'<tr><th>结果 Result</th><td id="verdict" class="{"ok" if report.get("lossless") else "bad"}">{verdict}</td></tr>'
        f'<tr><th>条目 Entries</th><td id="total-entries">{len(entries)}</td></tr>'
        + "".join(f'<tr><th>{esc(k)}</th><td data-count="{esc(k)}">{n}</td></tr>' for k, n in sorted(counts.items()))
        + "</table></section>"
    )
    sections = []
    for group in severity["order"]:
        chosen = [(i, e) for i, e in entries if group_of(str(e.get("kind"))) == group]
        if not chosen:
            continue
        title = severity["groups"][group]
        sections.append(
            f'<section data-group="{group}"><h2>{esc(title["zh"])} · {esc(title["en"])} ({len(chosen)})</h2>'
            "<table><tr><th>类别 Kind</th><th>源路径 Source path</th><th>目标路径 Target path</th>"
            f"<th>变化 Change</th><th>说明 Detail</th></tr>{_rows(chosen)}</table></section>"
        )
    body = summary + ("".join(sections) or '<section><p class="ok">无条目 No entries</p></section>')
    title = "翻译报告 Translation report"
    subtitle = f"{source} " if source else ""
    subtitle += f"{report.get('sourceFormat')} → {report.get('targetFormat')}"
    return page(title, subtitle, body, font_url=font_url, embed_font=embed_font)


def batch_index_html(files: list[tuple[str, str | None]], failures: list[dict[str, Any]], target: str, *,
                     font_url: str | None = None) -> bytes:
    """The batch summary: each input with a link to its report, or the error that stopped it."""
    errors = {f["file"]: f for f in failures}
    rows = "".join(
        f'<tr data-file="{esc(name)}"><td><code>{esc(name)}</code></td>'
        + (f'<td class="ok"><a href="{esc(link)}">报告 report</a></td><td></td>' if link else
           f'<td class="bad">失败 failed</td><td>{esc(errors.get(name, {}).get("reason"))}: '
           f'{esc(errors.get(name, {}).get("message"))}</td>')
        + "</tr>"
        for name, link in files
    )
    body = (f'<section><h2>批量转换 Batch to {esc(target)}</h2><p><span id="converted">{len(files) - len(failures)}</span>'
            f' 已转换 converted, <span id="failed">{len(failures)}</span> 失败 failed</p>'
            f"<table><tr><th>文件 File</th><th>报告 Report</th><th>错误 Error</th></tr>{rows}</table></section>")
    return page("批量翻译报告 Batch translation reports", f"{len(files)} files → {target}", body, font_url=font_url)
