from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import EmbeddingsConfig
from core.paths import Paths
from core.registry import Registry
from memory.embeddings import configured_embedder
from memory.relations import asked_about, introduced, introduces, same_name
from memory.service import MemoryService
from models.catalogue import CATALOGUE_DIR

DAY = 86400.0
NOW = 1_790_000_000.0


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("My partner Joel is a carpenter, he built our kitchen table.", {"Joel": "partner"}),
        ("One sister, Hannah, she's a vet.", {"Hannah": "sister"}),
        ("My son's name is Graham.", {"Graham": "son"}),
        ("Mia's teacher this year is Mr Okafor.", {"Okafor": "teacher"}),
        ("Joel's parents flew to Spain last week.", {}),  # named, not introduced
        ("Cardiff won the rugby, Joel was thrilled.", {}),
        ("Муж Серёжа работает электриком.", {"Серёжа": "ru0"}),
        ("Брата моего зовут Андрей.", {"Андрей": "ru4"}),
        ("Подруга с работы ездила в Калининград.", {}),  # the words between name no one
        ("Который час, Андрей?", {}),  # "который" is not "кот"
    ],
)
def test_a_relation_word_before_a_name_introduces_it(text: str, names: dict[str, str]) -> None:
    assert introduced(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "My partner Joel is a carpenter.",
        "Our daughter Mia is seven.",
        "Сыну Мише девять лет.",
        "Брата моего зовут Андрей.",
        "Mia's friend Ava has a tortoise.",
        "Joel burnt the toast.",
        "Подруга с работы ездила в Калининград.",
    ],
)
def test_whether_a_memory_introduces_a_name_reads_as_all_it_introduces(text: str) -> None:
    for name in ("Joel", "Mia", "Миша", "Андрея", "Ava", "Калининград"):
        said = any(same_name(n, name) for n in introduced(text))
        assert introduces(text, [name]) == said, (text, name)


def test_a_russian_name_is_the_same_in_its_cases_and_an_english_one_as_written() -> None:
    assert same_name("Мише", "Миша") and same_name("Игорем", "Игорь")
    assert not same_name("Маша", "Миша")
    assert same_name("Mia", "mia") and not same_name("Mia", "Mila")


def test_who_someone_is_answers_a_question_about_them_over_where_they_are_only_named(
    memory_at: Callable[[float], MemoryService],
) -> None:
    memory = memory_at(NOW)
    intro = memory.remember(
        "My partner Joel is a carpenter, he built our kitchen table.",
        speaker="user",
        when=NOW - 90 * DAY,
    ).memory
    named = [
        "Joel booked a table somewhere fancy, he won't tell me where.",
        "Joel's parents flew to Spain last week.",
        "Joel burnt the toast this morning.",
        "By the way, Joel got a job offer in Cardiff!",
        "Joel says we should build a hutch in the garden.",
        "Joel measured the living room twice.",
        "Joel and I had our tenth anniversary dinner tonight.",
    ]
    for n, text in enumerate(named):
        memory.remember(text, speaker="user", when=NOW - (30 - 3 * n) * DAY)
    # without the introductions counted: 8th and 7th (MiniLM)
    for question, k in (("What does Joel do for a living?", 3), ("How old is Joel?", 5)):
        found = [r.memory.id for r in memory.recall(question, k)]
        assert intro.id in found, question


def test_a_question_asks_about_the_last_relation_it_names_of_the_one_before() -> None:
    assert asked_about("What is my daughter's teacher going to do?") == ({"teacher"}, {"daughter"})
    heads, whose = asked_about("Куда переезжает тренер моего сына?")
    assert len(heads) == 1 and len(whose) == 1 and heads != whose
    assert asked_about("Who do I do puzzles with?") == (set(), set())


def test_someone_named_by_their_relation_is_recalled_as_if_asked_by_name(
    tmp_path: Path, domovoy_home: Paths
) -> None:
    """ "My son" is Graham: what happened to Graham comes as close to the question as if it
    had named him (USE, the embedder every home has: 5th without it)."""
    registry = Registry.load(domovoy_home, [CATALOGUE_DIR])
    embedder = configured_embedder(registry, EmbeddingsConfig(), tmp_path / "cache")
    memory = MemoryService(tmp_path / "mem", embedder, clock=lambda: NOW)
    memory.open()
    memory.remember("My son's name is Graham.", speaker="user", when=NOW - 100 * DAY)
    news = memory.remember(
        "Graham has been made head chef at his restaurant.", speaker="user", when=NOW - 60 * DAY
    ).memory
    for n, text in enumerate(
        [
            "And guess what, my son is getting married!",
            "I'm going to bed early tonight.",
            "Graham rang, he sounded tired.",
            "I'm so tired today.",
            "I feel like a takeaway tonight.",
            "Thanks for listening.",
            "I finished the crossword in ten minutes.",
            "I spilled soup on my shirt.",
            "Work has been so busy this week.",
        ]
    ):
        memory.remember(text, speaker="user", when=NOW - (15 - n) * DAY)
    found = [r.memory.id for r in memory.recall("What's happened to my son at work?", 3)]
    memory.close()
    assert news.id in found
