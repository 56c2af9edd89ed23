"""Every conversation is kept as it happens: the user's words when a turn starts, the reply (with
who answered and why) when it ends, a failure when it fails."""

from __future__ import annotations

from app.transcript import footer
from core.events import (
    ConversationSaved,
    ConversationStarted,
    EventBus,
    TurnFailed,
    TurnFinished,
    TurnRetracted,
    TurnStarted,
)
from memory.conversations import Conversation, Conversations

TITLE_CHARS = 48


def title_for(question: str) -> str:
    """A new conversation is named after its first question, as the list can show it: one line,
    cut at a word near ``TITLE_CHARS`` (the date when there are no words)."""
    words = question.split()
    title = ""
    for word in words:
        if len(title) + len(word) + 1 > TITLE_CHARS:
            return (title or word[:TITLE_CHARS]) + "…"
        title = f"{title} {word}".strip()
    return title


class ChatLog:
    def __init__(self, bus: EventBus, store: Conversations, title: str = "") -> None:
        self.store = store
        self.bus = bus
        self._title = title
        self._conversation: Conversation | None = None  # made with its first message
        self._off = [
            bus.subscribe(ConversationStarted, self._new),
            bus.subscribe(TurnStarted, self._started),
            bus.subscribe(TurnFinished, self._finished),
            bus.subscribe(TurnFailed, self._failed),
            bus.subscribe(TurnRetracted, self._retracted),
        ]

    def start(self) -> None:
        return None

    def stop(self) -> None:
        for off in self._off:
            off()
        self.store.close()

    @property
    def conversation(self) -> Conversation:
        """The conversation being written (a started app or a new conversation leaves no empty
        one in the list: it is made when its first message comes)."""
        if self._conversation is None:
            self._conversation = self.store.new(self._title)
        return self._conversation

    def _new(self, e: ConversationStarted) -> None:
        self._conversation = self.store.get(e.conversation_id) if e.conversation_id else None
        self._title = e.title

    def _started(self, e: TurnStarted) -> None:
        if self._conversation is None and not self._title:
            self._title = title_for(e.text)
        self.store.add(self.conversation.id, "user", e.text)
        self._saved()

    def _finished(self, e: TurnFinished) -> None:
        self.store.add(
            self.conversation.id, "assistant", e.text, model=e.model_used, note=footer(e)
        )
        self._saved()

    def _failed(self, e: TurnFailed) -> None:
        self.store.add(self.conversation.id, "assistant", e.partial, note=f"failed: {e.message}")
        self._saved()

    def _retracted(self, e: TurnRetracted) -> None:
        self.store.drop_last_exchange(self.conversation.id)
        self._saved()

    def _saved(self) -> None:
        self.bus.publish(ConversationSaved(conversation_id=self.conversation.id))
