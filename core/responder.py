"""What the voice chain needs of something that answers (the app gives it the Assistant): a
reply started from a transcript, its words as they come and how it ended, and a stop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from core.events import TurnFailed, TurnFinished


class Reply(Protocol):
    @property
    def id(self) -> int: ...

    def words(self, timeout: float | None = None) -> Iterator[str]: ...

    def result(self, timeout: float | None = None) -> TurnFinished | TurnFailed: ...


class Responder(Protocol):
    def submit(self, text: str) -> Reply: ...

    def stop(self) -> None:
        """Cancel the reply being written; what was written is kept."""

    def wait(self, timeout: float | None = None) -> bool:
        """Until the reply being written has ended (False on timeout)."""

    def amend_last_reply(self, text: str) -> None:
        """The last reply was not all heard: the conversation keeps what was."""
