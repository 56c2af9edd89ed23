"""The memory page over the real memory (MiniLM, Chroma, SQLite) of the demo app: browse,
search, correct, forget, export, forget all; the dictionaries; the mood's history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from app.ui.pages.memory import MemoryPage
from core.events import EmotionChanged
from memory.emotion import Lexicon

pytestmark = pytest.mark.qt


def companion_of(assistant: Assistant) -> MemoryAndMood:
    companion = next(s for s in assistant.services if isinstance(s, MemoryAndMood))
    companion.start()
    assert companion.ready.wait(60) and companion.memory is not None, companion.problem
    return companion


def test_browse_search_correct_forget_export(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, tmp_path: Path
) -> None:
    companion = companion_of(demo_assistant)
    memory = companion.memory
    assert memory is not None
    for text in ("У Маши есть кошка Мурка", "I work as a welder in Tula", "Мой любимый цвет синий"):
        memory.remember(text, speaker="user")
    page = MemoryPage(companion, demo_home.paths.data_dir, demo_home.paths.entities_dir)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: len(page.table.rows) == 3, timeout=30000)
    assert page.count.text().startswith("3 shown of 3")

    page.search.setText("what is my job")
    page.refresh()
    qtbot.waitUntil(lambda: "shown" in page.count.text(), timeout=30000)
    assert page.table.rows[0].text.endswith("Tula")

    page.view.selectRow(0)
    page.edit("I work as a blacksmith in Tula")
    qtbot.waitUntil(lambda: page.status.text().startswith("corrected"), timeout=30000)
    found = memory.recall("blacksmith", 1)  # re-indexed: found by its new words
    assert found[0].memory.text == "I work as a blacksmith in Tula"
    assert memory.store.count() == 3

    page.view.selectRow(0)
    forgotten = page.table.rows[0].id
    page.forget()
    qtbot.waitUntil(lambda: page.status.text() == "forgotten", timeout=30000)
    assert memory.store.get(forgotten) is None

    target = tmp_path / "memories.json"
    page.export(str(target))
    qtbot.waitUntil(lambda: page.status.text().startswith("exported"), timeout=30000)
    assert "exported 2 memories" in page.status.text()
    assert target.exists() and len(json.loads(target.read_text(encoding="utf-8"))["memories"]) == 2

    page.forget_all(confirm=False)
    qtbot.waitUntil(lambda: page.status.text() == "forgot 2 memories", timeout=30000)
    qtbot.waitUntil(lambda: not page.table.rows, timeout=30000)
    assert memory.store.count() == 0


def test_dictionaries_are_checked_before_they_are_saved(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    companion = companion_of(demo_assistant)
    page = MemoryPage(companion, demo_home.paths.data_dir, demo_home.paths.entities_dir)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.dictionary.count() > 0, timeout=30000)
    page.dictionary.setCurrentText("pets.yaml")
    page.dictionary_text.setPlainText("Мурка: [Мурочка]\nБарсик: []\n")
    page.save_dictionary()
    qtbot.waitUntil(lambda: page.status.text().startswith("saved"), timeout=10000)
    file = demo_home.paths.entities_dir / "pets.yaml"
    assert "Мурочка" in file.read_text(encoding="utf-8")

    page.dictionary.setCurrentText("pets.yaml")
    page.dictionary_text.setPlainText("Мурка: [unclosed\n")
    page.save_dictionary()
    qtbot.waitUntil(lambda: "not valid YAML" in page.status.text(), timeout=10000)
    assert "Мурочка" in file.read_text(encoding="utf-8")  # the good file stays


def test_the_mood_history_is_plotted_and_kept_across_starts(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    companion = next(s for s in demo_assistant.services if isinstance(s, MemoryAndMood))
    page = MemoryPage(companion, demo_home.paths.data_dir, demo_home.paths.entities_dir)
    qtbot.addWidget(page)
    before = len(page.plot.points)
    for text in ("I am so happy today!", "This is terrible, I am furious"):
        companion.mood.observe(Lexicon().read(text))
    page.on_mood(EmotionChanged(valence=0.0, arousal=0.0, main="anger", text=""))
    assert len(page.plot.points) == before + 2
    assert page.plot.points[-1].valence < page.plot.points[-2].valence
    page.show()
    page.plot.repaint()  # draws without error with points
    from memory.emotion import EmotionalState

    again = EmotionalState(demo_home.paths.data_dir / "emotion.json")
    assert [p.main for p in again.recent()][-2:] == [p.main for p in page.plot.points][-2:]


def test_a_page_opened_before_the_memory_waits_for_it(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    """At start the window (and this page) can open before the memory has: the page waits for it
    instead of saying the memory is not open, and shows what it holds once it is."""
    companion = next(s for s in demo_assistant.services if isinstance(s, MemoryAndMood))
    assert not companion.settled.is_set()
    page = MemoryPage(companion, demo_home.paths.data_dir, demo_home.paths.entities_dir)
    qtbot.addWidget(page)
    assert page.count.text() == "reading…"
    companion.start()
    qtbot.waitUntil(lambda: "shown of" in page.count.text(), timeout=60000)
    assert page.status.text() == ""


def test_a_memory_that_cannot_open_is_named_on_the_page(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    companion = next(s for s in demo_assistant.services if isinstance(s, MemoryAndMood))
    assert companion.memory is not None

    def broken() -> None:
        raise OSError("data/memory.sqlite3: disk I/O error")

    monkeypatch.setattr(companion.memory, "open", broken)
    companion.start()
    page = MemoryPage(companion, demo_home.paths.data_dir, demo_home.paths.entities_dir)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "disk I/O error" in page.status.text(), timeout=30000)
    assert "Diagnostics" in page.status.text()
    assert page.count.text() == ""
