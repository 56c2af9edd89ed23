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
