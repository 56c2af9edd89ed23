"""Query understanding (memory.query) and what recall does with it, on the real parts."""

import datetime as dt
from collections.abc import Callable, Sequence

import pytest

from memory import leads
from memory.embeddings import CachedEmbedder
from memory.query import understand
from memory.recall import Candidates, Recalled
from memory.service import MemoryService
from memory.store import Memory

ASKED = dt.datetime(2026, 5, 31, 13, 0).astimezone()  # local time, as the user's days are
NOW = ASKED.timestamp()


def _day(text: str) -> dt.date | None:
    span = understand(text, NOW).day
    return None if span is None else dt.datetime.fromtimestamp(span[0]).date()


@pytest.mark.parametrize(
    ("question", "day", "words"),
    [
        ("What was I busy with on 26 April?", dt.date(2026, 4, 26), "What was I busy with?"),
        ("What did I do on March 3rd?", dt.date(2026, 3, 3), "What did I do?"),
        ("Чем я занималась 5 апреля?", dt.date(2026, 4, 5), "Чем я занималась?"),
        ("What happened on 14 December?", dt.date(2025, 12, 14), "What happened?"),  # last year's
        ("What did I say yesterday?", dt.date(2026, 5, 30), "What did I say?"),
        ("Что было три дня назад?", dt.date(2026, 5, 28), "Что было?"),
        ("Что я делала позавчера?", dt.date(2026, 5, 29), "Что я делала?"),
        ("What did I do last Saturday?", dt.date(2026, 5, 30), "What did I do?"),  # a Sunday
        ("Where did I go on Friday?", dt.date(2026, 5, 29), "Where did I go?"),
        ("What did I say on Sunday?", dt.date(2026, 5, 24), "What did I say?"),  # not today
        ("Что я делала в прошлую субботу?", dt.date(2026, 5, 30), "Что я делала?"),
        ("Куда я ходил во вторник?", dt.date(2026, 5, 26), "Куда я ходил?"),
        ("What do I do on Saturdays?", None, "What do I do on Saturdays?"),  # a habit
        ("What do I do on Sunday mornings?", None, "What do I do on Sunday mornings?"),
        ("What am I doing on Saturday?", None, "What am I doing on Saturday?"),  # to come
        ("Что я делаю в субботу?", None, "Что я делаю в субботу?"),
        ("Что я делаю по субботам?", None, "Что я делаю по субботам?"),
        ("What is my sister's name?", None, "What is my sister's name?"),
        ("Is the May exam hard?", None, "Is the May exam hard?"),
    ],
)
def test_the_day_a_question_names(question: str, day: dt.date | None, words: str) -> None:
    assert _day(question) == day
    assert understand(question, NOW).words == words


@pytest.mark.parametrize(
    ("question", "anchor"),
    [
        ("What news did I share right after talking about the plumber?", "the plumber"),
        ("What did I tell you after the story about the school play?", "the school play"),
        ("Какую новость я рассказала сразу после истории про соседей?", "соседей"),
        ("Что я рассказала после того, как пожаловалась на зарплату?", "пожаловалась на зарплату"),
        ("What did I announce straight after the plumber?", "the plumber"),
        ("Что я сообщил сразу после истории с котом?", "котом"),
        ("What do I do after work?", None),  # not about what was said
        ("Куда мы ходили после театра?", None),
    ],
)
def test_the_moment_a_question_is_anchored_after(question: str, anchor: str | None) -> None:
    assert understand(question, NOW).after == anchor


@pytest.fixture
def memory(memory_at: Callable[[float], MemoryService]) -> MemoryService:
    return memory_at(NOW)


def _said(memory: MemoryService, days_ago: float, *turns: tuple[str, str]) -> None:
    when = NOW - days_ago * 86400
    for n, (speaker, text) in enumerate(turns):
        memory.remember(text, speaker=speaker, conversation=f"s{days_ago}", when=when + 60 * n)


def _the_user_said(memory: MemoryService, days_ago: Sequence[float], texts: Sequence[str]) -> None:
    """Each of ``texts``, said by the user alone that many days ago."""
    for ago, text in zip(days_ago, texts, strict=True):
        _said(memory, ago, ("user", text))


def test_a_named_day_keeps_the_answers_to_that_day(memory: MemoryService) -> None:
    _said(memory, 40, ("user", "I spent the whole day repainting the kitchen."))
    _said(
        memory,
        20,
        ("user", "I spent the whole day at the lake with the kids."),
        ("assistant", "A whole day at the lake sounds lovely."),  # not what the user did
    )
    _said(memory, 5, ("user", "I spent the whole day cleaning the garage."))
    day = (ASKED - dt.timedelta(days=20)).strftime("%d %B").lstrip("0")
    found = memory.recall(f"What did I do on {day}?", 3)
    assert [r.memory.text for r in found] == ["I spent the whole day at the lake with the kids."]
    assert "garage" in memory.recall("What did I do all day?", 1)[0].memory.text  # the newest


