"""Voice from the window: the session opens the microphone and speaker the config names, runs the
live loop on the demo's real Whisper and piper, feeds the level meter, and releases the devices
when turned off; a missing microphone leaves typed chat as it was. The bar over it: the toggle,
the state, the meter, barge-in and push-to-talk (F9) saved to the config."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.ui.bridge import QtBridge
from app.ui.widgets.voice_bar import STATES, VoiceBar
from app.views.settings import Settings
from app.voice.session import VoiceSession, level
from audio.devices import ClockOutput
from audio.fake import WavMic
from audio.frames import AudioIn
from core import config as config_mod
from core.errors import AudioDeviceError
from core.events import VoiceProblem, VoiceStateChanged

pytestmark = pytest.mark.qt


class FileMic:
    """A microphone that says what a file holds, in real time, then stays silent until closed."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.opened = False
        self.closed = threading.Event()
        self.device: str | None = None

    def open(self) -> None:
        self.opened = True

    def frames(self) -> Iterator[AudioIn]:
        t = 0.0
        for frame in WavMic(samples=self.samples).frames():
            if self.closed.is_set():
                return
            t = frame.t
            yield frame
            time.sleep(0.032)
        while not self.closed.wait(0.032):
            t += 0.032
            yield AudioIn(samples=np.zeros(512, dtype=np.float32), t=t)

    def close(self) -> None:
        self.closed.set()


def session_for(
    home: Home, assistant: Assistant, samples: np.ndarray
) -> tuple[VoiceSession, FileMic, list[str]]:
    mic = FileMic(samples)
    states: list[str] = []
    assistant.bus.subscribe(VoiceStateChanged, lambda e: states.append(e.state))

    def make_mic(device: str | None) -> FileMic:
        mic.device = device
        return mic

    return VoiceSession(home, assistant, mic=make_mic, output=lambda d: ClockOutput()), mic, states


def test_the_meter_follows_loudness() -> None:
    assert level(np.zeros(512, dtype=np.float32)) == 0.0
    quiet = level(np.full(512, 0.01, dtype=np.float32))  # -40 dBFS
    assert quiet == pytest.approx(1 / 3, abs=0.01)
    assert level(np.full(512, 1.0, dtype=np.float32)) == 1.0


