"""Several items of one bidirectional stream in work at once, answered in request order.

``Executor.map`` would read the whole request stream before answering anything (and only
Python 3.14 bounds it), which stalls a client that waits for an answer before it sends the
next item. Here a reader thread takes requests as they arrive, while fewer than ``window``
are read and unanswered; the handler's thread answers them in order.

Each hand-over between threads costs a wake-up (about 40 us of a pool's submit and result
alone, more on a loaded machine, and every wake-up is a GIL hand-over beside CPU-bound
work), so no item is handed over that need not be: the handler's thread does the work of
the item it is to answer next itself, unless a pool thread has already begun it. The pool
gets only the items read while an earlier one is still in work, which is when running
beside it can help. A client that waits for each answer costs the reader's hand-over only.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from typing import Generic, TypeVar

Request = TypeVar("Request")
Answer = TypeVar("Answer")
POLL_SECONDS = 0.5  # how often a waiting side looks whether the call ended
_END = object()


class _Item(Generic[Request, Answer]):
    """One request's work, done once by whichever thread claims it first."""

    __slots__ = ("_work", "_request", "_claim", "_done", "_answer", "_error")

    def __init__(self, work: Callable[[Request], Answer], request: Request) -> None:
        self._work = work
        self._request = request
        self._claim = threading.Lock()  # a non-blocking acquire decides who does the work
        self._done = threading.Event()
        self._answer: Answer | None = None
        self._error: BaseException | None = None

    def claim(self) -> bool:
        return self._claim.acquire(blocking=False)

    def run(self) -> None:
        """Do the work (the caller has claimed it)."""
        try:
            self._answer = self._work(self._request)
        except BaseException as error:  # noqa: BLE001 - raised where the answer is taken
            self._error = error
        finally:
            self._done.set()

    def run_unless_claimed(self) -> None:
        if self.claim():
            self.run()

    def answer(self) -> Answer:
        """The answer: worked out here unless another thread has begun it (then waited for)."""
        if self.claim():
            self.run()
        else:
            self._done.wait()
        if self._error is not None:
            raise self._error
        return self._answer  # type: ignore[return-value]


def in_order(requests: Iterator[Request], work: Callable[[Request], Answer], window: int,
             active: Callable[[], bool], pool: Executor) -> Iterator[Answer]:
    """Yield ``work(request)`` for every request in order, with at most ``window`` read and
    not yet yielded; those read while an earlier one is in work are also given to ``pool``.
    ``active()`` false (the call was cancelled) stops waiting; an error raised by
    ``requests`` (the client's stream failed) is raised here, after the answers to the
    requests read before it."""
    read_items: queue.Queue[object] = queue.Queue()
    free = threading.Semaphore(window)
    finished = threading.Event()
    unanswered = [0]  # read and not yet answered; the handler answers the first itself
    lock = threading.Lock()

    def read() -> None:
        try:
            for request in requests:
                while not free.acquire(timeout=POLL_SECONDS):
                    if finished.is_set():
                        return
                if finished.is_set():
                    return
                item = _Item(work, request)
                with lock:
                    ahead = unanswered[0]
                    unanswered[0] += 1
                # Queued before it is handed to the pool: once the call has ended, either the
                # test below sees it, or _forget (which runs after) finds the item and claims it.
                read_items.put(item)
                if ahead and not finished.is_set():
                    pool.submit(item.run_unless_claimed)
        except Exception as error:  # noqa: BLE001 - handed to the answering thread, which raises it
            read_items.put(error)
        finally:
            read_items.put(_END)

    reader = threading.Thread(target=read, name="fpgw-stream-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                item = read_items.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not active():
                    return
                continue
            if item is _END:
                return
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, _Item)
            answer = item.answer()
            with lock:
                unanswered[0] -= 1
            yield answer
            free.release()
    finally:
        finished.set()
        _forget(read_items)


def _forget(read_items: queue.Queue[object]) -> None:
    """Claim what was read and will not be answered (the call ended), so that no pool thread
    works on it for no one."""
    while True:
        try:
            item = read_items.get_nowait()
        except queue.Empty:
            return
        if isinstance(item, _Item):
            item.claim()
