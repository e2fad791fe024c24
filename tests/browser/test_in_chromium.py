"""Labels, the verification page and the translation report as a person sees them: rendered by
headless Chromium, checked by their text (Chinese included) and, for the label, by decoding
the QR code out of Chromium's own screenshot. Screenshots stay in out/browser/."""

from __future__ import annotations

import html
import json
import re

import zxingcpp
from click.testing import CliRunner
from PIL import Image

from gateway.cli import main
from gateway.examples import example

from ..chromium import dump_dom, needs_chromium, screenshot

pytestmark = needs_chromium


def _text(dom: str) -> str:
    """The DOM's text content, tags removed (SVG text runs concatenated)."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", dom, flags=re.S)))


def test_label_html_and_svg_render_with_a_qr_code_that_opens_the_page(tmp_path, site) -> None:
    source = example("tianjin-ev-battery-pack-nmc.json")
    url = f"{site.base_url}/verify/{site.digests['battery'].removeprefix('sha256:')}"
    for kind in ("html", "svg"):
        out = tmp_path / f"label.{kind}"
        result = CliRunner().invoke(main, ["label", str(source), "--verify-base", site.base_url, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = _text(dump_dom(out.as_uri(), tmp_path / f"profile-{kind}"))
        for expected in ("产品碳足迹标识", "三元锂离子动力电池包 NMC811 75 kWh", "5850.0", "千克二氧化碳当量 / 1 件",
                         "从摇篮到坟墓 Cradle to grave", "扫码验证"):
            assert expected in text, (kind, expected)
        # A6 at 96 CSS px per inch is 397 x 559 px; scaled 2x so the QR modules are crisp
        shot = screenshot(out.as_uri(), tmp_path / f"shot-{kind}", f"label-{kind}.png", (794, 1118),
                          "--force-device-scale-factor=2")
        codes = zxingcpp.read_barcodes(Image.open(shot))
        assert [c.text for c in codes] == [url], kind


def test_the_verification_page_in_the_browser(tmp_path, site) -> None:
    url = f"{site.base_url}/verify/{site.digests['battery'].removeprefix('sha256:')}"
    tls = ("--ignore-certificate-errors",)  # the test CA is not in Chromium's store
    text = _text(dump_dom(url, tmp_path / "profile", *tls))
    for expected in ("碳足迹验证 Carbon footprint verification", "有效 Active", "5850.0", "天津市产品碳足迹平台",
                     "验证通过 valid now", "互认决定 Recognition decisions", "cn-bj", "#1",
                     "pact-v3", "← 登记原件 registered original"):
        assert expected in text, expected
    screenshot(url, tmp_path / "shot", "verification-page.png", (1100, 1600), *tls)
    superseded = f"{site.base_url}/verify/{site.digests['steel-v1'].removeprefix('sha256:')}"
    dom = dump_dom(superseded, tmp_path / "profile-2", *tls)
    assert 'class="alert" data-state="superseded"' in dom and "已被新版本取代 Superseded by a newer version" in _text(dom)
    screenshot(superseded, tmp_path / "shot-2", "verification-page-superseded.png", (1100, 900), *tls)


def test_the_translation_report_lists_every_entry_of_the_json_report(tmp_path) -> None:
    source = example("tianjin-ev-battery-pack-nmc.json")
    report_json, report_html = tmp_path / "r.json", tmp_path / "r.html"
    result = CliRunner().invoke(main, ["convert", str(source), "--to", "pact-v2", "-o", str(tmp_path / "out.json"),
                                       "--report", str(report_json), "--report-html", str(report_html)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_json.read_text("utf-8"))
    dom = dump_dom(report_html.as_uri(), tmp_path / "profile")
    rows = re.findall(r'<tr data-entry="(\d+)" data-kind="(\w+)">(.*?)</tr>', dom, flags=re.S)
    assert sorted(int(i) for i, _, _ in rows) == list(range(len(report["entries"])))
    for index, kind, row in rows:
        entry = report["entries"][int(index)]
        cells = _text(row)
        assert kind == entry["kind"]
        for key in ("sourcePath", "targetPath", "detail"):
            if entry.get(key):
                assert entry[key] in cells, (index, key)
    assert re.search(r'id="total-entries">(\d+)<', dom).group(1) == str(len(report["entries"]))
    assert "翻译报告 Translation report" in _text(dom)
    loss = re.search(r'<section data-group="loss">(.*?)</section>', dom, flags=re.S).group(1)
    assert 'data-kind="unrepresentable"' in loss and 'data-kind="converted"' not in loss
    screenshot(report_html.as_uri(), tmp_path / "shot", "translation-report.png", (1200, 1400))