def test_what_was_said_right_after_comes_first(memory: MemoryService) -> None:
    _said(
        memory,
        10,
        ("user", "We finally booked a plumber for the leaking sink."),
        ("assistant", "Good idea."),
        ("user", "Oh and Emma is expecting a baby in June!"),
        ("assistant", "That's lovely to hear."),
        ("user", "The weather is grey again."),
    )
    _said(memory, 3, ("user", "The plumber fixed the sink at last."))
    found = memory.recall("What news did I share right after talking about the plumber?", 3)
    assert found[0].memory.text == "Oh and Emma is expecting a baby in June!"


def test_what_was_said_right_after_each_moment_it_may_mean_comes_first(
    memory: MemoryService,
) -> None:
    """Which of the times the bus came up is meant, recall cannot tell: what was said right
    after each of them comes first, one line for each, not two after the first."""
    for days_ago, bus, news, more in [
        (20, "The evening bus is always full.", "Anyway, I've started learning Spanish.",
         "It's freezing outside."),
        (15, "Someone left an umbrella on the bus today.",
         "By the way, my brother Dan is visiting next week.", "I need to do the laundry."),
        (10, "The bus broke down on the bridge today.", "Also Irina signed up for dance classes.",
         "The kids were loud all evening."),
    ]:  # fmt: skip
        _said(memory, days_ago, ("user", bus), ("user", news), ("user", more))
    found = memory.recall("What did I tell you right after the bus story?", 3)
    assert {r.memory.text for r in found} == {
        "Anyway, I've started learning Spanish.",
        "By the way, my brother Dan is visiting next week.",
        "Also Irina signed up for dance classes.",
    }


def test_the_users_reply_takes_the_place_of_the_assistants_question(
    memory: MemoryService,
) -> None:
    _said(
        memory, 30, ("assistant", "What's your favourite band?"), ("user", "Radiohead, no contest.")
    )
    _said(memory, 2, ("user", "There's a band playing in the park tonight."))
    texts = [r.memory.text for r in memory.recall("Which band do I love most?", 3)]
    assert "Radiohead, no contest." in texts
    assert "What's your favourite band?" not in texts  # it says nothing the user told


def test_a_reply_takes_the_questions_rank_not_its_closeness() -> None:
    """The assistant's "Shall I set a reminder?", asked a hundred times, comes close to any
    question asked of memory by its form: were its closeness passed on, every reply to it
    would come as close (the long-dialogue set: "Что я вяжу?" lost to replies to it)."""
    candidates = Candidates()
    candidates.dense([("question", 0.9), ("reply", 0.1)])
    best = candidates.ranks["question"]
    candidates.pass_on("question", "reply")
    assert candidates.similarity == {"reply": 0.1}
    assert candidates.ranks == {"reply": best}


def test_a_later_correction_goes_before_what_it_corrects(memory: MemoryService) -> None:
    _said(memory, 60, ("user", "We're planning a holiday in Portugal this summer."))
    _said(memory, 40, ("user", "I read an article about the beaches in Portugal."))
    _said(memory, 20, ("user", "Change of plans, we're off to Croatia instead."))
    _said(memory, 10, ("user", "Tell me a joke."))
    texts = [r.memory.text for r in memory.recall("Where are we going on holiday this summer?", 3)]
    assert texts.index("Change of plans, we're off to Croatia instead.") < texts.index(
        "We're planning a holiday in Portugal this summer."
    )


def test_what_was_said_that_day_alone_tells_the_day(memory: MemoryService) -> None:
    """In an imported chat history, where every turn is kept (the assistant's own writes
    store a turn said again once)."""
    said = [(days_ago, "I did the usual today.") for days_ago in (60, 45, 30, 21)]
    said.append((21, "Spent the afternoon in the garage with the car."))
    memory.ingest(
        [
            Memory(text=text, speaker="user", created_at=NOW - days_ago * 86400 + n)
            for n, (days_ago, text) in enumerate(said)
        ]
    )
    day = (ASKED - dt.timedelta(days=21)).strftime("%d %B").lstrip("0")
    asked = understand(f"What did I do on {day}?", NOW)
    assert asked.day is not None
    that_day = [Recalled(m, 1.0, 1.0, 0.0, 0.3) for m in memory.store.between(*asked.day)]
    assert that_day[0].memory.text == "I did the usual today."  # said first
    kept = leads.keep_to_the_day(memory.store, that_day, asked)
    assert [r.memory.text for r in kept] == [
        "Spent the afternoon in the garage with the car.",
        "I did the usual today.",
    ]


