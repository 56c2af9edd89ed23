"""Switching embedding models: built in the background, resumable, complete, reversible."""

import threading
from pathlib import Path

import pytest

from core.errors import DomovoyError
from memory.fake import HashEmbedder
from memory.service import MemoryService

TOPICS = ["cats", "tea", "Kazan", "jazz", "chess", "rain", "borscht", "skiing", "bees", "trains"]


def fill(service: MemoryService) -> list[str]:
    ids = []
    for i in range(40):
        text = f"story {i} about {TOPICS[i % len(TOPICS)]} and number {i}"
        ids.append(service.remember(text, speaker="user", dedupe=False).memory.id)
    return ids


def test_a_migration_killed_midway_resumes_and_completes(tmp_path: Path) -> None:
    old, new = HashEmbedder(64, "old-model"), HashEmbedder(32, "new-model")
    service = MemoryService(tmp_path / "mem", old)
    service.open(check=False)
    ids = fill(service)
    stop = threading.Event()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 16:
            stop.set()  # as if the app were closed here

    assert service.migrate(new, batch=8, progress=progress, stop=stop) is False
    assert seen[-1] == (16, 40) and not service.migration_complete(new)
    assert service.index.collection("episode", new.info).count() == 16
    with pytest.raises(DomovoyError, match="not complete yet"):
        service.switch_to(new)
    assert service.recall("story about chess", 3)  # the old model still answers meanwhile
    written_meanwhile = service.remember("a new story about owls", speaker="user")
    service.close()

    again = MemoryService(tmp_path / "mem", old)
    again.open(check=False)
    resumed: list[tuple[int, int]] = []
    assert again.migrate(new, batch=8, progress=lambda d, t: resumed.append((d, t)))
    assert resumed[0][0] == 24  # went on from where it stopped, not from the start
    assert again.index.collection("episode", new.info).count() == 41  # all, the new one included
    again.switch_to(new)
    top = again.recall("owls", 1)[0].memory
    assert top.id == written_meanwhile.memory.id
    again.switch_to(old)  # switching back is instant: the old index is still there
    assert again.embedder is old and again.recall("story about chess", 1)
    assert again.index.drop_model(new.info) >= 1  # the user removes the unused one
    names = again.index.collection_names()
    assert not any(n.endswith("-new-model-32") for n in names)
    assert any(n.endswith("-old-model-64") for n in names)
    assert set(ids) <= {m.id for m in again.store.all()}
    again.close()


def test_a_forgotten_memory_leaves_every_models_index(tmp_path: Path) -> None:
    old, new = HashEmbedder(64, "old-model"), HashEmbedder(32, "new-model")
    service = MemoryService(tmp_path / "mem", old)
    service.open(check=False)
    memory = service.remember("secret about bees", speaker="user").memory
    service.migrate(new)
    service.forget(memory.id)
    assert service.index.collection("episode", new.info).count() == 0
    assert service.index.collection("episode", old.info).count() == 0
    service.close()


def test_under_pressure_recall_uses_the_small_fallback_model(tmp_path: Path) -> None:
    main, small = HashEmbedder(64, "big-model"), HashEmbedder(16, "small-model")
    service = MemoryService(tmp_path / "mem", main, fallback=small)
    service.open(check=False)  # the fallback's collections are built at open
    memory = service.remember("my cat Barsik sleeps all day", speaker="user").memory
    assert service.index.collection("episode", small.info).count() == 1  # written to both
    main.calls = small.calls = 0
    assert service.recall("Barsik", 1, light=True)[0].memory.id == memory.id
    assert small.calls >= 1 and main.calls == 0  # the query, and the best passages it compares
    light = small.calls
    assert service.recall("Barsik", 1)[0].memory.id == memory.id
    assert main.calls >= 1 and small.calls == light
    service.close()


def test_the_companion_migrates_in_the_background_with_progress_events(tmp_path: Path) -> None:
    from app.memory_and_mood import MemoryAndMood
    from core.events import EventBus, MigrationProgress
    from memory.emotion import EmotionalState, EmotionClassifier

    bus = EventBus(strict=True)
    events: list[MigrationProgress] = []
    bus.subscribe(MigrationProgress, events.append)
    old, new = HashEmbedder(64, "old-model"), HashEmbedder(32, "new-model")
    memory = MemoryService(tmp_path / "mem", old)
    companion = MemoryAndMood(bus, memory, EmotionalState(tmp_path / "e.json"), EmotionClassifier())
    companion.start()
    companion.ready.wait(30)
    fill(memory)
    companion.migrate(new).join(60)
    assert events and events[-1].complete and events[-1].done == 40
    assert [e.done for e in events[:-1]] == sorted(e.done for e in events[:-1])
    assert memory.embedder is new
    companion.stop()
