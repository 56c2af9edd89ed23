import pytest

from audio.frames import AssistantSentence, AssistantText, Interruption, ReplyEnded
from audio.pipeline import run
from audio.sentences import SentenceSplitter


def sentences(pieces: list[str]) -> list[str]:
    frames = [AssistantText(text=p) for p in pieces] + [ReplyEnded()]
    return [f.text for f in run([SentenceSplitter()], frames) if isinstance(f, AssistantSentence)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Привет! Как дела? Всё хорошо.", ["Привет!", "Как дела?", "Всё хорошо."]),
        ("Число пи равно 3.14, это известно. Да.", ["Число пи равно 3.14, это известно.", "Да."]),
        ("Это т.е. пример, т.к. нужно. Конец.", ["Это т.е. пример, т.к. нужно.", "Конец."]),
        (
            "Поэт А. С. Пушкин родился в 1799 г. в Москве. Вот.",
            ["Поэт А. С. Пушкин родился в 1799 г. в Москве.", "Вот."],
        ),
        (
            "Dr. Smith arrived, e.g. at noon. Then he left!",
            ["Dr. Smith arrived, e.g. at noon.", "Then he left!"],
        ),
        ("Он сказал: «Иди!» И ушёл.", ["Он сказал: «Иди!»", "И ушёл."]),
        ("Wait... what? Really.", ["Wait...", "what?", "Really."]),
        ("No end mark here", ["No end mark here"]),
        ("Мне 25. А тебе?", ["Мне 25.", "А тебе?"]),
        ("1. Купить хлеб\n2. Позвонить маме. Всё.", ["1. Купить хлеб\n2. Позвонить маме.", "Всё."]),
    ],
)
def test_sentences_in_russian_and_english(text: str, expected: list[str]) -> None:
    assert sentences([text]) == expected
    assert sentences(list(text)) == expected  # the same, one character at a time


def test_a_sentence_waits_for_the_next_non_space_character() -> None:
    splitter = SentenceSplitter()
    assert splitter.process(AssistantText(text="Готово.")) == []
    assert splitter.process(AssistantText(text="  ")) == []
    out = splitter.process(AssistantText(text="Д"))
    assert [f.text for f in out] == ["Готово."]  # type: ignore[attr-defined]


def test_an_interruption_drops_the_half_written_sentence() -> None:
    frames = [AssistantText(text="Сейчас расскажу длинную"), Interruption(), ReplyEnded()]
    out = run([SentenceSplitter()], frames)
    assert not [f for f in out if isinstance(f, AssistantSentence)]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Встреча 21.11.2026 в десять.", "Встреча 21 ноября 2026 года в десять."),
        ("The meeting is on 2026-11-21.", "The meeting is on November 21, 2026."),
        ("Версия 3.14.2025 не дата", "Версия 3.14.2025 не дата"),  # no 14th month
        ("Мне 25 лет", "Мне 25 лет"),  # numbers are read as words by the phonemizer itself
    ],
)
def test_dates_are_spoken_as_dates(text: str, said: str) -> None:
    from audio.spoken import spoken

    assert spoken(text) == said
