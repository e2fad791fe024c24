"""The translation report for people: every entry, grouped by severity, nothing hidden."""

from __future__ import annotations

import re

from gateway.reports import group_of, translation_report_html

REPORT = {
    "sourceFormat": "pact-v3", "targetFormat": "cn-jjj-json", "mappingVersion": "m", "lossless": False,
    "counts": {"converted": 1, "dropped": 1, "supplied": 1, "brand-new-kind": 1},
    "entries": [
        {"kind": "converted", "sourcePath": "/declaredUnitAmount", "targetPath": "declaredUnit/amount",
         "detail": "t to kg", "before": "1 t", "after": "1000 kg", "rule": "unit factor 1000"},
        {"kind": "dropped", "sourcePath": "/extensions/0", "targetPath": None, "detail": "no place for <b>it</b>"},
        {"kind": "supplied", "sourcePath": None, "targetPath": "region", "detail": "--set region=120000"},
        {"kind": "brand-new-kind", "sourcePath": "/x", "targetPath": "/y", "detail": "a kind this page does not know"},
    ],
}


def test_every_entry_is_listed_once_under_its_group() -> None:
    page = translation_report_html(REPORT, source="in.json", embed_font=False).decode("utf-8")
    groups = dict(re.findall(r'<section data-group="(\w+)">(.*?)</section>', page, flags=re.S))
    listed = {int(i): g for g, body in groups.items() for i in re.findall(r'data-entry="(\d+)"', body)}
    assert listed == {0: "exact", 1: "loss", 2: "attention", 3: "attention"}
    assert "<code>1 t</code> → <code>1000 kg</code>" in groups["exact"] and "(unit factor 1000)" in groups["exact"]
    assert "no place for &lt;b&gt;it&lt;/b&gt;" in groups["loss"]  # escaped, never markup
    assert list(groups) == ["loss", "attention", "exact"]  # most serious first
    assert group_of("brand-new-kind") == "attention"


def test_the_embedded_font_covers_the_page() -> None:
    page = translation_report_html(REPORT).decode("utf-8")
    assert "@font-face{font-family:'JJJ Label Sans';src:url(data:font/ttf;base64," in page
