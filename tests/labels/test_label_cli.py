"""``fpgw label``: every example as SVG, PNG, PDF and HTML; the QR code decodes to the page's
URL; the PDF's text layer holds the footprint; sizes are A6 and 40 x 30 mm."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from gateway.cli import main
from gateway.examples import declarations, example
from gateway.translate import read
from signing import document_digest

BASE = "https://pcf.tianjin.example"
EXAMPLES = declarations()
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def label(tmp_path: Path, source: Path, suffix: str, *args: str) -> Path:
    out = tmp_path / f"{source.stem}.{source.suffix[1:]}.{suffix}"
    result = CliRunner().invoke(main, ["label", str(source), "--verify-base", BASE, "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def expected_url(source: Path) -> str:
    media = "xml" if source.suffix == ".xml" else "json"
    return f"{BASE}/verify/{document_digest(source.read_bytes(), media).removeprefix('sha256:')}"


def qr_text(png: Path) -> str:
    (code,) = zxingcpp.read_barcodes(Image.open(png))
    return code.text


@pytest.mark.parametrize("source", EXAMPLES, ids=lambda p: p.name)
def test_every_example_makes_all_four_labels(tmp_path, source) -> None:
    svg, html = label(tmp_path, source, "svg"), label(tmp_path, source, "html")
    png, pdf = label(tmp_path, source, "png"), label(tmp_path, source, "pdf")
    total = format(read(source.read_bytes()).declaration.results.total_excluding_biogenic.amount, "f")
    assert svg.read_bytes().startswith(b"<?xml") and f">{total}</text>".encode() in svg.read_bytes()
    assert html.read_bytes().startswith(b"<!DOCTYPE html>") and "产品碳足迹标识".encode() in html.read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert qr_text(png) == expected_url(source)


def test_the_qr_digest_survives_reindentation(tmp_path) -> None:
    source = example("hebei-hot-rolled-steel-coil.json")
    import json

    squashed = tmp_path / "squashed.json"
    squashed.write_text(json.dumps(json.loads(source.read_text("utf-8")), ensure_ascii=False, separators=(",", ":")))
    assert qr_text(label(tmp_path, squashed, "png")) == qr_text(label(tmp_path, source, "png"))


@needs_poppler
@pytest.mark.parametrize("size, points", [("a6", (297.64, 419.53)), ("sticker", (113.39, 85.04))])
def test_pdf_page_size_and_text_layer(tmp_path, size, points) -> None:
    source = example("tianjin-ev-battery-pack-nmc.json")
    pdf = label(tmp_path, source, "pdf", "--size", size)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "5850.0" in text and "kg CO2e" in text
    if size == "a6":
        assert "产品碳足迹标识" in text and "Tianjin Haihe Power Battery Systems" in text and "从摇篮到坟墓" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = (Decimal(n) for n in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width, 1), round(height, 1)) == (round(Decimal(points[0]), 1), round(Decimal(points[1]), 1))


def test_grade_and_example_marking(tmp_path) -> None:
    scheme = Path(__file__).resolve().parents[2] / "mappings" / "grading" / "examples" / "example-battery-cf-classes.toml"
    svg = label(tmp_path, example("tianjin-ev-battery-pack-nmc.json"), "svg", "--grading-scheme", str(scheme))
    text = svg.read_text("utf-8")
    # 5850 kg over 112500 kWh = 0.052 kg/kWh: class B (up to 0.06) of the example scheme
    assert ">B</text>" in text and "示例 EXAMPLE" in text
    plain = label(tmp_path, example("tianjin-ev-battery-pack-nmc.json"), "svg").read_text("utf-8")
    assert "示例" not in plain and "等级 Class" not in plain


def test_a_translated_document_points_at_the_registered_original(tmp_path) -> None:
    from signing import RegisteredClaim
    from signing.testpki import make_test_pki

    pki = make_test_pki(tmp_path / "pki")
    source = example("tianjin-light-means-of-transport-battery.json")
    decl = read(source.read_bytes()).declaration
    original = document_digest(source.read_bytes(), "json")
    registered = pki["tianjin"].attest(RegisteredClaim("cn-jjj-json", str(decl.id), decl.version, "120000",
                                                      record_id="TJ-2025-000001"), original)
    from signing.jcs import canonicalize

    (tmp_path / "reg.json").write_bytes(canonicalize(registered))
    key = pki.files["tianjin_ed25519"]
    pact = tmp_path / "lmt.pact.json"
    converted = CliRunner().invoke(main, ["convert", str(source), "--to", "pact-v3", "-o", str(pact), "--sign", str(key),
                                          "--issuer", "urn:jjj:platform:tianjin", "--key-id", pki["tianjin"].ed25519_key_id])
    assert converted.exit_code == 0, converted.output
    svg = label(tmp_path, pact, "png", "--attestation", str(tmp_path / "reg.json"), "--attestation",
                f"{pact}.attestation.json", "--trust-list", str(pki.files["trust_list"]), "--root", pki.root_multikey)
    assert qr_text(svg) == f"{BASE}/verify/{original.removeprefix('sha256:')}"
    html = label(tmp_path, pact, "html", "--attestation", str(tmp_path / "reg.json"), "--attestation",
                 f"{pact}.attestation.json", "--trust-list", str(pki.files["trust_list"]), "--root", pki.root_multikey)
    printed = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", html.read_text("utf-8")))
    # the registration row, named as the trust list names the registrar (wrapped over two lines)
    assert "天津市 Tianjin · 天津市产品碳足迹平台 Tianjin PCFPlatform · TJ-2025-000001" in printed


def test_usage_errors_are_clean(tmp_path) -> None:
    source = str(example("beijing-cement.json"))
    no_base = CliRunner().invoke(main, ["label", source, "-o", str(tmp_path / "x.svg")], env={"FPGW_HTTPS_BASE_URL": ""})
    assert no_base.exit_code == 2 and "--verify-base" in no_base.output
    bad_kind = CliRunner().invoke(main, ["label", source, "--verify-base", BASE, "-o", str(tmp_path / "x.gif")])
    assert bad_kind.exit_code == 2
    plain_http = CliRunner().invoke(main, ["label", source, "--verify-base", "http://pcf.example", "-o", str(tmp_path / "x.svg")])
    assert plain_http.exit_code == 1 and "https://" in plain_http.output
