"""The conversation as the window shows it, built from events; Qt-free so it can be tested alone."""

from __future__ import annotations

from dataclasses import dataclass

from core.events import (
    ReasoningStreamed,
    TokenStreamed,
    ToolCalled,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)

DEMO_WARNING = "demo model: its replies are noise; get a real model to talk"


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


def footer(e: TurnFinished) -> str:
    """Which model answered, and why it was that one: shown under every reply."""
    parts = [e.model_used, f"{e.timings.tokens} tokens", f"{e.timings.tokens_per_s:.0f} tok/s"]
    if e.cancelled:
        parts.append("stopped")
    if e.fallback_reason:
        parts.append(f"fallback: {e.fallback_reason}")
    if e.demo:
        parts.append(DEMO_WARNING)
    return " · ".join(parts)


class Transcript:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

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

    def failed(self, e: TurnFailed) -> Entry | None:
        entry = self._entry(e.turn_id)
        if entry:
            entry.error = e.message
            entry.done = True
        return entry
