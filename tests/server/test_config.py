"""TOML configuration with FPGW_* environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gateway.core.errors import ConfigurationError
from gateway.server import load_config
from gateway.server.config import available_cores
from signing import generate_key

TOML = """
[server]
address = "127.0.0.1:7443"
identity = "urn:jjj:platform:tianjin"
max_workers = 8

[tls]
cert = "certs/server.pem"
key = "certs/server.key"
client_ca = "certs/ca.pem"

[store]
url = "postgresql://postgres@127.0.0.1:5432/test"
schema = "tianjin"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_values_and_relative_paths(tmp_path) -> None:
    config = load_config(_write(tmp_path, TOML), env={})
    assert (config.address, config.identity, config.max_workers) == ("127.0.0.1:7443", "urn:jjj:platform:tianjin", 8)
    assert config.tls.cert == tmp_path / "certs/server.pem" and config.tls.mutual
    assert config.store.schema == "tianjin" and config.max_concurrent_rpcs == 64


def test_environment_overrides_the_file(tmp_path) -> None:
    env = {"FPGW_SERVER_MAX_WORKERS": "2", "FPGW_SERVER_INSECURE": "true", "FPGW_STORE_URL": "x.sqlite",
           "HOME": "/root"}
    config = load_config(_write(tmp_path, TOML), env=env)
    assert config.max_workers == 2 and config.insecure is True and config.store.url == "x.sqlite"


def test_defaults_without_a_file() -> None:
    config = load_config(None, env={})
    assert config.address == "127.0.0.1:50051" and config.tls is None and config.store.url == "gateway.sqlite"
    assert config.processes == "auto" and config.process_count == available_cores()


def test_processes_auto_is_one_per_core_on_a_fixed_port_and_one_on_port_0(tmp_path) -> None:
    cores = len(os.sched_getaffinity(0))
    assert load_config(None, env={"FPGW_SERVER_ADDRESS": "127.0.0.1:7443"}).process_count == cores
    assert load_config(None, env={"FPGW_SERVER_ADDRESS": "127.0.0.1:0"}).process_count == 1
    https = '[tls]\ncert = "s.pem"\nkey = "s.key"\n[https]\naddress = "127.0.0.1:0"\n'
    assert load_config(_write(tmp_path, '[server]\naddress = "127.0.0.1:7443"\n' + https), env={}).process_count == 1
    explicit = load_config(_write(tmp_path, '[server]\naddress = "127.0.0.1:7443"\nprocesses = 3\n'), env={})
    assert (explicit.processes, explicit.process_count) == (3, 3)
    assert load_config(None, env={"FPGW_SERVER_PROCESSES": "AUTO"}).processes == "auto"
    assert load_config(None, env={"FPGW_SERVER_PROCESSES": "4"}).process_count == 4


@pytest.mark.parametrize(
    ("text", "env", "path"),
    [
        ("[server]\nbogus = 1\n", {}, "server.bogus"),
        ("[nonsense]\n", {}, "nonsense"),
        ("", {"FPGW_SERVER_MAX_WORKERS": "many"}, "server.max_workers"),
        ("[tls]\ncert = 'a.pem'\n", {}, "tls.key"),
        ("[trust]\nlist = 't.json'\n", {}, "trust.root"),
        ("[signing]\nkey = 'k.pem'\nkey_id = 'k#1'\n", {}, "signing.issuer"),
        ("[server]\nidentity = 'urn:x'\n[signing]\nkey = 'k.pem'\nkey_id = 'k#1'\n", {}, "trust.list"),
        ("[trust]\nlist = 't.json'\nroot = 'z'\nmin_sequence = 'x'\n", {}, "trust.min_sequence"),
        ("[server]\naddress = '10.0.0.1:50051'\n", {}, "server.insecure"),
        ("[server]\nmax_workers = 100\n", {}, "server.max_concurrent_rpcs"),
        ("[server]\naddress = '127.0.0.1:0'\nprocesses = 2\n", {}, "server.processes"),
        ("[server]\nprocesses = 'many'\n", {}, "server.processes"),
        ("[server]\nprocesses = 0\n", {}, "server.processes"),
    ],
)
def test_unusable_settings_are_refused_with_their_path(tmp_path, text, env, path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_config(_write(tmp_path, text), env=env)
    assert info.value.path == path and info.value.reason == "INVALID_CONFIGURATION"


def test_unreadable_toml_is_a_configuration_error(tmp_path) -> None:
    with pytest.raises(ConfigurationError):
        load_config(_write(tmp_path, "[server\n"), env={})


def test_a_trust_list_that_does_not_verify_stops_the_start(tmp_path, signed_pki) -> None:
    from gateway.server import GatewayTrust

    other_root = generate_key().public_key.multikey
    with pytest.raises(ConfigurationError) as info:
        GatewayTrust(signed_pki.files["trust_list"], other_root)
    assert info.value.path == "trust.list" and "TRUST_LIST_INVALID" in info.value.message
    assert GatewayTrust(signed_pki.files["trust_list"], signed_pki.root_multikey).current().sequence == 1


def test_every_setting_docs_operations_names_is_accepted(tmp_path) -> None:
    """docs/operations.md and the loader agree: each `section.key` it names is a setting."""
    import re

    from gateway.server.config import _SECTIONS

    page = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text("utf-8")
    named = sorted({m for m in re.findall(r"`([a-z_]+\.[a-z_]+)`", page) if m.split(".")[0] in _SECTIONS})
    assert "store.poll_seconds" in named
    numbers = {"poll_seconds": "0.25", "pool_size": "4"}
    for setting in named:
        section, key = setting.split(".")
        if section == "store":
            config = load_config(_write(tmp_path, f"[store]\n{key} = {numbers.get(key, repr('x'))}\n"), env={})
            assert getattr(config.store, key) is not None


def test_store_poll_seconds(tmp_path) -> None:
    assert load_config(env={}).store.poll_seconds == 0.5
    assert load_config(_write(tmp_path, "[store]\npoll_seconds = 0.2\n"), env={}).store.poll_seconds == 0.2
    assert load_config(env={"FPGW_STORE_POLL_SECONDS": "2"}).store.poll_seconds == 2.0
    with pytest.raises(ConfigurationError) as info:
        load_config(_write(tmp_path, "[store]\npoll_seconds = 0\n"), env={})
    assert info.value.path == "store.poll_seconds"
