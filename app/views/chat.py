"""The conversation as the window shows it, built from events; Qt-free so it can be tested alone."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.events import (
    ReasoningStreamed,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from core.translatable import Said, said
from llm.base import ChatMessage

if TYPE_CHECKING:
    from memory.conversations import Message

DEMO_WARNING = said("demo model: its replies are noise; get a real model to talk")


@dataclass(slots=True)
class Entry:
    turn_id: int
    user: str
    answer: str = ""
    reasoning: str = ""
    tools: str = ""
    footer: str = ""
    error: str = ""
    done: bool = False
    note: str = ""  # a line from the app itself (a model switched), not a turn


CODE_BLOCK = re.compile(r"```[^\n]*\n(.*?)```", re.DOTALL)


def code_blocks(markdown: str) -> list[str]:
    """The fenced code blocks of a reply, in order: what each "copy" link copies."""
    return [m.group(1).rstrip("\n") for m in CODE_BLOCK.finditer(markdown)]


def with_copy_links(markdown: str) -> str:
    """The reply with a "copy" link (``copy:N``) under each fenced code block."""
    count = iter(range(10**6))
    return CODE_BLOCK.sub(
        lambda m: f"{m.group(0)}\n\n[❐ copy code](copy:{next(count)})\n", markdown
    )


def footer(e: TurnFinished) -> str:
    """Which model answered, and why it was that one: shown under every reply (and kept with it
    in the log, as English text that ``read_footer`` turns back into its parts)."""
    parts: list[str] = [
        e.model_used,
        said("{0} tokens", e.timings.tokens),
        said("{0:.0f} tok/s", e.timings.tokens_per_s),
    ]
    if e.cancelled:
        parts.append(said("stopped"))
    if e.fallback_reason:
        parts.append(said("fallback: {0}", e.fallback_reason))
    if e.demo:
        parts.append(DEMO_WARNING)
    return joined(parts)


def joined(parts: Sequence[str]) -> str:
    """The parts with " · " between them, each still translatable."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out = said("{0} · {1}", out, part)
    return out


Reader = Callable[[re.Match[str]], str]


@functools.cache
def footer_parts() -> tuple[tuple[re.Pattern[str], Reader], ...]:
    """A kept footer's parts, read back into what was said (compiled at first use)."""
    return (
        (re.compile(r"(\d+) tokens"), lambda m: said("{0} tokens", int(m[1]))),
        (re.compile(r"(\d+) tok/s"), lambda m: said("{0:.0f} tok/s", int(m[1]))),
        (re.compile(r"stopped"), lambda m: said("stopped")),
        (re.compile(r"fallback: (.*)", re.DOTALL), lambda m: said("fallback: {0}", m[1])),
        (re.compile(re.escape(DEMO_WARNING)), lambda m: DEMO_WARNING),
    )


def read_footer(text: str) -> str:
    """A footer from the log as ``footer`` said it, so that the window can translate it; a part
    it does not know (a model's name) stays as it is."""
    if not text or isinstance(text, Said):
        return text
    parts: list[str] = []
    for part in text.split(" · "):
        for pattern, make in footer_parts():
            if match := pattern.fullmatch(part):
                parts.append(make(match))
                break
        else:
            parts.append(part)
    return joined(parts)


class ChatTranscript:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def load(self, messages: Sequence[Message]) -> None:
        """A kept conversation, as the log stored it: each question with its reply and footer."""
        self.entries.clear()
        for m in messages:
            if m.role == "user" or not self.entries or self.entries[-1].done:
                self.entries.append(Entry(turn_id=-len(self.entries) - 1, user=""))
            entry = self.entries[-1]
            if m.role == "user":
                entry.user = m.text
                continue
            entry.answer, entry.done = m.text, True
            if m.note.startswith("failed: "):
                entry.error = m.note.removeprefix("failed: ")
            else:
                entry.footer = read_footer(m.note)

    def history(self) -> list[ChatMessage]:
        """What the model is given to go on from where the conversation was left."""
        out: list[ChatMessage] = []
        for entry in self.entries:
            if entry.user and entry.answer:
                out.append(ChatMessage(role="user", content=entry.user))
                out.append(ChatMessage(role="assistant", content=entry.answer))
        return out

    def _entry(self, turn_id: int) -> Entry | None:
        for entry in reversed(self.entries):
            if entry.turn_id == turn_id:
                return entry
        return None

    def started(self, e: TurnStarted) -> Entry:
        entry = Entry(turn_id=e.turn_id, user=e.text)
        self.entries.append(entry)
        return entry

    def tool(self, e: ToolCalled) -> Entry | None:
        entry = self._entry(e.turn_id)
        if entry:
            status = "" if e.ok else "failed: "
            entry.tools += f"tool {e.tool}({e.arguments}) → {status}{e.result}\n"
        return entry

    def token(self, e: TokenStreamed) -> None:
        if entry := self._entry(e.turn_id):
            entry.answer += e.text

    def reasoning(self, e: ReasoningStreamed) -> None:
        if entry := self._entry(e.turn_id):
            entry.reasoning += e.text

    def finished(self, e: TurnFinished) -> Entry | None:
        entry = self._entry(e.turn_id)
        if entry:
            entry.answer = e.text
            entry.reasoning = e.reasoning
            entry.footer = footer(e)
            entry.done = True
        return entry

    def note(self, text: str) -> Entry:
        entry = Entry(turn_id=0, user="", note=text, done=True)
        self.entries.append(entry)
        return entry

    def failed(self, e: TurnFailed) -> Entry | None:
        entry = self._entry(e.turn_id)
        if entry:
            entry.error = e.message
            entry.done = True
        return entry
