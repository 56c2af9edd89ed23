"""Memory and mood around real turns: what was said is recalled into the next prompt."""

import time
from pathlib import Path

from app.assistant import Assistant
from app.memory_and_mood import MemoryAndMood
from core.events import EventBus, MemoryWritten, TurnFinished
from core.quiet import Quiet
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from memory.emotion import EmotionalState, EmotionClassifier, Reading
from memory.fake import HashEmbedder
from memory.service import MemoryService
from tests.helpers import this_turn, wait_until


def test_what_was_said_comes_back_in_a_later_prompt_and_the_mood_follows(tmp_path: Path) -> None:
    bus = EventBus(strict=True)
    written: list[MemoryWritten] = []
    bus.subscribe(MemoryWritten, written.append)
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    mood = EmotionalState(tmp_path / "emotion.json", bus)
    companion = MemoryAndMood(bus, memory, mood, EmotionClassifier())
    fake = FakeLLM(["Понял.", "Его зовут Барсик."])
    assistant = Assistant(
        bus=bus,
        slots={"primary": ModelSlot(role="primary", model_id="m", llm=fake)},
        context=companion.context,
        services=[companion],
    )
    assistant.start()
    wait_until(companion.warm.is_set, timeout=60)
    assert memory.changes.loaded  # what the user said changed, read before the first reply
    assistant.submit("Моего кота зовут Барсик, я так рад что он у меня есть!")
    assistant.wait(10)
    wait_until(lambda: len(written) == 2, timeout=30)  # the user's words and the reply
    assert mood.current().valence > 0.2  # the joy was felt
    assistant.reset()  # a new conversation: only memory can bring it back
    assistant.submit("Как зовут моего кота?")
    assistant.wait(10)
    prompt = this_turn(fake.seen[-1])
    assert "Моего кота зовут Барсик" in prompt and "Your current mood:" in prompt
    assistant.shutdown()
    assert (tmp_path / "emotion.json").exists()  # shutdown saved the mood


def test_a_demo_models_noise_is_not_remembered(tmp_path: Path) -> None:
    bus = EventBus(strict=True)
    written: list[MemoryWritten] = []
    bus.subscribe(MemoryWritten, written.append)
    companion = MemoryAndMood(
        bus,
        MemoryService(tmp_path / "mem", HashEmbedder()),
        EmotionalState(tmp_path / "e.json"),
        EmotionClassifier(),
    )
    companion.start()
    from core.events import Timings, TurnStarted

    bus.publish(TurnStarted(turn_id=1, text="hello there"))
    bus.publish(
        TurnFinished(
            turn_id=1,
            text="ксщш нонононо",
            model_used="demo",
            role="primary",
            timings=Timings(),
            demo=True,
        )
    )
    wait_until(lambda: len(written) == 1, timeout=30)
    companion.stop()
    assert [w.text for w in written] == ["hello there"]


def test_the_keeper_rates_reflects_and_summarizes_through_the_companion(tmp_path: Path) -> None:
    from typing import Any

    from core.events import Timings, TurnStarted
    from memory.reflection import MemoryKeeper

    asked: list[str] = []

    def ask(prompt: str, schema: dict[str, Any]) -> Any:
        asked.append(prompt)
        if "importance" in schema["properties"]:
            return {"importance": 9}
        return {"summary": "Loves the cat Barsik."}

    bus = EventBus(strict=True)
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    keeper = MemoryKeeper(memory, ask, threshold=1000, summary_every=1)
    companion = MemoryAndMood(
        bus, memory, EmotionalState(tmp_path / "e.json"), EmotionClassifier(), keeper=keeper
    )
    companion.start()
    bus.publish(TurnStarted(turn_id=1, text="Remember: my cat Barsik was born on 3 May!"))
    bus.publish(
        TurnFinished(turn_id=1, text="I will.", model_used="m", role="primary", timings=Timings())
    )
    companion.drain()
    stored = memory.store.recent(limit=5)
    assert any(m.importance == 9 for m in stored)  # the model rated what may matter
    assert companion.context("cat").profile == "Loves the cat Barsik."
    companion.stop()


def test_a_message_sent_while_the_memory_opens_still_recalls(tmp_path: Path) -> None:
    """Just after the start the memory is still opening: the first message waits for it (once)
    instead of being answered as if nothing had ever been said."""
    before = MemoryService(tmp_path / "mem", HashEmbedder())
    before.open()
    before.remember("Моего кота зовут Барсик", speaker="user")
    before.close()

    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    opening = memory.open

    def slow_open() -> None:
        time.sleep(0.5)  # a big store, a slow disk
        opening()

    memory.open = slow_open  # type: ignore[method-assign]
    companion = MemoryAndMood(
        EventBus(strict=True), memory, EmotionalState(tmp_path / "e.json"), EmotionClassifier()
    )
    companion.start()
    assert not companion.ready.is_set()
    context = companion.context("как зовут моего кота")
    assert any("Барсик" in line for line in context.memories)
    companion.stop()