def test_lines_said_many_times_leave_room_for_the_answer(memory: MemoryService) -> None:
    """In an imported chat history every turn is kept; copies of one line, each as close to
    the question as the others, would fill the dense candidates."""
    lines = ["What shall I eat today?", "I'm hungry."] * 30  # more than the 50 candidates
    said = [Memory(text=t, speaker="user", created_at=NOW - 86400 * (1 + n / 10))
            for n, t in enumerate(lines)]  # fmt: skip
    said.append(Memory(text="Pasta with pesto is my favourite.", speaker="user",
                       created_at=NOW - 86400 * 60))  # fmt: skip
    memory.ingest(said)
    texts = [r.memory.text for r in memory.recall("Which food do I love?", 5)]
    assert "Pasta with pesto is my favourite." in texts, texts


def test_a_question_the_user_asked_is_not_what_they_told(memory: MemoryService) -> None:
    _said(memory, 12, ("user", "Where should we go for a walk this weekend?"))
    _said(memory, 11, ("user", "Where can I buy good running shoes?"))
    _said(memory, 10, ("user", "My favourite walk is along the river to the old mill."))
    texts = [r.memory.text for r in memory.recall("Where do I like to walk?", 3)]
    assert texts[0] == "My favourite walk is along the river to the old mill.", texts


def test_a_name_the_best_memory_names_leads_to_the_answer(memory: MemoryService) -> None:
    _said(memory, 50, ("user", "Sophie's best friend is called Grace."))
    _said(memory, 30, ("user", "Grace's family are moving to Spain."))
    for days_ago, text in enumerate(
        ["My best mate is moving house next week.", "My best friend from school is moving abroad.",
         "I'm moving the sofa to the other wall.", "My friend is moving to a bigger flat.",
         "Where is the best place to buy a sofa?", "Our neighbours are moving out in May."]
    ):  # fmt: skip
        _said(memory, days_ago + 1, ("user", text))
    texts = [r.memory.text for r in memory.recall("Where is Sophie's best friend moving?", 4)]
    assert "Grace's family are moving to Spain." in texts, texts


def test_a_reply_is_as_close_as_it_and_its_question_together(memory: MemoryService) -> None:
    """ "Tram, then a ten minute walk." says nothing of work on its own; after "How do you get
    to the office?" it answers "How do I commute to work?", against newer lines that share
    the question's words (the long-dialogue set, with its subjects said again)."""
    _said(
        memory,
        40,
        ("assistant", "How do you get to the office?"),
        ("user", "Tram, then a ten minute walk."),
    )
    _the_user_said(
        memory,
        (80, 70, 60, 20, 10, 5, 3, 2, 1),
        ["Lunch at work was late again.", "Work was busy today, lots of meetings.",
         "Someone at work went to a conference in Berlin.",
         "I'm saving up for a bike to commute on.", "The garden needs a lot of work this spring.",
         "My work laptop is so slow.", "How far is it to walk to the station?",
         "Work starts early tomorrow.", "I left my umbrella at work."],
    )  # fmt: skip
    texts = [r.memory.text for r in memory.recall("How do I commute to work?", 5)]
    assert "Tram, then a ten minute walk." in texts, texts


def test_a_reply_is_embedded_with_its_question_as_it_is_written(
    memory: MemoryService,
) -> None:
    """Recall reads the exchange's vector from the cache: it is not embedded again then."""
    _said(memory, 3, ("assistant", "Do you have any pets?"), ("user", "Just one, a tabby cat."))
    _said(memory, 2, ("assistant", "Shall I go on?"), ("assistant", "Are you there?"))
    embedder = memory.embedder
    assert isinstance(embedder, CachedEmbedder)
    assert embedder.cached("Do you have any pets? Just one, a tabby cat.") is not None
    assert embedder.cached("Shall I go on? Are you there?") is None  # not the user's reply
    before = embedder.misses
    memory.recall("Which pets do I have?", 3, now=NOW)
    assert embedder.misses == before + 1  # the question alone


def test_names_come_from_the_best_memories_that_name_anyone(memory: MemoryService) -> None:
    """The four best may name no one ("my sister is coming to stay"); the fifth's Emma leads
    on to "Emma married Tom"."""
    _said(memory, 80, ("user", "My sister Emma is a vet in Leeds."))
    _said(memory, 60, ("user", "Emma married a lovely man called Tom last spring."))
    _the_user_said(
        memory,
        (70, 50, 30, 10),
        ["My sister is coming to stay at the weekend.", "My sister's wedding photos arrived.",
         "My colleague's sister is a nurse.", "What does a good husband do?"],
    )  # fmt: skip
    texts = [r.memory.text for r in memory.recall("What does my sister's husband do?", 5)]
    assert "Emma married a lovely man called Tom last spring." in texts, texts
