"""A typed event bus: frozen dataclasses, subscribed to by type, safe to publish from any thread.

Handlers run in the publishing thread, in subscription order; app/ui re-emits the events it
needs as Qt signals on the GUI thread. A handler that raises is logged with its traceback and the
other handlers still run; a bus built with ``strict=True`` (tests) re-raises instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[E], None]


class EventBus:
    def __init__(self, *, strict: bool = False) -> None:
        self._lock = threading.Lock()
        self._handlers: dict[type[Event], list[Callable[[Any], None]]] = {}
        self._strict = strict

    def subscribe(self, event_type: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call ``handler`` for each event of ``event_type`` or a subclass; returns unsubscribe."""
        with self._lock:
            self._handlers.setdefault(event_type, []).append(handler)

        def unsubscribe() -> None:
            with self._lock:
                handlers = self._handlers.get(event_type, [])
                if handler in handlers:
                    handlers.remove(handler)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = [h for cls in type(event).__mro__ for h in self._handlers.get(cls, ())]
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                if self._strict:
                    raise
                log.exception("event handler %r failed on %r", handler, event)


# --- turns -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Timings:
    """How long a turn took; milliseconds."""

    load_ms: float = 0.0
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    tokens: int = 0

    @property
    def tokens_per_s(self) -> float:
        gen_ms = self.total_ms - self.first_token_ms
        return (self.tokens - 1) / (gen_ms / 1000) if self.tokens > 1 and gen_ms > 0 else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationStarted(Event):
    """The user began a new conversation (the history starts empty, the log opens a new one),
    or went back to a kept one (``conversation_id``: its history is restored, the log goes on)."""

    title: str = ""
    conversation_id: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationSaved(Event):
    """The conversation log wrote a message (lists of conversations read it again)."""

    conversation_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnStarted(Event):
    turn_id: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenStreamed(Event):
    turn_id: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasoningStreamed(Event):
    """A harmony model's reasoning (analysis channel): kept, shown only on request."""

    turn_id: int
    text: str
    channel: str = "analysis"


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnFinished(Event):
    turn_id: int
    text: str
    reasoning: str = ""
    model_used: str
    role: str
    timings: Timings
    cancelled: bool = False
    fallback_reason: str = ""
    demo: bool = False  # the model is a tiny demo model: its words are noise
    prompt_version: str = ""
    cut_off: str = ""  # what a model that crashed mid-reply had said before another answered


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyCutOff(Event):
    """The model answering crashed mid-reply: what it said (``partial``) stays, marked, and the
    next model of the chain answers the same question; ``message`` says which crashed and how."""

    turn_id: int
    model_id: str
    partial: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnRetracted(Event):
    """The last exchange is taken back (regenerate, edit and resend): ``text`` was its question."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextUsage(Event):
    """How full the answering model's context is: shown, never silently exceeded."""

    turn_id: int
    model_id: str
    prompt_tokens: int
    reply_budget: int
    context_length: int

    @property
    def fraction(self) -> float:
        return (self.prompt_tokens + self.reply_budget) / self.context_length


@dataclass(frozen=True, slots=True, kw_only=True)
class HistorySummarized(Event):
    """Older turns no longer fit: they were folded into a summary by the lightweight model."""

    turn_id: int
    messages: int
    summary: str
    model_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCalled(Event):
    """A tool ran for this turn; its result (or failure) goes to the model and is shown."""

    turn_id: int
    tool: str
    arguments: str
    ok: bool
    result: str
    decided_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnFailed(Event):
    turn_id: int
    message: str
    partial: str = ""  # what was said before the failure


# --- the big model's work (design seed §19) --------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeResult(Event):
    """The record of a big-model task (llm/big_model.py returns it; the bus keeps it for the
    diagnostics). So are PlanResult and ReflectionResult."""

    request_id: str
    ok: bool  # False: no verdict (time limit, no model); see ``error``
    verdict: bool = False
    score: float = 0.0
    reason: str = ""
    model_used: str = ""
    latency_ms: float = 0.0
    error: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanResult(Event):
    request_id: str
    ok: bool
    steps: tuple[str, ...] = ()
    model_used: str = ""
    latency_ms: float = 0.0
    error: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReflectionResult(Event):
    request_id: str
    ok: bool
    text: str = ""
    model_used: str = ""
    latency_ms: float = 0.0
    error: str = ""


# --- mood and memory ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EmotionChanged(Event):
    valence: float
    arousal: float
    main: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoryWritten(Event):
    memory_id: str
    action: str  # ADD, UPDATE or NOOP
    kind: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MigrationProgress(Event):
    """Memory is being re-indexed with another embedding model."""

    model_id: str
    done: int
    total: int
    complete: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class VoiceStateChanged(Event):
    state: str  # listening, thinking, speaking, or off (a device failed)


@dataclass(frozen=True, slots=True, kw_only=True)
class VoiceProblem(Event):
    """Something in the voice loop failed; the message says what, and what goes on."""

    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MemoryNotice(Event):
    """How their memory works, told once (English only, to a Russian speaker), with what to do."""

    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StorageTrouble(Event):
    """What the user said could not be written (a full disk, a file taken away): it is kept in
    memory and written as soon as it can be; ``resolved`` says that it now has been."""

    what: str  # "the conversation", "the memory"
    message: str
    resolved: bool = False


# --- the GPU ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseGranted(Event):
    owner: str
    priority: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseReleased(Event):
    owner: str
    held_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourcePressure(Event):
    """The machine is busy: the primary's work may move to the lightweight model."""

    reason: str


# --- models ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelLoading(Event):
    model_id: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelLoaded(Event):
    model_id: str
    role: str
    load_ms: float
    demo: bool = False
    placement: str = ""  # where its weights went: GPU layers, experts in RAM, or CPU only


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelLoadFailed(Event):
    model_id: str
    role: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DownloadProgress(Event):
    model_id: str
    done: int  # bytes of the whole pull (every file, every model of it) on disk
    total: int  # 0 when the server does not say
    speed_bps: float
    eta_s: float
    file: str = ""  # the file being fetched


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelInstalled(Event):
    """A pulled or imported model is in place, checked and registered."""

    model_id: str
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleSwitched(Event):
    """The settings gave a role another model (or none); it loads in the background."""

    role: str
    model_id: str  # "" when the role was emptied
    previous: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelUnloaded(Event):
    model_id: str
    role: str
    resident_s: float


__all__ = [
    "ContextUsage",
    "DownloadProgress",
    "EmotionChanged",
    "Event",
    "EventBus",
    "HistorySummarized",
    "JudgeResult",
    "LeaseGranted",
    "LeaseReleased",
    "MemoryWritten",
    "MigrationProgress",
    "ModelInstalled",
    "ModelLoadFailed",
    "ModelLoaded",
    "ModelLoading",
    "ModelUnloaded",
    "PlanResult",
    "ReasoningStreamed",
    "ReflectionResult",
    "ResourcePressure",
    "RoleSwitched",
    "StorageTrouble",
    "Timings",
    "TokenStreamed",
    "ToolCalled",
    "TurnFailed",
    "TurnFinished",
    "TurnRetracted",
    "TurnStarted",
    "VoiceProblem",
    "VoiceStateChanged",
]
