"""Who plays which role: the model slots, and the one object that holds them.

A ``ModelSlot`` is a model playing a role, with its generation settings and its GPU lease; it
counts the attempts using it, so that nothing unloads a model in the middle of a reply. ``Roles``
maps roles to slots behind a lock: the settings replace a role's slot from the GUI thread while
the router and the idle unloader read them from theirs, and each reader gets a stable view.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass, field

from core.errors import DomovoyError
from core.events import EventBus, ModelLoaded, ModelLoadFailed, ModelLoading
from core.scheduler import GpuScheduler, Priority
from llm.base import LLM, ChatMessage, GenerationParams


def _nothing() -> None:
    return None


@dataclass(slots=True)
class ModelSlot:
    """A model playing a role; ``prepare`` runs before its first load (checksum, rule 4)."""

    role: str
    model_id: str
    llm: LLM
    params: GenerationParams = field(default_factory=GenerationParams)
    demo: bool = False
    load_eagerly: bool = False
    timeout_s: float = 120.0
    prepare: Callable[[], None] = _nothing
    scheduler: GpuScheduler | None = None  # the one GPU lease, held while the model works
    priority: Priority = Priority.INTERACTIVE
    idle_unload_s: float | None = None  # on-demand models: unloaded after this long unused
    last_used: float = 0.0  # time.monotonic() when it last finished work
    _active: int = 0  # attempts in progress: never unloaded while > 0
    _load_lock: threading.Lock = field(default_factory=threading.Lock)
    _use_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def active(self) -> int:
        return self._active

    def begin(self) -> None:
        """An attempt starts using the model: from now on it is not unloaded under it."""
        with self._use_lock:
            self._active += 1

    def end(self) -> None:
        with self._use_lock:
            self._active -= 1
            self.last_used = time.monotonic()

    def unload_if_idle(self, idle: Callable[[ModelSlot], bool] = lambda slot: True) -> bool:
        """Unload now if nothing uses the model and ``idle`` agrees: checked and done under the
        same lock as ``begin``, so no attempt starts in between. True if it was unloaded."""
        with self._use_lock:
            if self._active or not self.llm.loaded or not idle(self):
                return False
            self.llm.unload()
            return True

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """How many tokens the prompt takes for this model; before its first load, the file is
        checked (``prepare``) before anything reads it."""
        if not self.llm.loaded:
            self.prepare()
        return self.llm.count_tokens(messages, self.params)

    def ensure_loaded(self, bus: EventBus) -> float:
        """Load if needed, publishing the events; returns the milliseconds spent loading."""
        with self._load_lock:
            if self.llm.loaded:
                return 0.0
            bus.publish(ModelLoading(model_id=self.model_id, role=self.role))
            start = time.perf_counter()
            try:
                self.prepare()
                self.llm.load()
            except DomovoyError as exc:
                bus.publish(
                    ModelLoadFailed(model_id=self.model_id, role=self.role, message=str(exc))
                )
                raise
            ms = (time.perf_counter() - start) * 1000
            bus.publish(
                ModelLoaded(
                    model_id=self.model_id,
                    role=self.role,
                    load_ms=ms,
                    demo=self.demo,
                    placement=self.llm.placement,
                )
            )
            return ms


class Roles(Mapping[str, ModelSlot]):
    """Roles to slots, safe to read from any thread while one thread replaces them. Iteration
    runs over a copy taken under the lock; one slot may play several roles."""

    def __init__(self, slots: Mapping[str, ModelSlot] | None = None) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, ModelSlot] = dict(slots or {})

    def __getitem__(self, role: str) -> ModelSlot:
        with self._lock:
            return self._slots[role]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._slots))

    def __len__(self) -> int:
        with self._lock:
            return len(self._slots)

    def values(self) -> ValuesView[ModelSlot]:
        return self.snapshot().values()

    def items(self) -> ItemsView[str, ModelSlot]:
        return self.snapshot().items()

    def snapshot(self) -> dict[str, ModelSlot]:
        with self._lock:
            return dict(self._slots)

    def distinct(self) -> list[ModelSlot]:
        """Each slot once, though it may play several roles."""
        return list({id(s): s for s in self.snapshot().values()}.values())

    def replace(self, role: str, slot: ModelSlot | None) -> ModelSlot | None:
        """``slot`` plays ``role`` from now on (None: nobody does); returns who played it."""
        with self._lock:
            old = self._slots.pop(role, None)
            if slot is not None:
                self._slots[role] = slot
            return old

    def shared(self, slot: ModelSlot) -> bool:
        """Whether the slot's model still plays some role (one copy may play two)."""
        return any(s.llm is slot.llm for s in self.snapshot().values())
