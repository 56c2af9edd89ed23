"""Reflections, the memory summary, and importance ratings: the lightweight model's work on
memory, done in the background (Generative Agents).

When the importance accumulated since the last reflection passes a threshold, the model writes a
few reflections citing the memories they rest on; a reflection too close to one already stored
(novelty in the same embedding space) is dropped. The memory summary (what domovoy knows about
the user) is refreshed from the most important memories. Every call goes through ``ask``, a JSON
asker the app provides (the router's lightweight model), so this room imports no model code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from core.errors import DomovoyError
from memory.recall import passage
from memory.service import MemoryService
from memory.store import Memory

log = logging.getLogger(__name__)

Ask = Callable[[str, dict[str, Any]], Any]  # prompt, JSON schema → the validated value

REFLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reflections": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string", "minLength": 3},
                    "sources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                },
                "required": ["text", "sources"],
            },
        }
    },
    "required": ["reflections"],
}
SUMMARY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"summary": {"type": "string"}},
    "required": ["summary"],
}
IMPORTANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"importance": {"type": "integer", "minimum": 1, "maximum": 10}},
    "required": ["importance"],
}


class MemoryKeeper:
    def __init__(
        self,
        memory: MemoryService,
        ask: Ask,
        *,
        threshold: float = 40.0,
        novelty: float = 0.9,
        summary_every: int = 10,
    ) -> None:
        self.memory = memory
        self.ask = ask
        self.threshold = threshold
        self.novelty = novelty
        self.summary_every = summary_every

    # --- importance ----------------------------------------------------------------------------

    def rate(self, text: str) -> float | None:
        """1–10 by the model; None when it cannot say (the heuristic rates it then)."""
        prompt = (
            "On a scale of 1 (mundane, like brushing teeth) to 10 (life-changing, like a "
            "wedding or a diagnosis), how important is this for remembering the user? "
            f'Reply with JSON {{"importance": N}}.\n\n{text}'
        )
        try:
            return float(self.ask(prompt, IMPORTANCE_SCHEMA)["importance"])
        except DomovoyError:
            return None

    # --- after each write ----------------------------------------------------------------------

    def noted(self, written: Memory) -> list[Memory]:
        """Count what was written; reflect and refresh the summary when it is time."""
        store = self.memory.store
        accumulated = float(store.meta("importance_since_reflection", 0.0) or 0.0)  # type: ignore[arg-type]
        accumulated += written.importance
        writes = int(store.meta("writes_since_summary", 0) or 0) + 1  # type: ignore[call-overload]
        store.set_meta("importance_since_reflection", accumulated)
        store.set_meta("writes_since_summary", writes)
        made: list[Memory] = []
        if accumulated >= self.threshold:
            made = self.reflect()
            store.set_meta("importance_since_reflection", 0.0)
        if writes >= self.summary_every:
            self.refresh_summary()
            store.set_meta("writes_since_summary", 0)
        return made

    def reflect(self, recent: int = 30) -> list[Memory]:
        episodes = self.memory.store.recent("episode", limit=recent)
        if not episodes:
            return []
        listing = "\n".join(
            f"[{m.id}] {m.speaker or 'someone'}: {m.text}" for m in reversed(episodes)
        )
        prompt = (
            "Here is what was said lately. What high-level insights about the user follow from "
            "it? Write at most three, each citing the ids of the lines it rests on. Reply with "
            'JSON {"reflections": [{"text": "...", "sources": ["id", ...]}]}.\n\n' + listing
        )
        try:
            value = self.ask(prompt, REFLECTION_SCHEMA)
        except DomovoyError as exc:
            log.warning("no reflection this time: %s", exc.message)
            return []
        known = {m.id for m in episodes}
        made = []
        for item in value["reflections"]:
            sources = [s for s in item["sources"] if s in known]
            text = str(item["text"]).strip()
            if not sources or not text or not self._novel(text):
                continue
            written = self.memory.remember(
                text,
                kind="reflection",
                speaker="domovoy",
                importance=8.0,
                sources=sources,
                dedupe=False,
            )
            made.append(written.memory)
        return made

    def _novel(self, text: str) -> bool:
        """Compared as stored: the same passage form (who, when, what) as every memory."""
        probe = Memory(
            kind="reflection", text=text, speaker="domovoy", created_at=self.memory.clock()
        )
        vector = self.memory.embedder.embed([passage(probe)], "passage")[0]
        nearest = self.memory.index.query("reflection", vector, 1)
        return not nearest or nearest[0][1] < self.novelty

    # --- the memory summary --------------------------------------------------------------------

    def refresh_summary(self, top: int = 25) -> str | None:
        # what the user said and what was concluded from it; never the assistant's own replies,
        # which a small model would copy into the summary as if they were facts about the user
        said_by_user = [m for m in self.memory.store.recent(limit=200) if m.speaker != "assistant"]
        memories = sorted(said_by_user, key=lambda m: -m.importance)[:top]
        if not memories:
            return None
        listing = "\n".join(f"- {m.text}" for m in memories)
        prompt = (
            "Summarize what you know about the user from these memories, in at most 80 words, "
            'in their language. Reply with JSON {"summary": "..."}.\n\n' + listing
        )
        try:
            summary = str(self.ask(prompt, SUMMARY_SCHEMA)["summary"]).strip()
        except DomovoyError as exc:
            log.warning("the memory summary was not refreshed: %s", exc.message)
            return None
        self.memory.store.set_meta("summary", {"text": summary, "at": time.time()})
        return summary

    def summary(self) -> str:
        value = self.memory.store.meta("summary", {})
        return str(value.get("text", "")) if isinstance(value, dict) else ""
