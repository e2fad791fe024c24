"""Several items of one bidirectional stream in work at once, answered in request order.

``Executor.map`` would read the whole request stream before answering anything (and only
Python 3.14 bounds it), which stalls a client that waits for an answer before it sends the
next item. Here a reader thread takes requests as they arrive and starts each while fewer
than ``window`` are started and unanswered; the handler's thread answers them in order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import TypeVar

Request = TypeVar("Request")
Answer = TypeVar("Answer")
POLL_SECONDS = 0.5  # how often a waiting side looks whether the call ended
_END = object()


def in_order(requests: Iterator[Request], start: Callable[[Request], Future[Answer]], window: int,
             active: Callable[[], bool]) -> Iterator[Answer]:
    """Yield ``start(request).result()`` for every request in order, with at most ``window``
    started and not yet yielded. ``active()`` false (the call was cancelled) stops waiting; an
    error raised by ``requests`` (the client's stream failed) is raised here, after the answers
    to the requests read before it."""
    started: queue.Queue[object] = queue.Queue()
    free = threading.Semaphore(window)
    finished = threading.Event()

    def read() -> None:
        try:
            for request in requests:
                while not free.acquire(timeout=POLL_SECONDS):
                    if finished.is_set():
                        return
                if finished.is_set():
                    return
                started.put(start(request))
        except Exception as error:  # noqa: BLE001 - handed to the answering thread, which raises it
            started.put(error)
        finally:
            started.put(_END)

    reader = threading.Thread(target=read, name="fpgw-stream-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = started.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not active():
                    return
                continue
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, Future)
            yield item.result()
            free.release()
    finally:
        finished.set()