def test_a_memory_that_cannot_be_written_now_is_written_later(tmp_path: Path) -> None:
    import sqlite3

    from core.events import StorageTrouble, TurnStarted

    bus = EventBus(strict=True)
    heard: list[StorageTrouble] = []
    bus.subscribe(StorageTrouble, heard.append)
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    companion = MemoryAndMood(bus, memory, EmotionalState(tmp_path / "e.json"), EmotionClassifier())
    companion.writes.retry_s = 60  # the next message tries again, not the timer
    companion.start()
    assert companion.ready.wait(60)
    remember = memory.remember
    full = [True]

    def on_a_full_disk(*args: object, **kwargs: object) -> object:
        if full[0]:
            raise sqlite3.OperationalError("database or disk is full")
        return remember(*args, **kwargs)  # type: ignore[arg-type]

    memory.remember = on_a_full_disk  # type: ignore[method-assign]
    bus.publish(TurnStarted(turn_id=1, text="Мою собаку зовут Жучка"))
    companion.drain()
    assert memory.store.count() == 0 and companion.writes.pending == 1
    full[0] = False
    bus.publish(TurnStarted(turn_id=2, text="Я живу в Казани"))
    companion.drain()
    assert sorted(m.text for m in memory.store.recent(limit=5)) == [
        "Мою собаку зовут Жучка",
        "Я живу в Казани",
    ]
    assert [h.resolved for h in heard] == [False, True]
    companion.stop()


def test_the_first_message_colours_its_own_prompt_and_an_unsure_one_gets_a_second_opinion(
    tmp_path: Path,
) -> None:
    """The mood is read before the prompt is built, by the quick readers; the lightweight
    model's judgement of an unsure message comes after the turn, in the background."""
    bus = EventBus(strict=True)
    judged: list[str] = []
    prompts_then: list[int] = []  # how many prompts the model had been given when asked

    def judge(text: str) -> Reading | None:
        judged.append(text)
        prompts_then.append(len(fake.seen))
        return Reading(valence=-0.8, arousal=0.8, emotions={"anger": 1.0}, confidence=0.9)

    mood = EmotionalState(tmp_path / "emotion.json", bus)
    quiet = Quiet()  # shared, as the app wires it: background work waits for the turn
    companion = MemoryAndMood(bus, None, mood, EmotionClassifier(judge=judge), quiet=quiet)
    fake = FakeLLM(["Поздравляю!"])
    assistant = Assistant(
        bus=bus,
        slots={"primary": ModelSlot(role="primary", model_id="m", llm=fake)},
        context=companion.context,
        services=[companion],
        quiet=quiet,
    )
    assistant.start()
    assistant.submit("Ура, меня взяли на работу, я так счастлив!").result(10)
    assert "Your current mood:" in this_turn(fake.seen[0])  # this message's joy, at once
    assert judged == []  # clear words: no model asked, before or after
    companion.drain()
    before = mood.current().valence
    assistant.submit("я рад, но мне грустно").result(10)
    companion.drain()
    assert judged == ["я рад, но мне грустно"] and mood.current().valence < before
    assert prompts_then == [2]  # after this turn's prompt was built, never before it
    assistant.shutdown()


def test_a_russian_speaker_on_an_english_only_embedder_is_told_once(tmp_path: Path) -> None:
    """HashEmbedder says nothing of reading Russian, as MiniLM: the first Russian message
    brings a notice naming the embedder and what to do; no second one; English brings none."""
    from core.events import MemoryNotice, TurnStarted

    bus = EventBus(strict=True)
    notices: list[MemoryNotice] = []
    written: list[MemoryWritten] = []
    bus.subscribe(MemoryNotice, notices.append)
    bus.subscribe(MemoryWritten, written.append)
    memory = MemoryService(tmp_path / "mem", HashEmbedder())
    companion = MemoryAndMood(bus, memory, EmotionalState(tmp_path / "e.json"), EmotionClassifier())
    companion.start()
    bus.publish(TurnStarted(turn_id=1, text="Good morning, how are you?"))
    wait_until(lambda: len(written) == 1, timeout=30)
    assert notices == []
    for turn, text in ((2, "Моего кота зовут Барсик"), (3, "Мою сестру зовут Маша")):
        bus.publish(TurnStarted(turn_id=turn, text=text))
    wait_until(lambda: len(written) == 3, timeout=30)
    companion.stop()
    assert len(notices) == 1
    assert memory.embedder.info.model_id in notices[0].message
    assert "use-multilingual" in notices[0].message
