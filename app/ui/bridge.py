"""Bus events onto the GUI thread: the one way the window and its pages hear of them.

``bridge.on(TurnFinished, handler)`` subscribes ``handler`` to that event type; each event is
re-emitted through one Qt signal, so that it reaches the handler on the GUI thread (Qt's queued
connection when published from a worker, a direct call when published on the GUI thread), in the
order it was published. A widget never touches the bus, and no handler runs on a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from core.events import Event, EventBus

E = TypeVar("E", bound=Event)


class QtBridge(QObject):
    _arrived = Signal(object, object)  # (handler, event)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self._unsubscribe: list[Callable[[], None]] = []
        self._arrived.connect(self._deliver)

    def on(self, event_type: type[E], handler: Callable[[E], Any]) -> None:
        """Call ``handler`` on the GUI thread for every ``event_type`` published from now on."""

        def arrived(event: E) -> None:
            self._arrived.emit(handler, event)

        self._unsubscribe.append(self.bus.subscribe(event_type, arrived))

    @Slot(object, object)
    def _deliver(self, handler: Callable[[Event], Any], event: Event) -> None:
        handler(event)

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
