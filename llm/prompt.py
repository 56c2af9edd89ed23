"""Building the conversation the model reads.

The system prompt and the history come first and stay the same from turn to turn, so llama.cpp
can reuse its KV cache; what changes every turn goes last, just before the new user message.
"""

from __future__ import annotations

from collections.abc import Sequence

from llm.base import ChatMessage

SYSTEM_PROMPT = (
    "You are domovoy (домовой), a personal assistant that lives on the user's own computer. "
    "Nothing the user says leaves this machine. Answer in the language the user writes in, "
    "briefly and warmly; say so plainly when you do not know."
)


def build_messages(
    history: Sequence[ChatMessage], user_text: str, *, system: str = SYSTEM_PROMPT
) -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content=system),
        *history,
        ChatMessage(role="user", content=user_text),
    ]
