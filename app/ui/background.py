"""Work off the GUI thread, its result back on it: the pages' one way to call anything that
may block (SQLite, Chroma, the embedder, a model load, a download, a file hash)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from core.errors import DomovoyError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Background(QObject):
    _deliver = Signal(object, object)  # (callback, value), queued onto the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._deliver.connect(lambda callback, value: callback(value))
        self.running = 0

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[str], None],
        *,
        name: str = "domovoy-page",
    ) -> threading.Thread:
        """Run ``work`` on a thread; ``done(result)`` or ``failed(message)`` on the GUI thread.
        A DomovoyError's message says what to do; anything else is logged as a bug."""
        self.running += 1

        def body() -> None:
            callback: Callable[[Any], None]
            try:
                value: Any = work()
                callback = done
            except DomovoyError as exc:
                value, callback = str(exc), failed
            except Exception as exc:
                log.exception("%s failed", name)
                value, callback = f"internal error: {exc!r}", failed
            try:
                self._deliver.emit(self._finish(callback), value)
            except RuntimeError:  # the page was closed meanwhile: nobody is left to tell
                log.debug("%s ended after its page closed", name)

        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        return thread

    def _finish(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def wrapped(value: Any) -> None:
            self.running -= 1
            callback(value)

        return wrapped
