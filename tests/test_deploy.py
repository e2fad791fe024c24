"""deploy/: every configuration passes --check-config, every file the Dockerfile, compose
file and unit reference exists, the compose file parses, and no key or certificate ships."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gateway.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
CONFIGS = sorted(DEPLOY.rglob("*.toml"))


def test_deploy_has_the_promised_configurations() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in CONFIGS}
    assert {"single-node/gateway.toml", "replicas/gateway.toml", "regions/beijing.toml", "regions/tianjin.toml",
            "regions/hebei.toml"} <= names


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_every_configuration_checks(config: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--check-config", str(config), "--no-files", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"]


def test_check_config_names_missing_files_and_bad_settings(tmp_path) -> None:
    config = tmp_path / "g.toml"
    config.write_text((DEPLOY / "single-node/gateway.toml").read_text().replace('root = "z6Mk', 'root = "zBAD'))
    result = CliRunner().invoke(main, ["serve", "--check-config", str(config)])
    assert result.exit_code == 1
    assert "tls.cert names /etc/fpgw/tls/hebei-server.pem, which does not exist" in result.output
    assert "trust.root is not a public key" in result.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[server]\naddress = 'nowhere'\n")
    refused = CliRunner().invoke(main, ["serve", "--check-config", str(broken), "--no-files"])
    assert refused.exit_code == 1 and "error: INVALID_CONFIGURATION: server.address: address 'nowhere' needs host:port" in refused.output


def test_the_three_regions_pull_each_other() -> None:
    import tomllib

    regions = {p.stem: tomllib.loads(p.read_text()) for p in (DEPLOY / "regions").glob("*.toml")}
    for name, config in regions.items():
        peers = {k: v for k, v in config["peers"].items() if isinstance(v, dict)}
        assert {v["identity"] for v in peers.values()} == {regions[o]["server"]["identity"] for o in regions if o != name}


def test_no_secret_material_ships() -> None:
    shipped = [p for p in DEPLOY.rglob("*") if p.is_file()]
    assert not [p for p in shipped if p.suffix in (".pem", ".key", ".crt", ".p12")]
    assert not [p for p in shipped if b"PRIVATE KEY" in p.read_bytes()]


def test_dockerfile_copies_what_exists() -> None:
    dockerfile = (DEPLOY / "docker/Dockerfile").read_text()
    sources = [part for line in dockerfile.splitlines() if line.startswith("COPY ") and "--from" not in line
               for part in line.split()[1:-1]]
    assert sources and all((ROOT / s).exists() for s in sources), sources


def test_compose_parses_and_references_what_exists() -> None:
    compose_file = DEPLOY / "docker/compose.yaml"
    compose = yaml.safe_load(compose_file.read_text())
    assert {"beijing", "tianjin", "hebei", "postgres", "pki"} <= set(compose["services"])
    for name, service in compose["services"].items():
        if "build" in service:
            context = compose_file.parent / service["build"]["context"]
            assert (context / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (compose_file.parent / source).is_file(), (name, source)
            else:
                assert source in compose["volumes"], (name, source)
    for region in ("beijing", "tianjin", "hebei"):
        peers = tomllib_peers(compose_file.parent / f"config/{region}.toml")
        assert peers == {f"{o}:50051" for o in ("beijing", "tianjin", "hebei") if o != region}


def tomllib_peers(path: Path) -> set[str]:
    import tomllib

    return {v["address"] for v in tomllib.loads(path.read_text())["peers"].values() if isinstance(v, dict)}


def test_systemd_unit_runs_the_checked_config_and_reloads_with_sighup() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(DEPLOY / "systemd/fpgw.service")
    service = unit["Service"]
    assert re.fullmatch(r"\S+/fpgw serve --config /etc/fpgw/gateway.toml", service["ExecStart"])
    assert service["ExecStartPre"].endswith("fpgw serve --check-config /etc/fpgw/gateway.toml")
    assert service["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
