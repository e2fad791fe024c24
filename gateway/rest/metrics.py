"""REST request metrics: each HTTP request counted and timed by method, route pattern (not
the path, so ids do not explode the label set) and status, into the gateway's metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Observe = Callable[[str, str, int, float], None]


class RequestMetrics:
    """ASGI wrapper; ``observe(method, route, status, seconds)`` after every HTTP request."""

    def __init__(self, app: Any, observe: Observe) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # Starlette's router records the matched route in the (shared) scope.
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.observe(scope["method"], route, status, time.perf_counter() - started)
