"""Every conversation is kept as it happens: the user's words when a turn starts, the reply (with
who answered and why) when it ends, a failure when it fails."""

from __future__ import annotations

import time
from collections.abc import Callable

from core.durable_writes import DurableWrites
from core.events import (
    ConversationSaved,
    ConversationStarted,
    EventBus,
    TurnFailed,
    TurnFinished,
    TurnRetracted,
    TurnStarted,
)
from core.translatable import said
from memory.conversations import Conversation, Conversations, ReplyFacts

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
    """Writes go through ``DurableWrites``: when the disk is full, what was said is kept in order
    and written as soon as it can be, and the window says so."""

    def __init__(self, bus: EventBus, store: Conversations, title: str = "") -> None:
        self.store = store
        self.bus = bus
        self.writes = DurableWrites(bus, said("the conversation"), resolved=self._saved)
        self._title = title
        self._conversation: Conversation | None = None  # made with its first message
        self._written: set[str] = set()  # conversations known to be in the store
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
        self.writes.close()
        self.store.close()

    @property
    def conversation(self) -> Conversation:
        """The conversation being written (a started app or a new conversation leaves no empty
        one in the list: it is made when its first message comes)."""
        if self._conversation is None:
            self._conversation = self.store.draft(self._title)
        return self._conversation

    def _new(self, e: ConversationStarted) -> None:
        self._conversation = self.store.get(e.conversation_id) if e.conversation_id else None
        if self._conversation is not None:
            self._written.add(self._conversation.id)
        self._title = e.title

    def _write(self, write: Callable[[str], object]) -> None:
        """``write(conversation_id)`` for the conversation of now, made first if it is new."""
        conversation = self.conversation
        if conversation.id not in self._written:
            self._written.add(conversation.id)
            self.writes.do(lambda: self.store.write_new(conversation))
        if self.writes.do(lambda: write(conversation.id)):
            self._saved()

    def _saved(self) -> None:
        """The list of conversations reads it again (a write kept for later is in, too)."""
        self.bus.publish(ConversationSaved(conversation_id=self.conversation.id))

    def _started(self, e: TurnStarted) -> None:
        if self._conversation is None and not self._title:
            self._title = title_for(e.text)
        at = time.time()
        self._write(lambda cid: self.store.add(cid, "user", e.text, at=at))

    def _finished(self, e: TurnFinished) -> None:
        at, facts = time.time(), ReplyFacts.of(e)
        self._write(
            lambda cid: self.store.add(
                cid, "assistant", e.text, model=e.model_used, facts=facts, at=at
            )
        )

    def _failed(self, e: TurnFailed) -> None:
        at = time.time()
        self._write(
            lambda cid: self.store.add(
                cid, "assistant", e.partial, facts=ReplyFacts(failed=e.message), at=at
            )
        )

    def _retracted(self, e: TurnRetracted) -> None:
        self._write(self.store.drop_last_exchange)
