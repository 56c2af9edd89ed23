"""The Assistant: one conversation's turns, Qt-free, reported as events on the bus.

``submit`` returns at once; the turn runs on a worker thread: the model is loaded if it is not
yet (its checksum verified first), the reply streams as TokenStreamed events, and the turn ends
with TurnFinished (model used, timings) or TurnFailed (a message that says what to do).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import DomovoyError, InputError, NoModelForRoleError
from core.events import (
    EventBus,
    ModelLoaded,
    ModelLoadFailed,
    ModelLoading,
    Timings,
    TokenStreamed,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from llm.base import LLM, ChatMessage, GenerationParams
from llm.prompt import build_messages

log = logging.getLogger(__name__)


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
    prepare: Callable[[], None] = _nothing
    _load_lock: threading.Lock = field(default_factory=threading.Lock)

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
                ModelLoaded(model_id=self.model_id, role=self.role, load_ms=ms, demo=self.demo)
            )
            return ms


class Assistant:
    def __init__(self, *, bus: EventBus, primary: ModelSlot | None) -> None:
        self.bus = bus
        self.primary = primary
        self.history: list[ChatMessage] = []
        self._turn_id = 0
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None
        self._loader: threading.Thread | None = None

    @property
    def ready_to_chat(self) -> bool:
        return self.primary is not None

    @property
    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def start(self) -> None:
        """Load eager models in the background; the caller (the window) never waits."""
        slot = self.primary
        if slot is None or not slot.load_eagerly:
            return

        def load() -> None:
            # A failure is published as ModelLoadFailed; the next turn tries again and says why.
            with contextlib.suppress(DomovoyError):
                slot.ensure_loaded(self.bus)

        self._loader = threading.Thread(target=load, name="domovoy-eager-load", daemon=True)
        self._loader.start()

    def submit(self, text: str) -> int:
        text = text.strip()
        if not text:
            raise InputError("the message is empty: type something to say")
        if self.busy:
            raise InputError("a reply is still being written: wait for it or press Stop")
        self._turn_id += 1
        self._cancel = threading.Event()
        self._worker = threading.Thread(
            target=self._run_turn,
            args=(self._turn_id, text, self._cancel),
            name=f"domovoy-turn-{self._turn_id}",
            daemon=True,
        )
        self._worker.start()
        return self._turn_id

    def stop(self) -> None:
        """Cancel the reply being written; what was written so far is kept."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current turn ends (CLI and tests); False on timeout."""
        worker = self._worker
        if worker is None:
            return True
        worker.join(timeout)
        return not worker.is_alive()

    def shutdown(self) -> None:
        self.stop()
        self.wait(timeout=10)
        if self.primary is not None:
            self.primary.llm.unload()

    def _run_turn(self, turn_id: int, text: str, cancel: threading.Event) -> None:
        self.bus.publish(TurnStarted(turn_id=turn_id, text=text))
        slot = self.primary
        try:
            if slot is None:
                raise NoModelForRoleError("primary")
            start = time.perf_counter()
            load_ms = slot.ensure_loaded(self.bus)
            messages = build_messages(self.history, text)
            gen_start = time.perf_counter()
            first_ms = 0.0
            parts: list[str] = []
            for piece in slot.llm.stream(messages, slot.params, cancel):
                if not parts:
                    first_ms = (time.perf_counter() - gen_start) * 1000
                parts.append(piece)
                self.bus.publish(TokenStreamed(turn_id=turn_id, text=piece))
            reply = "".join(parts)
            timings = Timings(
                load_ms=load_ms,
                first_token_ms=first_ms,
                total_ms=(time.perf_counter() - start) * 1000,
                tokens=len(parts),
            )
        except DomovoyError as exc:
            log.warning("turn %d failed: %s", turn_id, exc)
            self.bus.publish(TurnFailed(turn_id=turn_id, message=str(exc)))
            return
        except Exception as exc:  # a bug must end the turn with a message, never kill the app
            log.exception("turn %d failed unexpectedly", turn_id)
            self.bus.publish(TurnFailed(turn_id=turn_id, message=f"internal error: {exc!r}"))
            return
        self.history.append(ChatMessage(role="user", content=text))
        self.history.append(ChatMessage(role="assistant", content=reply))
        self.bus.publish(
            TurnFinished(
                turn_id=turn_id,
                text=reply,
                model_used=slot.model_id,
                role=slot.role,
                timings=timings,
                cancelled=cancel.is_set(),
                demo=slot.demo,
            )
        )
