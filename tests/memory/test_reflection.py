"""Reflections, the memory summary and importance ratings, with a scripted model."""

from pathlib import Path
from typing import Any

from core.errors import GenerationError
from memory.fake import HashEmbedder
from memory.reflection import MemoryKeeper
from memory.service import MemoryService


class Scripted:
    """Answers by schema: what a lightweight model would reply, recorded."""

    def __init__(self, memory: MemoryService) -> None:
        self.memory = memory
        self.prompts: list[str] = []
        self.reflections = ["The user loves their cat Barsik.", "The user loves their cat Barsik!"]
        self.fail = False

    def __call__(self, prompt: str, schema: dict[str, Any]) -> Any:
        self.prompts.append(prompt)
        if self.fail:
            raise GenerationError("no model")
        keys = set(schema["properties"])
        if keys == {"importance"}:
            return {"importance": 9}
        if keys == {"summary"}:
            return {"summary": "Has a cat named Barsik; lives in Kazan."}
        ids = [line[1:33] for line in prompt.splitlines() if line.startswith("[")]
        text = self.reflections.pop(0) if self.reflections else "Nothing new."
        return {"reflections": [{"text": text, "sources": [*ids[:2], "made-up-id"]}]}


def test_reflections_come_when_importance_accumulates_and_cite_their_sources(
    tmp_path: Path,
) -> None:
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    memory.open(check=False)
    ask = Scripted(memory)
    keeper = MemoryKeeper(memory, ask, threshold=20, summary_every=100)
    made = []
    for text in [
        "My cat Barsik is three",
        "I love Barsik so much",
        "Barsik sleeps on my bed",
        "I live in Kazan",
    ]:
        written = memory.remember(text, speaker="user", importance=6)
        made += keeper.noted(written.memory)
    assert len(made) == 1  # 6+6+6 < 20 ≤ 24: once, at the fourth
    reflection = made[0]
    assert reflection.kind == "reflection" and reflection.text == "The user loves their cat Barsik."
    assert reflection.sources and "made-up-id" not in reflection.sources  # only real memories
    assert all(memory.store.get(s) for s in reflection.sources)
    # The next reflection says the same thing again: not novel, not stored.
    for text in ["Barsik caught a mouse", "Barsik is fluffy", "Barsik purrs", "Barsik ate"]:
        keeper.noted(memory.remember(text, speaker="user", importance=6).memory)
    assert memory.store.count("reflection") == 1
    memory.close()


def test_the_summary_is_refreshed_and_kept(tmp_path: Path) -> None:
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    memory.open(check=False)
    keeper = MemoryKeeper(memory, Scripted(memory), threshold=1000, summary_every=3)
    assert keeper.summary() == ""
    for text in ["one thing", "another thing", "a third thing"]:
        keeper.noted(memory.remember(text, speaker="user").memory)
    assert keeper.summary() == "Has a cat named Barsik; lives in Kazan."
    memory.close()


def test_without_a_model_nothing_breaks(tmp_path: Path) -> None:
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    memory.open(check=False)
    ask = Scripted(memory)
    ask.fail = True
    keeper = MemoryKeeper(memory, ask, threshold=1, summary_every=1)
    assert keeper.rate("I got married today") is None
    assert keeper.noted(memory.remember("I got married today", speaker="user").memory) == []
    assert keeper.summary() == ""
    ask.fail = False
    assert keeper.rate("I got married today") == 9.0
    memory.close()
