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
        answers = list(in_order(iter(range(12)), work, WINDOW, lambda: True, pool))
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
        answers = list(in_order(iter(range(WINDOW)), work, WINDOW, lambda: True, pool))
    assert sorted(finished) == [1, 2]
    assert answers == [0, 1, 2]


def test_a_failing_request_stream_is_raised_after_the_answers_before_it() -> None:
    def requests():
        yield 1
        yield 2
        raise ConnectionError("client went away")

    got = []
    with futures.ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ConnectionError):
        for answer in in_order(requests(), lambda n: n * 10, 2, lambda: True, pool):
            got.append(answer)
    assert got == [10, 20]


class _Collecting(futures.Executor):
    """An executor that only keeps what it is given (run by the test, or never)."""

    def __init__(self) -> None:
        self.given: list = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        self.given.append(lambda: fn(*args, **kwargs))
        return futures.Future()


def test_a_client_that_waits_for_each_answer_is_answered_without_the_pool() -> None:
    """Nothing else is in work when each item arrives: the answering thread does it itself
    (a hand-over to a pool thread and back would only add two wake-ups)."""
    import queue

    outgoing: queue.Queue = queue.Queue()
    workers: list[threading.Thread] = []
    pool = _Collecting()

    def work(n: int) -> int:
        workers.append(threading.current_thread())
        return -n

    answers = in_order(iter(outgoing.get, None), work, WINDOW, lambda: True, pool)
    for n in range(5):
        outgoing.put(n)
        assert next(answers) == -n
    outgoing.put(None)
    assert list(answers) == []
    assert workers == [threading.current_thread()] * 5
    assert pool.given == []


def test_items_read_ahead_are_worked_on_once_and_not_after_the_call_ended() -> None:
    """What the pool was given and has not begun is done by the answering thread when its turn
    comes (once, never twice); what was read but will not be answered is not done at all."""
    done: list[int] = []
    pool = _Collecting()
    read_ahead = threading.Event()

    def requests():
        yield 0
        yield 1
        yield 2
        read_ahead.set()  # asked for more: 1 and 2 are read and given to the pool

    def work(n: int) -> int:
        if n == 0:
            assert read_ahead.wait(10), "the reader did not read ahead while the first item was in work"
        done.append(n)
        return n

    answers = in_order(requests(), work, WINDOW, lambda: True, pool)
    assert next(answers) == 0
    assert len(pool.given) == 2  # 1 and 2, read while 0 was in work
    assert next(answers) == 1  # the pool had not begun it: done here
    answers.close()  # the call ended with 2 read (and given to the pool) but not answered
    for run in pool.given:
        run()
    assert done == [0, 1]
