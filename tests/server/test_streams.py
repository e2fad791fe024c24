"""gateway.server.streams.in_order: several items in work at once, never more than the window,
answers in request order, and a failing request stream raised after the answers before it."""

from __future__ import annotations

import threading
from concurrent import futures

import pytest

from gateway.server.streams import in_order

WINDOW = 3


def test_a_full_window_runs_at_once_and_answers_come_in_order() -> None:
    together = threading.Barrier(WINDOW, timeout=10)  # broken unless WINDOW tasks run at the same time
    running = {"now": 0, "most": 0}
    lock = threading.Lock()

    def work(n: int) -> int:
        with lock:
            running["now"] += 1
            running["most"] = max(running["most"], running["now"])
        if n < WINDOW:
            together.wait()
        with lock:
            running["now"] -= 1
        return n * n

    with futures.ThreadPoolExecutor(max_workers=WINDOW * 2) as pool:
        answers = list(in_order(iter(range(12)), lambda n: pool.submit(work, n), WINDOW, lambda: True))
    assert answers == [n * n for n in range(12)]
    assert running["most"] == WINDOW


def test_later_items_that_finish_first_wait_for_their_turn() -> None:
    first_may_finish = threading.Event()
    finished: list[int] = []

    def work(n: int) -> int:
        if n == 0:
            if not first_may_finish.wait(10):
                raise AssertionError("the items after the first were not in work beside it")
        else:
            finished.append(n)
            if len(finished) == WINDOW - 1:
                first_may_finish.set()
        return n

    with futures.ThreadPoolExecutor(max_workers=WINDOW) as pool:
        answers = list(in_order(iter(range(WINDOW)), lambda n: pool.submit(work, n), WINDOW, lambda: True))
    assert sorted(finished) == [1, 2]
    assert answers == [0, 1, 2]


def test_a_failing_request_stream_is_raised_after_the_answers_before_it() -> None:
    def requests():
        yield 1
        yield 2
        raise ConnectionError("client went away")

    got = []
    with futures.ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ConnectionError):
        for answer in in_order(requests(), lambda n: pool.submit(lambda: n * 10), 2, lambda: True):
            got.append(answer)
    assert got == [10, 20]
