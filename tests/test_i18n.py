"""The Chinese catalogue: every marked message is translated (placeholders kept), the
compiled catalogue is current, and the CLI speaks Chinese from LANG or --lang."""

from __future__ import annotations

import io
import re

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from gateway.cli import main
from gateway.cli.catalogue import PO_FILE, messages, unmarked
from gateway.core.i18n import choose

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)s")


def _catalogue():
    with PO_FILE.open("rb") as source:
        return read_po(source)


def test_every_marked_message_has_a_translation() -> None:
    held = {m.id: m.string for m in _catalogue() if m.id}
    wanted = messages()
    assert not sorted(wanted - set(held)), "run python -m gateway.cli.catalogue and translate"
    assert not sorted(m for m in wanted if not held[m]), "untranslated messages"
    assert not sorted(set(held) - wanted), "stale messages: run python -m gateway.cli.catalogue"


def test_every_error_message_is_marked_for_the_catalogue() -> None:
    """An error made with an English f-string or literal would stay English for every
    operator: each one is an N_ template the catalogue holds."""
    assert unmarked() == [], "write the message as N_(\"... {name} ...\", name=value)"


def test_translations_keep_every_placeholder() -> None:
    for m in _catalogue():
        if m.id:
            assert sorted(_PLACEHOLDER.findall(m.id)) == sorted(_PLACEHOLDER.findall(m.string)), m.id


def test_the_compiled_catalogue_is_current() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(), use_fuzzy=False)
    assert PO_FILE.with_suffix(".mo").read_bytes() == compiled.getvalue(), "run python -m gateway.core.i18n compile"


