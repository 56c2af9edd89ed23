"""What the voice benchmarks share: spoken phrases (espeak-ng), tiny speech models, a live loop."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from app.assistant import Assistant
from app.voice.live import LiveVoice
from audio.devices import ClockOutput, Speaker
from audio.fake import WavMic, read_audio
from audio.piper import PiperTTS
from audio.whisper import WhisperSTT
from core.events import EventBus
from llm.base import GenerationParams
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from models.testing.tiny_voice import make_tiny_voice
from models.testing.tiny_whisper import make_tiny_whisper

REPLY = " ".join(f"Это предложение номер {i}, и оно звучит неспешно." for i in range(1, 15))


def phrase(text: str, voice: str, folder: Path) -> np.ndarray:
    file = folder / f"{voice}-{abs(hash(text))}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", "-w", str(file), text], check=True, timeout=60
    )
    return read_audio(file)


def models(folder: Path) -> tuple[WhisperSTT, PiperTTS]:
    stt = WhisperSTT(
        make_tiny_whisper(folder / "whisper"),
        language="en",
        no_speech_threshold=1.1,
        max_new_tokens=16,
    )
    return stt, PiperTTS(make_tiny_voice(folder / "voice"))


def live_voice(
    stt: WhisperSTT,
    tts: PiperTTS,
    *,
    barge_in: bool,
    token_delay_s: float = 0.002,
    reply: str = REPLY,
) -> LiveVoice:
    """The live loop on a fake model that says ``reply`` (the fake is the loop's only fake)."""
    bus = EventBus()
    fake = FakeLLM([reply], token_delay_s=token_delay_s)
    slot = ModelSlot(
        role="primary", model_id="fake", llm=fake, params=GenerationParams(max_tokens=600)
    )
    return LiveVoice(
        Assistant(bus=bus, slots={"primary": slot}),
        bus,
        stt,
        tts,
        Speaker(ClockOutput()),
        barge_in=barge_in,
    )


def feed(voice: LiveVoice, samples: np.ndarray, on_block: object = None) -> list[float]:
    """Feed in real time; returns when each block was fed (time.perf_counter)."""
    fed = []
    for frame in WavMic(samples=samples).frames():
        fed.append(time.perf_counter())
        voice.feed(frame)
        time.sleep(max(0.0, 0.032 - (time.perf_counter() - fed[-1])))
    return fed


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="domovoy-voice-bench-"))
