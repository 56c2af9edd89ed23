"""Turns first: background work waits for a running turn, and its model calls are cancelled
when one begins."""

import threading
import time

from core.quiet import Quiet


def test_background_waits_for_a_turn_and_is_cancelled_by_one() -> None:
    quiet = Quiet(grace_s=0.0)
    assert quiet.wait(timeout=0.1)  # nothing runs
    started = quiet.yield_to_turns()
    assert not started.is_set()
    waited: list[float] = []
    with quiet.busy():
        assert started.is_set()  # the turn cancelled the model call in progress
        assert quiet.yield_to_turns().is_set()  # and any asked for while it runs
        worker = threading.Thread(target=lambda: waited.append(quiet.wait(timeout=5) or -1))
        worker.start()
        time.sleep(0.2)
        assert not waited  # still waiting for the turn
    worker.join(5)
    assert waited == [True]


def test_a_start_gives_a_question_asked_at_once_the_lead() -> None:
    quiet = Quiet(grace_s=0.3)
    begun = time.monotonic()
    assert quiet.wait()
    assert time.monotonic() - begun >= 0.25
    assert not Quiet(grace_s=5.0).wait(timeout=0.05)  # a timeout inside the grace is honoured


def test_long_work_waits_for_a_pause_in_the_talk_and_never_past_shutdown() -> None:
    quiet = Quiet(grace_s=0.0)
    assert quiet.settle(0.5, timeout=1)  # no turn yet: calm already
    with quiet.busy():
        pass
    begun = time.monotonic()
    assert quiet.settle(0.3, timeout=2)
    assert time.monotonic() - begun >= 0.25  # waited for the calm after the turn
    with quiet.busy():
        pass
    assert not quiet.settle(5.0, timeout=0.2)  # not calm long enough within the time given
    closer = threading.Timer(0.2, quiet.close)
    closer.start()
    begun = time.monotonic()
    assert not quiet.settle(30.0, timeout=30)  # shutdown: it stops waiting at once
    assert time.monotonic() - begun < 5 and quiet.closing
    assert quiet.wait(timeout=1)  # and nothing else waits either
