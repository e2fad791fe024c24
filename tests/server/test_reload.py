"""What a reload applies while running ([peers], [logging]) and what it says about the rest:
a changed setting that needs a restart is named in one warning and not pretended applied."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest

from gateway.server import ServerConfig, StoreConfig, create_server
from gateway.server.logs import ACCESS_LOGGER
from gateway.server.opsconfig import LoggingConfig


@pytest.fixture
def restored_logging():
    """reload() configures the ``gateway`` loggers as ``fpgw serve`` does; put them back."""
    logger, access = logging.getLogger("gateway"), logging.getLogger(ACCESS_LOGGER)
    saved = (list(logger.handlers), logger.level, logger.propagate, access.disabled)
    yield
    logger.handlers[:], logger.level, logger.propagate, access.disabled = saved


def test_reload_names_the_settings_that_wait_for_a_restart(tmp_path, capsys, restored_logging) -> None:
    config = ServerConfig(address="127.0.0.1:0", store=StoreConfig(url=str(tmp_path / "gateway.sqlite")))
    gateway, _ = create_server(config)
    try:
        gateway.reload(config)
        assert capsys.readouterr().err == ""
        edited = replace(config, max_workers=config.max_workers + 3, logging=LoggingConfig(level="warning"))
        gateway.reload(edited)
        (line,) = capsys.readouterr().err.splitlines()
        assert json.loads(line)["settings"] == ["max_workers"]
        assert gateway.config.max_workers == config.max_workers  # still the running server's value
        assert gateway.config.logging.level == "warning"  # applied
    finally:
        gateway.stop(0)
