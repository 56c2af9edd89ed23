"""Memory on the real parts: MiniLM embeddings, Chroma and SQLite on a temporary folder."""

import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from core.errors import DomovoyError, MemoryLockedError
from memory.chroma_index import ChromaIndex
from memory.embeddings import CachedEmbedder, EmbedderInfo, SentenceTransformerEmbedder, cache_key
from memory.fts import fts_query
from memory.portable import export_memories, import_memories
from memory.service import MemoryService
from memory.store import COMMON_ROWS, Memory, Store

DAY = 86400.0
NOW = 1_790_000_000.0


@pytest.fixture
def memory(memory_at: Callable[[float], MemoryService]) -> MemoryService:
    return memory_at(NOW)


def test_recall_finds_what_was_said_by_meaning_and_by_words(memory: MemoryService) -> None:
    facts = [
        ("My cat is called Barsik", 30),
        ("I work as a nurse at the city hospital", 20),
        ("My favourite tea is sencha", 5),
        ("Мою сестру зовут Маша, она живёт в Казани", 8),
    ]
    for text, ago in facts:
        memory.remember(text, speaker="user", when=NOW - ago * DAY)
    assert "Barsik" in memory.recall("What is the name of my cat?", 1)[0].memory.text
    assert "nurse" in memory.recall("What is my job?", 1)[0].memory.text
    assert "Маша" in memory.recall("Как зовут мою сестру?", 1)[0].memory.text  # by words: FTS5
    top = memory.recall("What is the name of my cat?", 3)
    assert [r.score for r in top] == sorted((r.score for r in top), reverse=True)
    assert top[0].line().startswith("(20") and "user: My cat" in top[0].line()


def test_recent_and_important_talk_does_not_bury_an_old_fact(memory: MemoryService) -> None:
    """Issue #18: recency and importance must not bury an old fact the question asks for."""
    memory.remember("My sister Emma is a vet in Leeds.", speaker="user", when=NOW - 300 * DAY)
    chatter = [
        "Remember: the boiler man comes on Friday at 10!",
        "Important: my passport expires in March 2027.",
        "Don't forget Anna's birthday on the 14th, I love her to bits.",
        "My boss Oliver wants the report by Monday, it's important.",
        "Remember to call the bank about the £250 charge.",
    ]
    for day in range(60):  # two months of recent talk that rates itself important
        text = f"{chatter[day % len(chatter)]} (week {day // 7})"
        memory.remember(text, speaker="user", when=NOW - day * DAY, importance=9.0)
    found = [r.memory.text for r in memory.recall("What does my sister do for a living?", 3)]
    assert "My sister Emma is a vet in Leeds." in found


def test_the_newer_answer_wins_when_facts_changed(memory: MemoryService) -> None:
    memory.remember("I live in Kazan", speaker="user", when=NOW - 90 * DAY)
    memory.remember("We moved, I live in Moscow now", speaker="user", when=NOW - 2 * DAY)
    assert "Moscow" in memory.recall("Where do I live?", 1)[0].memory.text


def test_near_duplicates_are_not_stored_twice(memory: MemoryService) -> None:
    first = memory.remember("My cat is called Barsik", speaker="user")
    assert first.action == "ADD"
    assert memory.remember("My cat is called Barsik", speaker="user").action == "NOOP"
    updated = memory.remember("My cat is called Barsik!", speaker="user")
    assert updated.action in {"NOOP", "UPDATE"}
    assert memory.store.count() == 1
    other = memory.remember("My dog is called Sharik", speaker="user")
    assert other.action == "ADD" and memory.store.count() == 2


def test_forget_one_and_all(memory: MemoryService) -> None:
    kept = memory.remember("keep this one", speaker="user").memory
    gone = memory.remember("the pin code is 1234", speaker="user").memory
    assert memory.forget(gone.id) and not memory.forget(gone.id)
    assert memory.store.get(gone.id) is None
    assert all("1234" not in r.memory.text for r in memory.recall("pin code", 5))
    assert memory.store.get(kept.id) is not None
    assert memory.forget_all() == 1 and memory.recall("keep", 5) == []


