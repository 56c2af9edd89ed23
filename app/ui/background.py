"""Work off the GUI thread, its result back on it: the pages' one way to call anything that
may block (SQLite, Chroma, the embedder, a model load, a download, a file hash).

The result crosses threads through one relay object that lives as long as the app, never
through the page: a page closed while its work runs is simply not called back (a worker must
never emit through a QObject the GUI thread may be deleting)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.ui.translation import shown
from core.errors import DomovoyError

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    deliver = Signal(object, object)  # (callback, value), queued onto the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self.deliver.connect(lambda callback, value: callback(value))


_relay: _Relay | None = None


def relay() -> _Relay:
    """Made on the GUI thread by the first page, kept for the life of the process."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    return _relay


class Background:
    def __init__(self, owner: QObject) -> None:
        self.owner = owner
        self.relay = relay()

    def run(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[str], None],
        *,
        name: str = "domovoy-page",
    ) -> threading.Thread:
        """Run ``work`` on a thread; ``done(result)`` or ``failed(message)`` on the GUI thread,
        unless the owner is gone by then. A DomovoyError's message says what to do; anything
        else is logged as a bug."""

        def body() -> None:
            callback: Callable[[Any], None]
            try:
                value: Any = work()
                callback = done
            except DomovoyError as exc:
                value, callback = shown(exc.text), failed  # in the interface's language
            except Exception as exc:
                log.exception("%s failed", name)
                value, callback = f"internal error: {exc!r}", failed
            self.relay.deliver.emit(self._finish(callback), value)

        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        return thread

    def _finish(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def wrapped(value: Any) -> None:
            if shiboken6.isValid(self.owner):
                callback(value)

        return wrapped
