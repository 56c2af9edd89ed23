"""Loading policy: eager models load at start, on-demand ones at first use, and an on-demand
model nobody used for its ``idle_unload_seconds`` is unloaded to free its memory.

A model is never unloaded while it works, nor while a residency rule says to keep it (the §19
criteria for the big model). Each unload publishes ModelUnloaded with how long it was resident.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from core.events import EventBus, ModelLoaded, ModelUnloaded
from llm.roles import ModelSlot, Roles

KeepResident = Callable[[ModelSlot], bool]


class IdleUnloader:
    def __init__(
        self,
        bus: EventBus,
        slots: Mapping[str, ModelSlot],
        *,
        keep_resident: KeepResident = lambda slot: False,
        clock: Callable[[], float] = time.monotonic,
        every_s: float = 5.0,
    ) -> None:
        self.bus = bus
        self.slots = slots if isinstance(slots, Roles) else Roles(slots)  # live: the router's
        self.keep_resident = keep_resident
        self.clock = clock
        self.every_s = every_s
        self._loaded_at: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        bus.subscribe(ModelLoaded, self._on_loaded)

    def _on_loaded(self, e: ModelLoaded) -> None:
        self._loaded_at[e.model_id] = self.clock()

    def tick(self) -> list[str]:
        """Unload what has been idle too long; returns the ids unloaded."""
        now = self.clock()
        unloaded = []
        for slot in self.slots.distinct():
            limit = slot.idle_unload_s
            if limit is None or slot.load_eagerly or not slot.llm.loaded:
                continue
            last = max(slot.last_used, self._loaded_at.get(slot.model_id, 0.0))
            if now - last < limit or not slot.unload_if_idle(lambda s: not self.keep_resident(s)):
                continue
            resident = now - self._loaded_at.pop(slot.model_id, now)
            self.bus.publish(
                ModelUnloaded(model_id=slot.model_id, role=slot.role, resident_s=resident)
            )
            unloaded.append(slot.model_id)
        return unloaded

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="domovoy-idle", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.tick()
