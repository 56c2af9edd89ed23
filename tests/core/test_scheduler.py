import threading
import time

import pytest

from core.errors import LeaseTimeout
from core.events import Event, EventBus, LeaseGranted, ResourcePressure
from core.scheduler import GpuScheduler, Priority
from tests.helpers import wait_until


def test_one_holder_at_a_time_and_release_from_another_thread() -> None:
    scheduler = GpuScheduler()
    lease = scheduler.acquire("llm")
    assert scheduler.holder == "llm"
    got: list[str] = []
    waiter = threading.Thread(target=lambda: got.append(scheduler.acquire("stt").owner))
    waiter.start()
    time.sleep(0.05)
    assert got == []  # still waiting
    threading.Thread(target=lease.release).start()  # released by another thread
    waiter.join(5)
    assert got == ["stt"] and scheduler.holder == "stt"


def test_the_voice_path_outranks_background_work() -> None:
    scheduler = GpuScheduler()
    first = scheduler.acquire("llm")
    order: list[str] = []
    lock = threading.Lock()

    def want(owner: str, priority: Priority) -> None:
        lease = scheduler.acquire(owner, priority=priority)
        with lock:
            order.append(owner)
        lease.release()

    threads = []
    for owner, priority in [
        ("summary", Priority.BACKGROUND),
        ("reflection", Priority.BACKGROUND),
        ("chat", Priority.INTERACTIVE),
        ("stt", Priority.VOICE),
    ]:
        t = threading.Thread(target=want, args=(owner, priority))
        t.start()
        threads.append(t)
        time.sleep(0.02)  # queued in this order
    first.release()
    for t in threads:
        t.join(5)
    assert order == ["stt", "chat", "summary", "reflection"]


def test_a_request_that_cannot_wait_longer_gets_a_clear_timeout() -> None:
    scheduler = GpuScheduler()
    with (
        scheduler.lease("stt", priority=Priority.VOICE),
        pytest.raises(LeaseTimeout, match=r"llm waited 0\.05 s for the GPU, held by stt"),
    ):
        scheduler.acquire("llm", timeout=0.05)
    with scheduler.lease("llm"):  # the timed-out request left no trace in the queue
        assert scheduler.holder == "llm"


def test_pressure_when_speech_holds_the_gpu_long_or_voice_waits() -> None:
    now = [0.0]
    bus = EventBus(strict=True)
    events: list[Event] = []
    bus.subscribe(Event, events.append)
    scheduler = GpuScheduler(bus, stt_pressure_s=5, clock=lambda: now[0])
    assert scheduler.pressure() is None
    stt = scheduler.acquire("stt", priority=Priority.VOICE)
    now[0] = 2.0
    assert scheduler.pressure() is None
    now[0] = 6.0
    assert scheduler.pressure() == "stt has held the GPU for 6 s"
    stt.release()
    llm = scheduler.acquire("llm")
    waiter = threading.Thread(
        target=lambda: scheduler.acquire("barge-in", priority=Priority.VOICE).release()
    )
    waiter.start()
    wait_until(lambda: scheduler.pressure() == "a voice request is waiting for the GPU")
    assert any(isinstance(e, ResourcePressure) and "barge-in" in e.reason for e in events)
    llm.release()
    waiter.join(5)
    assert scheduler.pressure() is None
    assert [e.owner for e in events if isinstance(e, LeaseGranted)] == ["stt", "llm", "barge-in"]


def test_residents_are_left_room_by_the_planner() -> None:
    scheduler = GpuScheduler()
    scheduler.set_resident("whisper", 1_000)
    scheduler.set_resident("phi", 3_000)
    assert scheduler.reserved_bytes(exclude="phi") == 1_000
    assert scheduler.reserved_bytes() == 4_000
    scheduler.set_resident("phi", 0)
    assert scheduler.reserved_bytes() == 1_000
