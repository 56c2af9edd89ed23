"""The conversation going on: its messages, and the summary of those that no longer fit.

One owner, one lock: the turn thread adds exchanges and folds old ones into the summary, the
voice loop amends a reply that was cut short, the window switches conversations; each goes
through a method here, and every reader gets a copy.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from llm.base import ChatMessage


class Conversation:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[ChatMessage] = []
        self._summary = ""  # the older turns that no longer fit, in the lightweight model's words
        self._last_question: str | None = None  # asked in this conversation, answered or not

    @property
    def messages(self) -> list[ChatMessage]:
        with self._lock:
            return list(self._messages)

    @property
    def summary(self) -> str:
        with self._lock:
            return self._summary

    def state(self) -> tuple[list[ChatMessage], str]:
        """The messages and the summary, read together."""
        with self._lock:
            return list(self._messages), self._summary

    @property
    def last_question(self) -> str | None:
        with self._lock:
            if self._last_question is not None:
                return self._last_question
            users = [m.content for m in self._messages if m.role == "user"]
            return users[-1] if users else None

    def asked(self, question: str) -> None:
        with self._lock:
            self._last_question = question

    def answered(self, question: str, reply: str) -> None:
        with self._lock:
            self._messages += [
                ChatMessage(role="user", content=question),
                ChatMessage(role="assistant", content=reply),
            ]

    def take_back(self, question: str) -> None:
        """The last exchange, if it asked ``question``, leaves the history (ask it again)."""
        with self._lock:
            tail = self._messages[-2:]
            if len(tail) == 2 and tail[0].role == "user" and tail[0].content == question:
                del self._messages[-2:]  # a failed turn never reached the history

    def fold(self, count: int, summary: str) -> None:
        """The first ``count`` messages now live in ``summary``."""
        with self._lock:
            self._summary = summary
            del self._messages[:count]

    def amend_last_reply(self, text: str) -> None:
        """The last reply was not all heard (barge-in): the history keeps what was."""
        with self._lock:
            if self._messages and self._messages[-1].role == "assistant":
                self._messages[-1] = ChatMessage(role="assistant", content=text)

    def replace(self, messages: Sequence[ChatMessage] = ()) -> None:
        """Another conversation (or none): its messages, no summary, no question asked yet."""
        with self._lock:
            self._messages = list(messages)
            self._summary = ""
            self._last_question = None
