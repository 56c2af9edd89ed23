"""Writes that must not be lost: each is done in order, and one that fails for want of storage
(a full disk, a database file taken away) is kept, with every write after it, and tried again
before the next one. The bus hears once when writing starts to fail, saying what and what to
do, and once when everything kept has been written."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable

from core.events import EventBus, StorageTrouble
from core.translatable import said

log = logging.getLogger(__name__)
STORAGE_ERRORS = (sqlite3.Error, OSError)


class DurableWrites:
    def __init__(
        self,
        bus: EventBus,
        what: str,
        *,
        retry_s: float = 10.0,
        resolved: Callable[[], object] | None = None,  # after a retry wrote what was kept
    ) -> None:
        self.bus = bus
        self.what = what
        self.resolved = resolved
        self.retry_s = retry_s  # while failing, kept writes are tried again this often
        self._pending: deque[Callable[[], object]] = deque()
        self._lock = threading.RLock()
        self._failing = False
        self._closed = False

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def do(self, write: Callable[[], object]) -> bool:
        """Write now, after anything still kept; False when it is kept for later."""
        with self._lock:
            self._pending.append(write)
            return self.flush()

    def close(self) -> int:
        """The last try (the store is about to close); returns how many writes are lost."""
        with self._lock:
            self.flush()
            self._closed = True
            if self._pending:
                log.error(
                    "%s: %d writes could not be saved before closing", self.what, self.pending
                )
            return len(self._pending)

    def flush(self) -> bool:
        """Try everything kept, in order; True when nothing is left."""
        with self._lock:
            while self._pending and not self._closed:
                try:
                    self._pending[0]()
                except STORAGE_ERRORS as exc:
                    self._trouble(exc)
                    return False
                except Exception:  # a bug, not the storage: retrying would not help
                    log.exception("%s: a write failed and is dropped", self.what)
                self._pending.popleft()
            if self._pending:  # closed
                return False
            if self._failing:
                self._failing = False
                log.info("%s: everything kept has been written", self.what)
                self.bus.publish(
                    StorageTrouble(
                        what=self.what, message=said("{0} is saved again", self.what), resolved=True
                    )
                )
            return True

    def _retry_later(self) -> None:
        def again() -> None:
            if not self.flush():
                self._retry_later()
            elif self.resolved is not None:  # written with nobody writing: say so
                self.resolved()

        timer = threading.Timer(self.retry_s, again)
        timer.daemon = True
        timer.start()

    def _trouble(self, exc: BaseException) -> None:
        if self._failing:
            return
        self._failing = True
        self._retry_later()
        log.warning("%s could not be written (%s): kept to write later", self.what, exc)
        self.bus.publish(
            StorageTrouble(
                what=self.what,
                message=said(
                    "{0} could not be saved ({1}). Free some disk space: nothing is lost, it is "
                    "kept and saved as soon as it can be.",
                    self.what,
                    str(exc),
                ),
            )
        )
