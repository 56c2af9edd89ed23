"""Hands-free voice from the window, Qt-free: the microphone and speaker chosen in the settings,
the live loop (app/voice/live.py) between them, and the microphone's level for the meter.

``start`` loads Whisper and piper and opens the devices: call it off the GUI thread. A missing
or busy device ends in VoiceProblem and the state "off"; typed chat goes on.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from app.assistant import Assistant
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from app.voice.file_mode import speech_models, voice_of
from app.voice.live import LiveVoice
from audio.devices import AudioOutput, SoundDeviceMic, SoundDeviceOutput, Speaker
from audio.frames import AudioIn
from core.errors import AudioDeviceError, DomovoyError
from core.events import EmotionChanged, VoiceProblem, VoiceStateChanged

log = logging.getLogger(__name__)
FLOOR_DB = -60.0  # the meter's bottom


class Mic(Protocol):
    def open(self) -> None: ...

    def frames(self) -> Iterator[AudioIn]: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Devices:
    inputs: list[str]
    outputs: list[str]


def devices() -> Devices:
    """The sound devices PortAudio sees (none where there is no sound card, or no PortAudio)."""
    try:
        import sounddevice as sd

        found = list(sd.query_devices())
    except Exception:  # OSError without PortAudio, PortAudioError without a server
        return Devices([], [])
    return Devices(
        [str(d["name"]) for d in found if int(d.get("max_input_channels", 0)) > 0],
        [str(d["name"]) for d in found if int(d.get("max_output_channels", 0)) > 0],
    )


def level(samples: np.ndarray) -> float:
    """0..1 for the meter: the block's loudness from -60 dBFS to 0."""
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
    db = 20 * math.log10(rms) if rms > 0 else FLOOR_DB
    return max(0.0, min(1.0, (db - FLOOR_DB) / -FLOOR_DB))


class VoiceSession:
    def __init__(
        self,
        home: Home,
        assistant: Assistant,
        companion: MemoryAndMood | None = None,
        *,
        mic: Callable[[str | None], Mic] = SoundDeviceMic,
        output: Callable[[str | None], AudioOutput] = SoundDeviceOutput,
    ) -> None:
        self.home = home
        self.assistant = assistant
        self.companion = companion
        self.make_mic = mic
        self.make_output = output
        self.live: LiveVoice | None = None
        self.level = 0.0
        self.state = "off"
        self._mic: Mic | None = None
        self._feeder: threading.Thread | None = None
        self._lock = threading.Lock()
        assistant.bus.subscribe(VoiceStateChanged, self._on_state)
        assistant.bus.subscribe(EmotionChanged, self._on_mood)

    @property
    def active(self) -> bool:
        return self.live is not None

    def start(self) -> None:
        """Open the devices and listen. Raises nothing: a problem is published and voice
        stays off."""
        with self._lock:
            if self.live is not None:
                return
            audio = self.home.config.audio
            try:
                stt, tts = speech_models(self.home)
                mic = self.make_mic(audio.input_device)
                mic.open()
            except DomovoyError as exc:
                self._problem(str(exc))
                return
            rate = audio.tts.rate
            self.live = LiveVoice(
                self.assistant,
                self.assistant.bus,
                stt,
                tts,
                Speaker(self.make_output(audio.output_device)),
                barge_in=audio.barge_in,
                push_to_talk=audio.push_to_talk,
                voice=voice_of(self.companion, rate),
            )
            self._mic = mic
            self._feeder = threading.Thread(
                target=self._feed, args=(mic, self.live), name="domovoy-mic", daemon=True
            )
            self._feeder.start()
        self.assistant.bus.publish(VoiceStateChanged(state="listening"))

    def stop(self) -> None:
        """Release the microphone and the speaker; typed chat goes on as before."""
        with self._lock:
            live, mic, feeder = self.live, self._mic, self._feeder
            self.live, self._mic, self._feeder = None, None, None
        if live is None:
            return
        if mic is not None:
            mic.close()
        if feeder is not None:
            feeder.join(timeout=5)
        live.speaker.stop()
        live.close()
        self.assistant.set_voice_mode(False)  # typed replies may use Markdown again
        self.level = 0.0
        self.assistant.bus.publish(VoiceStateChanged(state="off"))

    def set_barge_in(self, on: bool) -> None:
        if self.live is not None:
            self.live.barge_in = on

    def set_push_to_talk(self, on: bool) -> None:
        if self.live is not None:
            self.live.push_to_talk = on

    def press(self) -> None:
        if self.live is not None and self.live.push_to_talk:
            self.live.press()

    def release(self) -> None:
        if self.live is not None and self.live.push_to_talk:
            self.live.release()

    def _feed(self, mic: Mic, live: LiveVoice) -> None:
        try:
            for frame in mic.frames():
                self.level = level(frame.samples)
                live.feed(frame)
        except AudioDeviceError as exc:
            self._problem(str(exc))
            threading.Thread(target=self.stop, daemon=True).start()
        except Exception:
            log.exception("the microphone loop failed")
            self._problem("the microphone loop failed; voice is off, typed chat goes on")
            threading.Thread(target=self.stop, daemon=True).start()

    def _on_state(self, e: VoiceStateChanged) -> None:
        self.state = e.state

    def _on_mood(self, _e: EmotionChanged) -> None:
        """The voice follows the mood from the next sentence on."""
        live = self.live
        if live is not None:
            live.voice = voice_of(self.companion, self.home.config.audio.tts.rate)

    def _problem(self, message: str) -> None:
        self.assistant.bus.publish(VoiceProblem(message=message))
        self.assistant.bus.publish(VoiceStateChanged(state="off"))
