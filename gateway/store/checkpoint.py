"""WAL checkpoints of the SQLite store on a thread of their own, off the commit path.

SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1000 pages):
that writer copies the WAL into the database file and fsyncs it before its COMMIT returns, so
every write of that group commit, and every one queued behind it, waits for it (issue 16:
commits of ~3 ms at the median took 20-70 ms, up to 170 ms, when one came due). Here the
writers' connections checkpoint only as a backstop at a far larger WAL, and this thread
checkpoints on its own connection about once a ``period`` while writes go on: first PASSIVE
checkpoints, which take no lock a writer or reader waits for, copy the bulk; writers keep
appending meanwhile, so the last few frames are copied holding the writers' lock (a few ms),
after which every frame is in the database file and the next commit starts the WAL from the
beginning again (without that pass it would only grow). Durability is not its business: a
commit is on disk in the WAL (``synchronous = FULL``) before anyone is answered.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

log = logging.getLogger("gateway.store")
PERIOD_SECONDS = 1.0
# The writers' own checkpoint, should this thread fall behind: 16 times SQLite's default.
BACKSTOP_PAGES = 16_000
# Frames left for the pass under the writers' lock; more get another lock-free pass first.
TAIL_FRAMES = 256
LOCK_FREE_PASSES = 3


class Checkpointer:
    """Checkpoints the WAL of the database ``connect()`` opens, after writes (:meth:`wrote`);
    ``exclusive()`` holds off every writer of the file."""

    def __init__(self, connect: Callable[[], sqlite3.Connection],
                 exclusive: Callable[[], AbstractContextManager[None]], *, period: float = PERIOD_SECONDS) -> None:
        self._connect, self._exclusive, self._period = connect, exclusive, period
        self.completed = 0  # checkpoints that ended with every frame copied, at the time
        self._written = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fpgw-store-checkpoint", daemon=True)
        self._thread.start()

    def wrote(self) -> None:
        """A write transaction committed: a checkpoint is due within the period."""
        self._written.set()

    def close(self) -> None:
        self._closing.set()
        self._written.set()
        self._thread.join()

    def _serve(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while True:
                self._written.wait()
                if self._closing.wait(self._period):  # let a period's writes gather first
                    return
                self._written.clear()
                try:
                    conn = conn or self._connect()
                    self._checkpoint(conn)
                except Exception as exc:  # noqa: BLE001 - the writers' backstop checkpoint still runs
                    log.warning("WAL checkpoint failed; the writers' own checkpoint takes over at %d pages: %s",
                                BACKSTOP_PAGES, exc)
        finally:
            if conn is not None:
                conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        for _ in range(LOCK_FREE_PASSES):
            _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if frames - copied <= TAIL_FRAMES:
                break
        with self._exclusive():
            busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if not busy and frames == copied:
            self.completed += 1
