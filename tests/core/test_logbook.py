"""The log tells the story: the narrator writes one line per thing the app does, and the recent
lines (what the diagnostics page shows) keep them."""

from __future__ import annotations

import logging

import pytest

from core import logbook
from core.events import (
    EventBus,
    ModelLoaded,
    ModelLoadFailed,
    RoleSwitched,
    Timings,
    TokenStreamed,
    TurnFinished,
)


def test_the_narrator_writes_what_the_app_does(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus(strict=True)
    stop = logbook.narrate(bus)
    caplog.set_level(logging.INFO, logger="domovoy")
    bus.publish(ModelLoaded(model_id="phi", role="lightweight", load_ms=812.4, placement="CPU"))
    bus.publish(TokenStreamed(turn_id=3, text="не пишется"))  # too many to log
    bus.publish(
        TurnFinished(
            turn_id=3,
            text="ответ",
            model_used="phi",
            role="lightweight",
            timings=Timings(first_token_ms=120, total_ms=1120, tokens=21),
            fallback_reason="primary: out of memory",
        )
    )
    bus.publish(ModelLoadFailed(model_id="gpt-oss", role="primary", message="corrupt file"))
    bus.publish(RoleSwitched(role="primary", model_id="qwen", previous="gpt-oss"))
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "domovoy"]
    assert lines == [
        ("INFO", "phi (lightweight) loaded in 812 ms: CPU"),
        (
            "INFO",
            "turn 3: phi (lightweight) answered, 21 tokens, first token 120 ms, 20.0 tok/s; "
            "fallback: primary: out of memory",
        ),
        ("WARNING", "gpt-oss (primary) failed to load: corrupt file"),
        ("INFO", "primary: gpt-oss → qwen"),
    ]
    stop()
    caplog.clear()
    bus.publish(RoleSwitched(role="primary", model_id="x", previous="qwen"))
    assert not [r for r in caplog.records if r.name == "domovoy"]


def test_recent_lines_keep_the_newest() -> None:
    recent = logbook.RecentLines(keep=3)
    log = logging.getLogger("domovoy.test.recent")
    log.addHandler(recent)
    log.setLevel(logging.INFO)
    try:
        for i in range(5):
            log.info("line %d", i)
    finally:
        log.removeHandler(recent)
    assert [line.split(": ", 1)[1] for line in recent.recent()] == ["line 2", "line 3", "line 4"]
    assert len(recent.recent(1)) == 1
