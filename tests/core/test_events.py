import logging
import threading
from dataclasses import FrozenInstanceError, dataclass

import pytest

from core.events import Event, EventBus, TokenStreamed, TurnStarted


@dataclass(frozen=True, slots=True, kw_only=True)
class Special(TokenStreamed):
    pass


def test_handlers_get_events_of_their_type_and_subtypes_only() -> None:
    bus = EventBus(strict=True)
    tokens: list[Event] = []
    everything: list[Event] = []
    bus.subscribe(TokenStreamed, tokens.append)
    bus.subscribe(Event, everything.append)
    bus.publish(TurnStarted(turn_id=1, text="hi"))
    bus.publish(TokenStreamed(turn_id=1, text="a"))
    bus.publish(Special(turn_id=1, text="b"))
    assert [e.text for e in tokens] == ["a", "b"]  # type: ignore[attr-defined]
    assert len(everything) == 3


def test_unsubscribe_stops_delivery() -> None:
    bus = EventBus(strict=True)
    got: list[Event] = []
    unsubscribe = bus.subscribe(TurnStarted, got.append)
    bus.publish(TurnStarted(turn_id=1, text="a"))
    unsubscribe()
    bus.publish(TurnStarted(turn_id=2, text="b"))
    assert len(got) == 1


def test_events_are_frozen() -> None:
    event = TurnStarted(turn_id=1, text="a")
    with pytest.raises(FrozenInstanceError):
        event.text = "b"  # type: ignore[misc]


def test_a_failing_handler_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = EventBus()
    got: list[Event] = []

    def broken(event: TurnStarted) -> None:
        raise RuntimeError("boom")

    bus.subscribe(TurnStarted, broken)
    bus.subscribe(TurnStarted, got.append)
    with caplog.at_level(logging.ERROR):
        bus.publish(TurnStarted(turn_id=1, text="a"))
    assert got and "boom" in caplog.text


def test_strict_bus_reraises() -> None:
    bus = EventBus(strict=True)
    bus.subscribe(TurnStarted, lambda e: 1 / 0)  # type: ignore[func-returns-value]
    with pytest.raises(ZeroDivisionError):
        bus.publish(TurnStarted(turn_id=1, text="a"))


def test_publishing_from_many_threads_delivers_every_event() -> None:
    bus = EventBus(strict=True)
    got: list[Event] = []
    lock = threading.Lock()

    def handler(e: TokenStreamed) -> None:
        with lock:
            got.append(e)

    bus.subscribe(TokenStreamed, handler)

    def spam(n: int) -> None:
        for i in range(500):
            bus.publish(TokenStreamed(turn_id=n, text=str(i)))
            if i == 250:  # subscribing while others publish must be safe too
                bus.subscribe(TurnStarted, lambda e: None)

    threads = [threading.Thread(target=spam, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 * 500
