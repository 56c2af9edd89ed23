"""Turns first, warm-ups after: a turn being answered asks background work to wait.

On a two-core machine the background's first steps (importing torch for the embedder, loading
the intent classifier, the memory's writes and mood readings that may ask the same model) take
the CPU, the GIL and the model's lock from the reply the user is waiting for: the first answer of
a cold start came a second or two later. Background work calls ``wait`` before each heavy step;
a turn holds ``busy()`` while it runs. Background work begins a moment after the start
(``grace_s``), so that a question asked at once (``domovoy chat --once``) goes first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

GRACE_S = 1.0


class Quiet:
    def __init__(self, grace_s: float = GRACE_S) -> None:
        self._busy = 0
        self._changed = threading.Condition()
        self._opens_at = time.monotonic() + grace_s
        self._yielding: list[threading.Event] = []
        self._ended = 0.0  # time.monotonic() when the last turn ended
        self.closing = False  # the app is shutting down: nothing waits any more

    @contextmanager
    def busy(self) -> Iterator[None]:
        with self._changed:
            self._busy += 1
            for event in self._yielding:  # background model work in progress stops for it
                event.set()
            self._yielding.clear()
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._ended = time.monotonic()
                self._changed.notify_all()

    def yield_to_turns(self) -> threading.Event:
        """A cancel event for one piece of background model work: set when a turn begins (at
        once, if one is running), so that the turn does not wait for the model behind it."""
        event = threading.Event()
        with self._changed:
            if self._busy:
                event.set()
            else:
                self._yielding.append(event)
        return event

    @property
    def is_busy(self) -> bool:
        with self._changed:
            return self._busy > 0

    def settle(self, seconds: float, timeout: float) -> bool:
        """Until no turn has run for ``seconds`` (a conversation has paused), at most
        ``timeout``: for long background work that a question coming meanwhile would wait on
        (reading a long prompt cannot be interrupted)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.closing or not self.wait(timeout=left):
                return False
            with self._changed:
                calm = time.monotonic() - self._ended
                if not self._busy and calm >= seconds:
                    return True
            with self._changed:  # woken early by a new turn's end, or by close()
                self._changed.wait(
                    min(max(0.0, seconds - calm), max(0.0, deadline - time.monotonic()))
                )

    def close(self) -> None:
        """Shutdown: whatever waits goes on now (writes are committed, long jobs dropped)."""
        with self._changed:
            self.closing = True
            self._opens_at = 0.0
            self._changed.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        """Until no turn runs, and the start's grace has passed (True), or ``timeout`` (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        early = self._opens_at - time.monotonic()
        if early > 0:
            time.sleep(early if deadline is None else max(0.0, min(early, timeout or 0.0)))
            if time.monotonic() < self._opens_at:
                return False
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0 or self.closing, left)
