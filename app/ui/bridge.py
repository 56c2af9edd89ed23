"""Re-emits bus events as Qt signals, so widgets handle them on the GUI thread.

The bridge lives in the GUI thread; a signal emitted from a worker thread reaches its slots
through Qt's queued connection, never touching a widget from the worker.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance

from core.events import (
    ContextUsage,
    ConversationSaved,
    ConversationStarted,
    DownloadProgress,
    EmotionChanged,
    Event,
    EventBus,
    HistorySummarized,
    ModelLoaded,
    ModelLoadFailed,
    ModelLoading,
    ModelUnloaded,
    ReasoningStreamed,
    RoleSwitched,
    StorageTrouble,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
    TurnRetracted,
    TurnStarted,
    VoiceProblem,
    VoiceStateChanged,
)

# What the pages (settings, models, memory, diagnostics) hear, through one signal.
PAGE_EVENTS: tuple[type[Event], ...] = (
    EmotionChanged,
    DownloadProgress,
    RoleSwitched,
    ModelLoaded,
    ModelLoadFailed,
    ModelUnloaded,
    VoiceStateChanged,
    VoiceProblem,
    StorageTrouble,
)


class QtBridge(QObject):
    conversation_saved = Signal(object)
    conversation_started = Signal(object)
    turn_started = Signal(object)
    token_streamed = Signal(object)
    reasoning_streamed = Signal(object)
    turn_finished = Signal(object)
    turn_failed = Signal(object)
    turn_retracted = Signal(object)
    context_usage = Signal(object)
    tool_called = Signal(object)
    history_summarized = Signal(object)
    model_loading = Signal(object)
    model_loaded = Signal(object)
    model_load_failed = Signal(object)
    page_event = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        routes: list[tuple[type[Event], SignalInstance]] = [
            (ConversationStarted, self.conversation_started),
            (ConversationSaved, self.conversation_saved),
            (TurnStarted, self.turn_started),
            (TokenStreamed, self.token_streamed),
            (ReasoningStreamed, self.reasoning_streamed),
            (TurnFinished, self.turn_finished),
            (TurnFailed, self.turn_failed),
            (TurnRetracted, self.turn_retracted),
            (ContextUsage, self.context_usage),
            (ToolCalled, self.tool_called),
            (HistorySummarized, self.history_summarized),
            (ModelLoading, self.model_loading),
            (ModelLoaded, self.model_loaded),
            (ModelLoadFailed, self.model_load_failed),
            *((event_type, self.page_event) for event_type in PAGE_EVENTS),
        ]
        self._unsubscribe: list[Callable[[], None]] = [
            bus.subscribe(event_type, signal.emit) for event_type, signal in routes
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
