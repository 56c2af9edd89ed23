"""The window's status bar: what the models are doing (loading, ready, failed), how full the
context is, the mood at a glance, and voice problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from app.ui.bridge import QtBridge
from app.ui.translation import shown
from app.ui.widgets.mood import MoodBadge
from core.events import (
    ContextUsage,
    EmotionChanged,
    HistorySummarized,
    MemoryNotice,
    ModelLoaded,
    ModelLoadFailed,
    ModelLoading,
    StorageTrouble,
    VoiceProblem,
)

if TYPE_CHECKING:
    from app.assistant import Assistant


class StatusLine(QObject):
    def __init__(self, bar: QStatusBar, bridge: QtBridge) -> None:
        super().__init__(bar)
        self.bar = bar
        self.context_label = QLabel(self.tr("context: —"), bar)
        self.context_label.setToolTip(
            self.tr(
                "How full the answering model's context is (the prompt plus room for the reply). "
                "When it fills, older turns are summarized, never silently dropped."
            )
        )
        self.mood = MoodBadge(bar)
        self.trouble = QLabel(bar)  # what could not be saved yet: shown until it is
        self.trouble.setStyleSheet("color: #b00020; font-weight: bold")
        self.trouble.hide()
        bar.addPermanentWidget(self.trouble)
        bar.addPermanentWidget(self.context_label)
        bar.addPermanentWidget(self.mood)
        bridge.on(ContextUsage, self._context)
        bridge.on(HistorySummarized, self._summarized)
        bridge.on(ModelLoading, self._loading)
        bridge.on(ModelLoaded, self._loaded)
        bridge.on(ModelLoadFailed, self._failed)
        bridge.on(EmotionChanged, lambda e: self.mood.show_mood(e.main, e.valence, e.arousal))
        bridge.on(VoiceProblem, lambda e: self.say(e.message, 15000))
        bridge.on(StorageTrouble, self._storage)
        bridge.on(MemoryNotice, lambda e: self.say(shown(e.message), 30000))

    def show_mood_of(self, assistant: Assistant) -> None:
        """The mood as it was left (before anything is said this time)."""
        from app.memory_and_mood import MemoryAndMood
        from memory.emotion import main_emotion

        companion = assistant.service(MemoryAndMood)
        if companion is not None:
            mood = companion.mood.current()
            self.mood.show_mood(main_emotion(mood), mood.valence, mood.arousal)

    def say(self, text: str, timeout_ms: int = 0) -> None:
        self.bar.showMessage(text, timeout_ms)

    def reset_context(self) -> None:
        self.context_label.setText(self.tr("context: —"))

    def _context(self, e: ContextUsage) -> None:
        used = e.prompt_tokens + e.reply_budget
        self.context_label.setText(
            self.tr("context: {0} / {1} ({2:.0%})").format(used, e.context_length, e.fraction)
        )

    def _summarized(self, e: HistorySummarized) -> None:
        self.say(
            self.tr("{0} older messages were summarized by {1} to make room").format(
                e.messages, e.model_id
            ),
            10000,
        )

    def _loading(self, e: ModelLoading) -> None:
        self.say(self.tr("loading {0} ({1})…").format(e.model_id, e.role))

    def _loaded(self, e: ModelLoaded) -> None:
        # a demo model is named as such by the note above the chat and under each reply
        self.say(self.tr("{0} ready ({1:.0f} ms)").format(e.model_id, e.load_ms))

    def _failed(self, e: ModelLoadFailed) -> None:
        self.say(self.tr("{0} failed to load").format(e.model_id))

    def _storage(self, e: StorageTrouble) -> None:
        if e.resolved:
            self.trouble.hide()
            self.say(shown(e.message), 10000)
            return
        self.trouble.setText(self.tr("⚠ {0} is not saved yet").format(shown(e.what)))
        self.trouble.setToolTip(shown(e.message))
        self.trouble.show()
        self.say(shown(e.message), 30000)
