"""One GPU, shared (design seed §12): a lease for LLM, STT and TTS alike, with priorities.

Only one holder at a time. When the GPU frees, the waiting request of the highest priority gets
it (first come, first served within a priority): the voice path (speech recognition, barge-in)
outranks interactive chat, which outranks background work (summaries, reflections). Leases are
released explicitly, from any thread: a model loads on one thread and streams on another.

The scheduler also keeps what each resident model holds in VRAM, so that the planner can leave
room for the others, and says when the machine is under pressure (speech recognition has held
the GPU for long, or a voice request is waiting): then the router sends conversation to the
lightweight model.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum

from core.errors import LeaseTimeout
from core.events import EventBus, LeaseGranted, LeaseReleased, ResourcePressure


class Priority(IntEnum):
    VOICE = 0
    INTERACTIVE = 1
    BACKGROUND = 2


@dataclass(slots=True)
class Lease:
    owner: str
    priority: Priority
    vram_bytes: int
    granted_at: float
    _scheduler: GpuScheduler = field(repr=False)
    released: bool = False

    def release(self) -> None:
        self._scheduler._release(self)

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class GpuScheduler:
    def __init__(
        self,
        bus: EventBus | None = None,
        *,
        vram_free: Callable[[], int] = lambda: 0,
        stt_pressure_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bus = bus
        self._vram_free = vram_free
        self.stt_pressure_s = stt_pressure_s
        self._clock = clock
        self._cond = threading.Condition()
        self._holder: Lease | None = None
        self._waiting: list[tuple[int, int, str]] = []  # (priority, ticket, owner)
        self._tickets = itertools.count()
        self._residents: dict[str, int] = {}

    # --- leases --------------------------------------------------------------------------------

    def acquire(
        self,
        owner: str,
        *,
        priority: Priority = Priority.INTERACTIVE,
        vram_bytes: int = 0,
        timeout: float | None = None,
    ) -> Lease:
        ticket = (int(priority), next(self._tickets), owner)
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            heapq.heappush(self._waiting, ticket)
            if self._holder is not None and priority == Priority.VOICE and self.bus is not None:
                self.bus.publish(
                    ResourcePressure(
                        reason=f"{owner} waits for the GPU held by {self._holder.owner}"
                    )
                )
            while self._holder is not None or self._waiting[0] != ticket:
                remaining = None if deadline is None else deadline - self._clock()
                if remaining is not None and remaining <= 0:
                    self._waiting.remove(ticket)
                    heapq.heapify(self._waiting)
                    self._cond.notify_all()
                    holder = self._holder.owner if self._holder else "another request"
                    raise LeaseTimeout(
                        f"{owner} waited {timeout:g} s for the GPU, held by {holder}",
                        hint="try again in a moment",
                    )
                self._cond.wait(remaining)
            heapq.heappop(self._waiting)
            lease = Lease(owner, priority, vram_bytes, self._clock(), self)
            self._holder = lease
        if self.bus is not None:
            self.bus.publish(LeaseGranted(owner=owner, priority=int(priority)))
        return lease

    @contextmanager
    def lease(
        self,
        owner: str,
        *,
        priority: Priority = Priority.INTERACTIVE,
        vram_bytes: int = 0,
        timeout: float | None = None,
    ) -> Iterator[Lease]:
        lease = self.acquire(owner, priority=priority, vram_bytes=vram_bytes, timeout=timeout)
        try:
            yield lease
        finally:
            lease.release()

    def _release(self, lease: Lease) -> None:
        with self._cond:
            if lease.released:
                return
            lease.released = True
            if self._holder is lease:
                self._holder = None
            self._cond.notify_all()
            held = self._clock() - lease.granted_at
        if self.bus is not None:
            self.bus.publish(LeaseReleased(owner=lease.owner, held_s=held))

    @property
    def holder(self) -> str | None:
        with self._cond:
            return self._holder.owner if self._holder else None

    # --- memory and pressure -------------------------------------------------------------------

    def set_resident(self, owner: str, vram_bytes: int) -> None:
        """A model now holds ``vram_bytes`` of VRAM (0 or unload: it holds none)."""
        with self._cond:
            if vram_bytes > 0:
                self._residents[owner] = vram_bytes
            else:
                self._residents.pop(owner, None)

    def residents(self) -> dict[str, int]:
        """VRAM bytes held by each resident model."""
        with self._cond:
            return dict(self._residents)

    def reserved_bytes(self, *, exclude: str = "") -> int:
        """VRAM held by resident models other than ``exclude``."""
        with self._cond:
            return sum(b for o, b in self._residents.items() if o != exclude)

    def vram_free_bytes(self) -> int:
        return self._vram_free()

    def pressure(self) -> str | None:
        """Why the machine is under pressure now, or None."""
        with self._cond:
            holder = self._holder
            voice_waiting = any(p == Priority.VOICE for p, _, _ in self._waiting)
            now = self._clock()
        if voice_waiting:
            return "a voice request is waiting for the GPU"
        if holder is not None and holder.priority == Priority.VOICE:
            held = now - holder.granted_at
            if held >= self.stt_pressure_s:
                return f"{holder.owner} has held the GPU for {held:.0f} s"
        return None