def test_a_session_listens_hears_speech_and_releases_the_devices(
    demo_home: Home,
    demo_assistant: Assistant,
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, spans = two_phrases
    demo_home.config.audio.input_device = "USB mic"
    session, mic, states = session_for(
        demo_home, demo_assistant, audio[: int(spans[0][1] * 16000) + 16000]
    )
    levels: list[float] = []
    session.start()
    assert session.active and mic.opened and mic.device == "USB mic"
    assert demo_assistant.voice  # spoken replies: short, no Markdown
    deadline = time.monotonic() + 10
    while "thinking" not in states and time.monotonic() < deadline:
        levels.append(session.level)
        time.sleep(0.02)
    assert states[0] == "listening"
    assert "thinking" in states  # the VAD heard a whole utterance and handed it to Whisper
    assert max(levels) > 0.4 and min(levels) < 0.1  # speech is loud, the pause before it quiet
    session.stop()
    assert mic.closed.is_set() and not session.active
    assert states[-1] == "off" and session.level == 0.0
    assert not demo_assistant.voice


def test_a_missing_microphone_turns_voice_off_with_a_message(
    demo_home: Home, demo_assistant: Assistant
) -> None:
    problems: list[str] = []
    demo_assistant.bus.subscribe(VoiceProblem, lambda e: problems.append(e.message))

    def no_mic(device: str | None) -> FileMic:
        raise AudioDeviceError("no usable microphone (none found)", hint="typed chat goes on")

    session = VoiceSession(demo_home, demo_assistant, mic=no_mic, output=lambda d: ClockOutput())
    session.start()
    assert not session.active
    assert problems and "no usable microphone" in problems[0]
    demo_assistant.submit("всё ещё печатаю")  # typed chat goes on
    assert demo_assistant.wait(30)


def test_the_bar_turns_voice_on_shows_state_and_level_and_saves_choices(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, _ = two_phrases
    session, mic, _ = session_for(demo_home, demo_assistant, audio)
    settings = Settings(demo_home, demo_assistant)
    bar = VoiceBar(session, settings)
    qtbot.addWidget(bar)
    bridge = QtBridge(
        demo_assistant.bus
    )  # as the window does: events reach widgets on the GUI thread
    bar.listen(bridge)
    bar.show()
    assert bar.state.text() == STATES["off"] and not bar.talk.isEnabled()

    bar.hands_free.click()
    qtbot.waitUntil(lambda: session.active and bar.hands_free.isEnabled(), timeout=30000)
    assert bar.hands_free.isChecked() and not bar.mic.isEnabled()  # no device change while on
    qtbot.waitUntil(lambda: bar.state.text() == STATES["listening"], timeout=5000)
    qtbot.waitUntil(lambda: bar.meter.value() > 40, timeout=10000)

    bar.barge_in.setChecked(True)
    assert session.live is not None and session.live.barge_in
    qtbot.waitUntil(
        lambda: config_mod.load(demo_home.paths.config_file).audio.barge_in, timeout=5000
    )

    bar.push_to_talk.setChecked(True)
    assert bar.talk.isEnabled() and session.live.push_to_talk
    qtbot.keyPress(bar, Qt.Key.Key_F9)  # held: what is said now is the turn
    bar.eventFilter(bar, _key(Qt.Key.Key_F9, press=True))
    assert session.live._held is not None
    bar.eventFilter(bar, _key(Qt.Key.Key_F9, press=False))
    assert session.live._held is None

    bar.hands_free.click()
    qtbot.waitUntil(lambda: not session.active and bar.hands_free.isEnabled(), timeout=10000)
    assert mic.closed.is_set() and bar.meter.value() == 0
    qtbot.waitUntil(lambda: bar.state.text() == STATES["off"], timeout=5000)
    bridge.detach()


def _key(key: Qt.Key, *, press: bool) -> object:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    kind = QEvent.Type.KeyPress if press else QEvent.Type.KeyRelease
    return QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier)


def test_the_voice_follows_the_mood_while_voice_is_on(
    demo_home: Home, demo_assistant: Assistant
) -> None:
    from app.memory_and_mood import MemoryAndMood
    from memory.emotion import Lexicon

    companion = next(s for s in demo_assistant.services if isinstance(s, MemoryAndMood))
    mic = FileMic(np.zeros(1600, dtype=np.float32))
    session = VoiceSession(
        demo_home, demo_assistant, companion, mic=lambda d: mic, output=lambda d: ClockOutput()
    )
    session.start()
    assert session.live is not None
    calm = session.live.voice
    for _ in range(3):
        companion.mood.observe(Lexicon().read("Ура! Это просто потрясающе, я в восторге!!!"))
    excited = session.live.voice
    assert excited != calm  # arousal speeds the voice up and livens it
    assert excited.length_scale < calm.length_scale
    session.stop()


def test_the_device_pickers_keep_the_choice_and_add_what_portaudio_lists(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    from app.voice.session import Devices

    demo_home.config.audio.input_device = "USB mic (unplugged)"
    session = VoiceSession(demo_home, demo_assistant)
    bar = VoiceBar(session, Settings(demo_home, demo_assistant))
    qtbot.addWidget(bar)
    assert bar.mic.currentText() == "USB mic (unplugged)" and bar.speaker.currentIndex() == 0
    bar._show_devices(Devices(["Built-in mic", "USB mic (unplugged)"], ["Headphones"]))
    assert [bar.mic.itemText(i) for i in range(bar.mic.count())][1:] == [
        "USB mic (unplugged)",
        "Built-in mic",
    ]
    assert bar.mic.currentText() == "USB mic (unplugged)"  # listing changed nothing chosen
    bar.speaker.setCurrentText("Headphones")
    qtbot.waitUntil(
        lambda: config_mod.load(demo_home.paths.config_file).audio.output_device == "Headphones",
        timeout=5000,
    )
    saved = config_mod.load(demo_home.paths.config_file).audio
    assert saved.input_device == "USB mic (unplugged)"
    bar.speaker.setCurrentIndex(0)
    qtbot.waitUntil(
        lambda: config_mod.load(demo_home.paths.config_file).audio.output_device is None,
        timeout=5000,
    )
