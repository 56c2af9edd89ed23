"""A model's runner killed mid-reply: the turn ends with what was said kept and marked, the
lightweight model answers the same question, and the next turn restarts the primary."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.views.chat import ChatTranscript
from core.events import (
    EventBus,
    ReplyCutOff,
    TokenStreamed,
    TurnFinished,
    TurnStarted,
)
from llm.base import GenerationParams
from llm.roles import ModelSlot
from llm.supervised import SupervisedLLM


@pytest.fixture
def models(tiny_models: dict[str, Path], tmp_path: Path) -> Iterator[dict[str, SupervisedLLM]]:
    made = {
        "primary": SupervisedLLM(
            model_id="tiny-big", path=tiny_models["llama"], n_ctx=4096, log_dir=tmp_path
        ),
        "lightweight": SupervisedLLM(
            model_id="tiny-phi", path=tiny_models["phi3"], n_ctx=4096, log_dir=tmp_path
        ),
    }
    yield made
    for llm in made.values():
        llm.unload()


def test_a_runner_killed_mid_reply_is_survived(models: dict[str, SupervisedLLM]) -> None:
    bus = EventBus()
    slots = {
        role: ModelSlot(
            role=role, model_id=llm.model_id, llm=llm, params=GenerationParams(max_tokens=200)
        )
        for role, llm in models.items()
    }
    assistant = Assistant(bus=bus, slots=slots)
    view = ChatTranscript()
    bus.subscribe(TurnStarted, view.started)
    bus.subscribe(TokenStreamed, view.token)
    bus.subscribe(ReplyCutOff, view.cut)
    bus.subscribe(TurnFinished, view.finished)
    primary = models["primary"]
    primary.load()
    first_pid = primary.pid
    assert first_pid is not None
    killed: list[int] = []

    def kill_mid_reply(e: TokenStreamed) -> None:
        tokens = view.entries[-1].answer
        if not killed and len(tokens) > 0 and primary.pid is not None and e.turn_id == 1:
            killed.append(primary.pid)
            os.kill(primary.pid, signal.SIGSEGV)

    cuts: list[ReplyCutOff] = []
    bus.subscribe(ReplyCutOff, cuts.append)
    bus.subscribe(TokenStreamed, kill_mid_reply)
    try:
        ending = assistant.submit("Tell me a long story about a house spirit").result(60)
        assert isinstance(ending, TurnFinished), ending
        assert killed == [first_pid]
        assert ending.model_used == "tiny-phi" and ending.role == "lightweight"
        assert "tiny-big" in ending.fallback_reason and "SIGSEGV" in ending.fallback_reason
        assert len(cuts) == 1 and cuts[0].partial and cuts[0].model_id == "tiny-big"
        assert ending.cut_off == cuts[0].partial  # what was said is kept ...
        entry = view.entries[-1]
        assert entry.cut_off == cuts[0].partial  # ... shown apart, marked
        assert entry.answer == ending.text and ending.text.strip()
        assert "crashed" in entry.cut_note
        # the history keeps the question and the answer the user got
        history = assistant.conversation.state()[0]
        assert history[-2].content.endswith("house spirit")
        assert history[-1].content == ending.text

        again = assistant.submit("And another one").result(60)
        assert isinstance(again, TurnFinished), again
        assert again.model_used == "tiny-big" and not again.fallback_reason
        assert primary.pid is not None and primary.pid != first_pid  # a fresh runner
    finally:
        assistant.shutdown()
    assert primary.pid is None and models["lightweight"].pid is None