def test_the_language_comes_from_lang_or_the_locale() -> None:
    assert choose(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert choose(None, {"LC_ALL": "zh_TW", "LANG": "en_US.UTF-8"}) == "zh"
    assert choose(None, {"LANG": "en_US.UTF-8"}) == "en" == choose(None, {})
    assert choose("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert choose(None, {"FPGW_LANG": "en", "LANG": "zh_CN.UTF-8"}) == "en"


def _run(*args, env=None):
    return CliRunner().invoke(main, list(args), env={"LANG": "C", "LC_ALL": None, "FPGW_LANG": None, **(env or {})})


def test_help_and_usage_errors_in_chinese() -> None:
    page = _run("--help", env={"LANG": "zh_CN.UTF-8"}).output
    assert page.startswith("用法：") and "产品碳足迹" in page and "互认" in page
    assert "  list         按时间由早到晚逐页列出已存储的声明" in page
    submit = _run("--lang", "zh", "submit", "--help").output
    assert "提交 FILE 及其签名证明" in submit and "显示此帮助并退出。" in submit
    missing = _run("--lang", "zh", "submit")
    assert missing.exit_code == 2 and "错误：缺少参数 'FILE'" in missing.output
    convert = _run("--lang", "zh", "convert", "--help").output
    assert "将声明 IN 转换为另一种格式，并报告每一处改动。" in convert
    assert "目标格式标识（见 `fpgw formats`）。  [必填]" in convert
    english = _run("submit", "--help").output
    assert english.startswith("Usage:") and "Submit FILE with its attestations" in english


def test_errors_reasons_and_hints_in_chinese(tmp_path) -> None:
    down = _run("--lang", "zh", "list", "--address", "127.0.0.1:1", "--timeout", "2")
    (line,) = down.output.splitlines()
    assert line.startswith("错误: UNAVAILABLE: ") and "(提示: 127.0.0.1:1 上是否有网关在监听？" in line
    config = tmp_path / "bad.toml"
    config.write_text("[server]\naddress = 'nowhere'\n")
    bad = _run("serve", "--check-config", str(config), "--no-files", env={"LANG": "zh_CN.UTF-8"})
    assert bad.exit_code == 1
    assert bad.output.startswith("错误: INVALID_CONFIGURATION（配置文件或选项无法使用）: server.address: ")
    made = _run("--lang", "zh", "tls", "ca", "--out", str(tmp_path))
    assert made.output.strip() == f"已写入 {tmp_path / 'ca.pem'} 和 {tmp_path / 'ca.key'}（请离线保管 ca.key）"
    assert _run("--lang", "en", "tls", "ca", "--out", str(tmp_path)).output.startswith("error: ")


def test_tables_line_up_with_chinese_headers() -> None:
    from gateway.cli.remote import table

    lines = table(("游标", "标识"), [(1, "d1"), (12, "d2")]).splitlines()
    assert lines == ["游标  标识", "1     d1", "12    d2"]


def test_an_error_is_english_text_that_the_cli_shows_in_chinese() -> None:
    import pickle

    from gateway.core import i18n
    from gateway.core.errors import TrustListRollback

    error = TrustListRollback(i18n.N_("trust list sequence {sequence} is lower than {min_sequence} already accepted",
                                      sequence=3, min_sequence=7), path="/sequence")
    assert str(error) == "/sequence: trust list sequence 3 is lower than 7 already accepted"
    assert error.as_dict()["message"] == "trust list sequence 3 is lower than 7 already accepted"
    assert type(error.message) is str and pickle.loads(pickle.dumps(error.text)).params == {"sequence": 3, "min_sequence": 7}
    try:
        i18n.activate("zh")
        assert i18n.error_text(error) == "/sequence: 信任列表序号 3 低于已接受的 7"
        assert i18n.localize("not a template {x}") == "not a template {x}"
    finally:
        i18n.activate("en")
    assert i18n.error_text(error) == str(error)


def test_a_domain_error_in_chinese_from_the_locale_and_in_english_otherwise(tmp_path) -> None:
    import json
    from importlib import resources

    declaration = json.loads(resources.files("gateway.examples").joinpath("beijing-cement.json").read_text("utf-8"))
    declaration["issuingRegionCode"] = "890000"  # the schema's pattern, but no province
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(declaration, ensure_ascii=False), encoding="utf-8")
    chinese = _run("convert", str(bad), "--to", "pact-v3", "-o", str(tmp_path / "out.json"),
                   env={"LANG": "zh_CN.UTF-8"})
    assert chinese.exit_code == 1
    assert chinese.output.strip() == (
        f"错误: {bad}: INVALID_IDENTIFIER（标识符的校验码、长度或代码表条目有误）: "
        "违反 1 条规则；第一条：/issuingRegionCode：'890000' 不是 GB/T 2260 省级代码")
    as_json = json.loads(_run("--lang", "zh", "validate", str(bad), "--json").output)["error"]
    assert as_json["reason"] == "INVALID_IDENTIFIER"
    assert as_json["violations"] == [{"path": "/issuingRegionCode", "message": "'890000' 不是 GB/T 2260 省级代码"}]
    english = _run("validate", str(bad))
    assert english.output.strip() == (f"error: {bad}: INVALID_IDENTIFIER: 1 rule(s) broken; first: "
                                      "/issuingRegionCode: '890000' is not a GB/T 2260 province-level code")


def test_the_convert_summary_and_a_verified_chain_in_chinese(tmp_path) -> None:
    from importlib import resources

    example = resources.files("gateway.examples").joinpath("beijing-cement.json")
    done = _run("--lang", "zh", "convert", str(example), "--to", "pact-v3", "-o", str(tmp_path / "out.json"))
    assert done.exit_code == 0
    assert done.output.strip() == f"{example}: cn-jjj-json -> pact-v3 (无损)"
    english = _run("convert", str(example), "--to", "pact-v3", "-o", str(tmp_path / "out.json"))
    assert english.output.strip() == f"{example}: cn-jjj-json -> pact-v3 (lossless)"


def test_json_schema_violations_keep_their_english_and_read_in_chinese(tmp_path) -> None:
    import json
    from importlib import resources

    declaration = json.loads(resources.files("gateway.examples").joinpath("beijing-cement.json").read_text("utf-8"))
    declaration["declaredUnit"]["amount"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(declaration, ensure_ascii=False), encoding="utf-8")
    english = _run("validate", str(bad)).output
    assert english.strip().endswith("first at /declaredUnit/amount: -1 is less than or equal to the minimum of 0")
    chinese = _run("--lang", "zh", "validate", str(bad)).output
    assert chinese.strip().endswith("第一处在 /declaredUnit/amount：-1 小于或等于下限 0")


def test_no_function_that_translates_binds_the_name_of_the_translation() -> None:
    """``x, _ = ...`` in a function that also calls ``_()`` makes every call there an
    UnboundLocalError (comprehensions and nested functions have scopes of their own)."""
    import ast

    from gateway.cli.catalogue import SOURCES

    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp, ast.ClassDef)

    def own(node):
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, scopes):
                yield child
                yield from own(child)

    found = []
    for path in (p for source in SOURCES for p in sorted(source.rglob("*.py"))):
        for f in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef):
                binds = any(isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in own(f))
                calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
                            for n in ast.walk(f))
                if binds and calls:
                    found.append(f"{path}:{f.lineno} {f.name}")
    assert found == []
