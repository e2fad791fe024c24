"""The README's signing walk-through, run command by command in its order: a newcomer who
copies it gets a verified chain and a decision, not KEY_OUT_OF_VALIDITY."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from gateway import examples
from gateway.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = examples.example("hebei-hot-rolled-steel-coil.json")


def signing_block() -> list[list[str]]:
    """The commands of the README's sh block that starts with `fpgw keys generate`."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), flags=re.S)
    block = next(b for b in blocks if "fpgw trust sign" in b)
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        for part in line.split("#", 1)[0].split("&&"):
            words = shlex.split(part)
            if words and words[0] == "fpgw" and words[1] != "serve":
                commands.append(words[1:])
    return commands


def test_readme_signing_walkthrough_runs_in_order(tmp_path: Path, monkeypatch) -> None:
    shutil.copy(EXAMPLE, tmp_path / "decl.json")
    monkeypatch.chdir(tmp_path)
    commands = signing_block()
    assert commands[0][:2] == ["keys", "generate"] and commands[-1][0] == "assess"
    runner = CliRunner()
    root = None
    outputs: dict[str, str] = {}
    for words in commands:
        words = [root if w == "z6Mk..." else w for w in words]
        result = runner.invoke(main, words)
        assert result.exit_code == 0, (words, result.output)
        outputs[words[0]] = result.stdout
        if words[:2] == ["keys", "export"]:
            root = result.stdout.strip()
    assert outputs["verify"].startswith("chain verified:")
    registration = next(line for line in outputs["assess"].splitlines() if " registration " in line)
    assert "PASS" in registration and "Hebei PCF Platform" in registration
