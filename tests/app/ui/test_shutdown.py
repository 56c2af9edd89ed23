"""Closing the window mid-reply on the demo app: the partial reply is kept, the mood saved, the
models unloaded, the microphone released; a second start finds the conversation, the window's
size and the mood as they were."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from app.home import Home
from app.ui.main_window import MainWindow
from app.wiring import build_assistant, conversations_file
from audio.devices import ClockOutput
from core.events import EventBus
from llm.base import GenerationParams
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from memory.conversations import Conversations
from tests.app.ui.widgets.test_voice_bar import FileMic

pytestmark = pytest.mark.qt


def test_closing_keeps_everything_and_a_second_start_finds_it(
    qtbot: QtBot, demo_home: Home, tmp_path: Path
) -> None:
    state = demo_home.paths.config_dir / "window.ini"
    assistant, _ = build_assistant(demo_home, EventBus())
    words = " ".join(f"слово{i}" for i in range(2000))
    # room for the long reply whatever memory and mood add to the prompt
    slow = FakeLLM([words], token_delay_s=0.005, context_length=32768)
    assistant.router.slots.replace(
        "primary", ModelSlot("primary", "slow", slow, params=GenerationParams(max_tokens=4000))
    )
    window = MainWindow(assistant, state_file=state)
    window.attach(assistant, home=demo_home)
    qtbot.addWidget(window)
    window.resize(790, 710)
    window.show()
    assistant.start()
    voice = window.pages.voice
    assert voice is not None
    mic = FileMic(np.zeros(16000, dtype=np.float32))
    voice.session.make_mic = lambda device: mic
    voice.session.make_output = lambda device: ClockOutput()
    voice.session.start()
    assert voice.session.active

    window.input.setPlainText("расскажи длинную историю")
    window.send()
    qtbot.waitUntil(lambda: "слово20" in window.transcript_text(), timeout=60000)
    size = (window.width(), window.height())
    window.close()

    assert not slow.loaded and mic.closed.is_set() and not voice.session.active
    kept = Conversations(conversations_file(demo_home))
    latest = kept.find()[0]
    messages = kept.messages(latest.id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert "слово20" in messages[1].text and "слово1999" not in messages[1].text
    facts = messages[1].facts
    assert facts is not None and facts.stopped  # the partial reply is kept, and says it was cut
    mood = json.loads((demo_home.paths.data_dir / "emotion.json").read_text(encoding="utf-8"))
    assert "valence" in mood and isinstance(mood["history"], list)
    assert state.exists()

    again, _ = build_assistant(Home.open(demo_home.paths), EventBus())
    second = MainWindow(again, state_file=state)
    qtbot.addWidget(second)
    assert second.height() == size[1] == 710  # the size it had (within the screen's 800 px)
    assert abs(second.width() - size[0]) <= 2
    qtbot.waitUntil(lambda: "слово20" in second.transcript_text(), timeout=10000)
    assert "расскажи длинную историю" in second.transcript_text()
    assert again.history[0].content == "расскажи длинную историю"
    second.close()
