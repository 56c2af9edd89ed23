"""The conversation as the window shows it, built from events; Qt-free so it can be tested alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.events import (
    ReasoningStreamed,
    ReplyCutOff,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from core.translatable import said
from llm.base import ChatMessage
from memory.conversations import Message, ReplyFacts

DEMO_WARNING = said("demo model: its replies are noise; get a real model to talk")
CUT_MARK = said("✂ cut off: the model crashed here")


@dataclass(slots=True)
class Entry:
    turn_id: int
    user: str
    answer: str = ""
    reasoning: str = ""
    tools: str = ""
    facts: ReplyFacts | None = None  # the footer's fields (a finished reply)
    old_footer: str = ""  # a reply kept before the facts were fields: its note, in English
    error: str = ""
    cut_off: str = ""  # what a model that crashed mid-reply had said (kept, marked)
    cut_note: str = ""  # which model crashed and how
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


def footer(facts: ReplyFacts) -> str:
    """The line under a reply: which model answered, how fast, and why it was that one; each
    part translatable (``shown`` draws it in the user's language)."""
    parts: list[str] = [
        facts.model,
        said("{0} tokens", facts.tokens),
        said("{0:.0f} tok/s", facts.tokens_per_s),
    ]
    if facts.stopped:
        parts.append(said("stopped"))
    if facts.fallback_reason:
        parts.append(said("fallback: {0}", facts.fallback_reason))
    if facts.demo:
        parts.append(DEMO_WARNING)
    return joined([p for p in parts if p])


def joined(parts: Sequence[str]) -> str:
    """The parts with " · " between them, each still translatable."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out = said("{0} · {1}", out, part)
    return out


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
            if m.facts is not None and m.facts.failed:
                entry.error = m.facts.failed
            elif m.facts is not None:
                entry.facts = m.facts
                entry.cut_off = m.facts.cut_off
            elif m.note.startswith("failed: "):
                entry.error = m.note.removeprefix("failed: ")
            else:
                entry.old_footer = m.note

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

    def cut(self, e: ReplyCutOff) -> Entry | None:
        """The model answering crashed: what it said moves aside, marked; the next model's
        answer streams in after it."""
        entry = self._entry(e.turn_id)
        if entry:
            entry.cut_off = "\n".join(p for p in (entry.cut_off, e.partial) if p)
            entry.cut_note = e.message.splitlines()[0] if e.message else ""
            entry.answer = ""
        return entry

    def reasoning(self, e: ReasoningStreamed) -> None:
        if entry := self._entry(e.turn_id):
            entry.reasoning += e.text

    def finished(self, e: TurnFinished) -> Entry | None:
        entry = self._entry(e.turn_id)
        if entry:
            entry.answer = e.text
            entry.reasoning = e.reasoning
            entry.facts = ReplyFacts.of(e)
            entry.cut_off = e.cut_off or entry.cut_off
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
