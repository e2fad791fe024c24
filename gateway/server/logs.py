"""Structured logs: one JSON object a line (or plain text), a configurable level, an access log.

Every ``extra=`` field of a log call becomes a key of the JSON object; ``pid`` names the
process (one of several workers of a multi-process server). The access log is the
``gateway.access`` logger: one line per RPC with method, reason, milliseconds and caller.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import IO

import orjson

from .opsconfig import LoggingConfig

ACCESS_LOGGER = "gateway.access"
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker, when several processes share the port
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}
        line = super().format(record)
        return line + "".join(f" {k}={v}" for k, v in extra.items())


def configure_logging(config: LoggingConfig, stream: IO[str] | None = None) -> logging.Handler:
    """Route the ``gateway`` loggers to ``stream`` (stderr) at the configured level; return the
    handler (replacing one installed before)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if config.format == "json" else TextFormatter())
    handler.set_name("fpgw")
    logger = logging.getLogger("gateway")
    for old in [h for h in logger.handlers if h.get_name() == "fpgw"]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(config.level.upper())
    logger.propagate = False
    logging.getLogger(ACCESS_LOGGER).disabled = not config.access_log
    return handler
