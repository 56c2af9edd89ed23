"""Small helpers shared by tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from llm.base import ChatMessage


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.01)


def this_turn(messages: Sequence[ChatMessage]) -> str:
    """What the model was given for this turn, joined: the messages after the system prompt
    and the last reply (the turn's context note and the user's words)."""
    start = 1 + max((i for i, m in enumerate(messages) if m.role == "assistant"), default=0)
    return "\n\n".join(m.content for m in messages[start:])
