"""The real tier: the starter kit (Qwen2.5-Coder-0.5B Q4_K_M, faster-whisper-base, piper joe)
that the ``starter`` extra installs, assembled into each test's home as the app does at its
first start. Behaviour a user would judge, on real models."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from app.assistant import Assistant
from app.home import Home
from app.wiring import build_assistant
from core.events import EventBus, TokenStreamed, TurnFailed, TurnFinished
from models.starter import KIT, present

SEED = 7


@pytest.fixture(scope="session", autouse=True)
def starter_kit_installed() -> None:
    missing = [m.id for m in KIT if not present(m)]
    assert not missing, f"the starter kit is not installed ({missing}): `make setup` installs it"


@pytest.fixture(autouse=True)
def with_the_starter_kit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new user's first start: the starter kit is assembled into the home."""
    monkeypatch.setenv("DOMOVOY_STARTER", "on")


@pytest.fixture
def home(with_the_starter_kit: None) -> Home:
    return Home.open(starter=True)


@dataclass
class Reply:
    text: str = ""
    finished: TurnFinished | None = None
    failure: str = ""
    done: threading.Event = field(default_factory=threading.Event)


def ask(assistant: Assistant, text: str, timeout: float = 180.0) -> Reply:
    """One turn, as a user has it: the streamed text and how it ended."""
    reply = Reply()

    def token(e: TokenStreamed) -> None:
        reply.text += e.text

    def finished(e: TurnFinished) -> None:
        reply.finished = e
        reply.done.set()

    def failed(e: TurnFailed) -> None:
        reply.failure = e.message
        reply.done.set()

    offs = [
        assistant.bus.subscribe(TokenStreamed, token),
        assistant.bus.subscribe(TurnFinished, finished),
        assistant.bus.subscribe(TurnFailed, failed),
    ]
    try:
        assistant.submit(text)
        assert reply.done.wait(timeout), f"no reply to {text!r} within {timeout} s"
        assistant.wait(30)
    finally:
        for off in offs:
            off()
    assert not reply.failure, reply.failure
    return reply


@pytest.fixture
def assistant(home: Home) -> Iterator[Assistant]:
    built, problem = build_assistant(home, EventBus())
    assert problem is None, problem
    for slot in built.slots.values():  # the app's sampling, with its dice fixed: repeatable
        slot.params = dataclasses.replace(slot.params, seed=SEED)
    built.start()
    yield built
    built.shutdown()
