"""A later correction (memory.changes) on the real parts: the store is read for what says
something changed once, and each write, revision and forgetting after that is followed."""

from collections.abc import Callable
from pathlib import Path

from memory.changes import FULL_TEXT, Changes, says_it_changed
from memory.embeddings import CachedEmbedder, SentenceTransformerEmbedder
from memory.service import MemoryService
from memory.store import Memory, Store

NOW = 1_780_000_000.0
DAY = 86400.0
PLAN = "We're planning a holiday in Portugal this summer."
CHANGE = "Change of plans, we're off to Croatia instead."
QUESTION = "Where are we going on holiday this summer?"


def _texts(memory: MemoryService) -> list[str]:
    return [r.memory.text for r in memory.recall(QUESTION, 3)]


def _plan_then_change(memory: MemoryService) -> str:
    memory.remember(PLAN, speaker="user", when=NOW - 60 * DAY)
    memory.remember(
        "I read an article about the beaches in Portugal.", speaker="user", when=NOW - 40 * DAY
    )
    return memory.remember(CHANGE, speaker="user", when=NOW - 20 * DAY).memory.id


def test_what_says_it_changed_is_found_by_its_words_and_stems(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.sqlite3")
    said = [
        Memory(text=CHANGE, speaker="user", created_at=1.0),
        Memory(text="Собрание перенесли на пятницу.", speaker="user", created_at=2.0),
        Memory(text="Теперь хожу на йогу.", speaker="user", created_at=3.0),
        Memory(text="Noted, the meeting moved.", speaker="assistant", created_at=4.0),  # not theirs
        Memory(text="I moved the sofa myself.", speaker="user", kind="fact", created_at=5.0),
        Memory(text="Knowing that changes nothing for me.", speaker="user", created_at=6.0),
        Memory(text="Я выбросил старый диван.", speaker="user", created_at=7.0),  # not a stem
    ]
    store.add_many(said)
    found = [m.text for m in store.full_text(FULL_TEXT, speaker="user", kind="episode")]
    assert [t for t in found if says_it_changed(Memory(text=t, speaker="user"))] == [
        CHANGE,
        "Собрание перенесли на пятницу.",
        "Теперь хожу на йогу.",
    ]
    store.close()


def test_what_the_store_held_before_it_opened_corrects(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    first = MemoryService(tmp_path / "mem", CachedEmbedder(minilm, tmp_path / "cache"))
    first.open()
    _plan_then_change(first)
    first.close()
    again = MemoryService(tmp_path / "mem", CachedEmbedder(minilm, tmp_path / "cache"))
    again.open()
    texts = _texts(again)
    assert texts.index(CHANGE) < texts.index(PLAN)
    again.close()


def test_a_forgotten_correction_corrects_no_more(
    memory_at: Callable[[float], MemoryService],
) -> None:
    memory = memory_at(NOW)
    change = _plan_then_change(memory)
    texts = _texts(memory)
    assert texts.index(CHANGE) < texts.index(PLAN)
    memory.forget(change)
    assert CHANGE not in _texts(memory)
    memory.forget_all()
    assert memory.recall(QUESTION, 3) == []


def test_only_a_later_memory_close_to_it_corrects(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    store = Store(tmp_path / "m.sqlite3")
    embedder = CachedEmbedder(minilm, tmp_path / "cache")
    changes = Changes(store)
    plan = Memory(text=PLAN, speaker="user", created_at=NOW - 60 * DAY)
    earlier = Memory(text=CHANGE, speaker="user", created_at=NOW - 90 * DAY)
    store.add_many([plan, earlier])
    assert changes.closest_later([plan], embedder, 0.33) == [None]  # said before the plan
    later = [
        Memory(text="I've switched to oat milk now.", speaker="user", created_at=NOW - DAY),
        Memory(text=CHANGE, speaker="user", created_at=NOW - 20 * DAY),
    ]
    store.add_many(later)
    changes.add(later)  # written after the store was read: added as written
    assert changes.closest_later([plan], embedder, 0.33) == [later[1]]
    changes.remove(later[1].id)
    assert changes.closest_later([plan], embedder, 0.33) == [None]  # oat milk is not the subject
    store.close()
