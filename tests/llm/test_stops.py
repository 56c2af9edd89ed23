import pytest

from llm.stops import StopMatcher


def feed_all(matcher: StopMatcher, pieces: list[str]) -> str:
    out = "".join(matcher.feed(p) for p in pieces)
    return out + matcher.flush()


@pytest.mark.parametrize(
    ("pieces", "stops", "expected"),
    [
        (["Hello", " wor", "ld"], [], "Hello world"),
        (["Hello", " ##", "#", " END", " more"], ["###"], "Hello "),
        (["a<", "|im", "_end|>b"], ["<|im_end|>"], "a"),
        (["a<", "|x"], ["<|im_end|>"], "a<|x"),  # a false start is released
        (["abc"], ["c", "b"], "a"),  # the earliest stop wins
        (["до сви", "дания"], ["свидания"], "до "),
    ],
)
def test_stop_strings(pieces: list[str], stops: list[str], expected: str) -> None:
    assert feed_all(StopMatcher(stops), pieces) == expected


def test_text_is_released_as_soon_as_it_cannot_start_a_stop() -> None:
    matcher = StopMatcher(["STOP"])
    assert matcher.feed("Hi S") == "Hi "
    assert matcher.feed("x") == "Sx"
    assert not matcher.stopped
    assert matcher.feed("STOP and more") == ""
    assert matcher.stopped and matcher.feed("later") == ""


def test_a_reply_caught_in_a_loop_is_stopped_and_a_varied_one_is_not() -> None:
    import random

    from llm.stops import RepetitionGuard

    guard = RepetitionGuard()
    rng = random.Random(1)
    assert not any(guard.feed(rng.randrange(50_000)) for _ in range(2000))
    guard = RepetitionGuard()
    phrase = [11, 22, 33, 44, 55, 66, 77]  # "and then we went home." over and over
    tokens = list(range(100, 140)) + phrase * 40
    stopped = next(i for i, t in enumerate(tokens) if guard.feed(t))
    assert stopped < 40 + 7 * 16  # within about a hundred looping tokens
    assert guard.looped_tokens >= 90
    guard = RepetitionGuard()
    dashes = [5] * 60 + list(range(200, 260))  # a table's rule: long, but not a loop
    assert not any(guard.feed(t) for t in dashes)