def test_forgetting_everything_while_recall_runs_is_no_error(memory: MemoryService) -> None:
    """The memory page forgets everything while its last search may still be reading: the
    search finds what is left (nothing), it does not fail on the index being emptied."""
    failures: list[BaseException] = []

    def search(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                memory.recall("what about the garden?", 3)
            except BaseException as exc:  # collected: the test fails on it
                failures.append(exc)
                return

    for round_ in range(6):
        for n in range(5):
            memory.remember(f"Round {round_}: the note number {n} about the garden.")
        stop = threading.Event()
        reader = threading.Thread(target=search, args=(stop,))
        reader.start()
        time.sleep(0.05)
        memory.forget_all()
        time.sleep(0.05)
        stop.set()
        reader.join(30)
        assert not failures, failures
    assert memory.store.count() == 0 and memory.recall("garden", 3) == []


def test_an_empty_memory_is_refused(memory: MemoryService) -> None:
    with pytest.raises(DomovoyError, match="empty memory"):
        memory.remember("   ")


def test_export_then_import_into_an_empty_home_restores_everything(
    memory: MemoryService, tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    things = ["a cat", "a dog", "tea", "jazz", "Kazan", "chess", "rain", "borscht", "Pushkin"]
    for i, thing in enumerate([*things, "skiing", "bees", "trains"]):
        text = f"On day {i} we talked about {thing}"
        memory.remember(text, speaker="user", when=NOW - i * DAY, dedupe=False)
    file = tmp_path / "export.json"
    assert export_memories(memory, file, {"emotion": {"valence": 0.4}}) == 12
    fresh = MemoryService(
        tmp_path / "other", CachedEmbedder(minilm, tmp_path / "c2"), clock=lambda: NOW
    )
    fresh.open()
    added, extra = import_memories(fresh, file)
    assert added == 12 and extra == {"emotion": {"valence": 0.4}}
    before = {m.id: m for m in memory.store.all()}
    after = {m.id: m for m in fresh.store.all()}
    assert before == after
    assert import_memories(fresh, file)[0] == 0  # importing twice adds nothing
    assert "Pushkin" in fresh.recall("when did we talk about Pushkin", 1)[0].memory.text
    fresh.close()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DomovoyError, match="not a domovoy memory export"):
        import_memories(memory, bad)


def test_a_damaged_index_is_rebuilt_from_the_store(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "mem"
    service = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    service.open()
    for text in ("My cat is called Barsik", "I drink sencha", "I live in Kazan"):
        service.remember(text, speaker="user")
    service.close()
    chroma = folder / "chroma"
    damaged = 0
    for file in chroma.rglob("*"):
        if file.is_file():
            file.write_bytes(b"\x00garbage" * 64)
            damaged += 1
    assert damaged
    again = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    again.open()
    assert again.index.rebuilt_because  # the check noticed, and the index was rebuilt
    assert list(folder.glob("chroma.broken-*"))  # set aside, not deleted
    assert again.index.count("episode") == 3
    assert "Barsik" in again.recall("cat's name", 1)[0].memory.text
    again.close()


def test_an_index_that_lags_the_store_is_caught_up(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "mem"
    service = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    service.open()
    service.remember("I like jazz", speaker="user")
    service.index.reset()  # as if a kill came between the commit and the index write
    service.close()
    again = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    again.open()
    assert again.index.count("episode") == 1
    again.close()


def test_an_index_of_other_passages_is_rebuilt_once(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> None:
    """A home whose index holds what an older version embedded ("user (2026-03-01): I like
    jazz"): its vectors are made again from the words, once, on the next start."""
    folder = tmp_path / "mem"
    service = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    service.open()
    memory = service.remember("I like jazz", speaker="user").memory
    stamped = minilm.embed(["user (2026-03-01): I like jazz"])
    service.index.upsert("episode", [memory.id], stamped)
    service.store.set_meta("passage", "stamped")
    service.close()
    rebuilt: list[int] = []
    again = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    real = again.rebuild
    again.rebuild = lambda *a, **k: (rebuilt.append(1), real(*a, **k))[1]  # type: ignore[method-assign]
    again.open()
    assert rebuilt == [1] and again.store.meta("passage") == "words"
    [(_, similarity)] = again.index.query("episode", minilm.embed(["I like jazz"])[0], 1)
    assert similarity > 0.99  # the words' own vector, not the stamped one
    again.close()
    third = MemoryService(folder, CachedEmbedder(minilm, tmp_path / "cache"))
    third.rebuild = lambda *a, **k: rebuilt.append(2)  # type: ignore[method-assign]
    third.open()
    assert rebuilt == [1]  # not again
    third.close()


def test_one_process_owns_the_memory_folder(tmp_path: Path) -> None:
    info = EmbedderInfo("m", "1", 4)
    first = ChromaIndex(tmp_path / "chroma", info)
    first.open(check=False)
    second = ChromaIndex(tmp_path / "chroma", info)
    with pytest.raises(MemoryLockedError, match="in use by process"):
        second.open(check=False)
    first.close()
    second.open(check=False)  # free again
    second.close()


def test_the_vector_cache_key_is_an_explicit_record() -> None:
    a = EmbedderInfo("bge-m3", "r1", 1024)
    b = EmbedderInfo("bge-m3", "r2", 1024)
    assert cache_key(a, "passage", "hi") != cache_key(b, "passage", "hi")  # a new version
    assert cache_key(a, "passage", "hi") != cache_key(a, "query", "hi")
    assert cache_key(a, "passage", "ab" + "c") != cache_key(
        EmbedderInfo("bge-m3a", "r1", 1024), "passage", "bc"
    )
    for text in ("hi", 'a "quoted" line', "Я медсестра\nв поликлинике", ""):  # as written before
        record = {"model": "bge-m3", "revision": "r1", "dimension": 1024, "normalize": True}
        record |= {"kind": "query", "text": text}
        whole = json.dumps(record, ensure_ascii=False, sort_keys=True)
        assert cache_key(a, "query", text) == hashlib.sha256(whole.encode()).hexdigest()


def test_each_text_is_embedded_once(tmp_path: Path, minilm: SentenceTransformerEmbedder) -> None:
    cached = CachedEmbedder(minilm, tmp_path / "cache")
    first = cached.embed(["hello there", "general kenobi"])
    second = cached.embed(["general kenobi", "hello there"])
    assert cached.misses == 2 and cached.hits == 2
    assert np.allclose(first[0], second[1]) and first.shape == (2, 384)
    again = CachedEmbedder(minilm, tmp_path / "cache")  # survives a restart
    again.embed(["hello there"])
    assert again.hits == 1 and again.misses == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("кота Барсика", '"кот"* OR "барси"*'),
        ("the cats", '"cat"*'),
        ("How do I commute to work?", '"commut"* OR "work"*'),
        ("What colour is my car?", '"colour"* OR ("car" OR "cars")'),
        ("Какую книгу читает моя сестра моему сыну?", '"книг"* OR "чита"* OR "сест"* OR "сын"*'),
        ("Как зовут мою сестру?", '"сест"*'),  # as "What is my sister's name?"
    ],
)
def test_lexical_queries_match_russian_endings(text: str, expected: str) -> None:
    assert fts_query(text) == expected


def _store_of(tmp_path: Path, *texts: str) -> tuple[Store, list[Memory]]:
    """A store holding ``texts``, said a second apart."""
    store = Store(tmp_path / "memory.sqlite3")
    memories = [Memory(text=text, created_at=NOW + i) for i, text in enumerate(texts)]
    store.add_many(memories)
    return store, memories


def test_a_russian_verb_asked_without_its_prefix_finds_it_said_with_one(tmp_path: Path) -> None:
    store, (broke, married, _) = _store_of(
        tmp_path,
        "В 2022 году я сломал руку на лыжах.",
        "Мы поженились в Сочи в 2015 году.",
        "Поход в горы отменили.",
    )
    assert store.lexical("Ломал ли я когда-нибудь кости?") == [broke.id]
    assert store.lexical("Когда я женился?") == [married.id]
    assert store.lexical("Куда ходили?") == []  # "походи"*, the verb's own stem: not "поход"
    assert fts_query("книгу") == '"книг"*'  # not a verb in the past or the infinitive
    store.close()


def test_a_name_is_searched_for_as_itself_in_english_and_by_its_stem_in_russian(
    tmp_path: Path,
) -> None:
    store, (isla, skye, andrei) = _store_of(
        tmp_path,
        "My granddaughter Isla lives in Melbourne.",
        "We loved the Isle of Skye, and the Isles beyond.",
        "Вчера видел Андрея у гаража.",
    )
    assert store.lexical("Isle", name=True) == [skye.id]  # not Isla, as its stem "isl" is
    assert set(store.lexical("Isle")) == {isla.id, skye.id}  # a word of a question: the stem
    assert store.lexical("Андрей", name=True) == [andrei.id]
    store.close()


def test_words_in_thousands_of_memories_find_the_newest_that_have_them_all(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "memory.sqlite3")
    every = [  # "Маша" and "чай" in more memories than searching by them narrows
        Memory(text=f"Маша пила чай в {i} часов", created_at=NOW + i)
        for i in range(COMMON_ROWS + 200)
    ]
    rare = [Memory(text=f"Маша пила кофе, чашка {i}", created_at=NOW - i) for i in range(3)]
    store.add_many(every[:100] + rare + every[100:])
    newest = [m.id for m in reversed(every)][:50]
    assert store.lexical("Что Маша говорила про чай?", 50) == newest
    assert store.lexical("Маша и чай", 10) == newest[:10]  # counted once, the same again
    assert set(store.lexical("Маша пила кофе?", 3)) == {m.id for m in rare}  # by the rare word
    store.add(said_once := Memory(text="Маша пила какао", created_at=NOW))
    assert store.lexical("какао") == [said_once.id]
    store.delete_all()
    store.add(after := Memory(text="Маша ушла", created_at=NOW))
    assert store.lexical("Маша") == [after.id]
    store.close()


def test_recall_is_timed_against_now(memory: MemoryService) -> None:
    old = memory.remember("I went to Sochi", speaker="user", when=NOW - 365 * DAY).memory
    recent = memory.remember(
        "I went to Sochi again", speaker="user", when=NOW - DAY, dedupe=False
    ).memory
    found = memory.recall("Sochi trip", 2)
    assert [r.memory.id for r in found] == [recent.id, old.id]
    assert found[0].recency > 0.9 > found[1].recency


def test_a_days_memories_are_read_by_the_time_index_and_by_speaker(tmp_path: Path) -> None:
    store = Store(tmp_path / "memory.sqlite3")
    said = [
        Memory(text=f"turn {i}", speaker=("user", "assistant")[i % 2], created_at=NOW + i * 3600)
        for i in range(48)
    ]
    store.add_many(said)
    day = (NOW + 24 * 3600, NOW + 48 * 3600)
    assert [m.text for m in store.between(*day)] == [f"turn {i}" for i in range(24, 48)]
    assert [m.text for m in store.between(*day, speaker="user")] == [
        f"turn {i}" for i in range(24, 48, 2)
    ]
    assert len(store.between(*day, limit=5)) == 5
    plan = " ".join(
        str(row[-1])
        for row in store._db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM memories WHERE created_at >= ? AND created_at < ? "
            "AND (? IS NULL OR speaker = ?) ORDER BY created_at",
            (*day, "user", "user"),
        )
    )
    assert "USING INDEX memories_time" in plan  # not a scan of every memory (16 ms at 100k)
    store.close()
