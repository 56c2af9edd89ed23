"""A microphone that reads a file and a speaker that plays nothing: the voice loop without
devices, for tests, evaluations and ``domovoy voice --input FILE``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from audio.frames import BLOCK, SAMPLE_RATE, AudioIn, Frame, Interruption, Samples, SpeechAudio
from audio.pipeline import Processor
from core.errors import InputError


def to_mono_16k(samples: np.ndarray, rate: int) -> Samples:
    """Any channel count and sample rate to mono float32 at 16 kHz."""
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 2:
        audio = audio.mean(axis=1)
    if rate != SAMPLE_RATE and len(audio):
        duration = len(audio) / rate
        n = round(duration * SAMPLE_RATE)
        positions = np.linspace(0, len(audio) - 1, n)
        audio = np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
    return np.clip(audio, -1.0, 1.0).astype(np.float32)


def read_audio(path: Path) -> Samples:
    import soundfile

    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=False)
    except (RuntimeError, OSError) as exc:  # soundfile raises LibsndfileError (a RuntimeError)
        raise InputError(
            f"{path}: cannot be read as audio ({exc})", hint="use a wav, flac or ogg file"
        ) from exc
    return to_mono_16k(data, int(rate))


class WavMic:
    """Blocks of 512 samples from a file, as a microphone would deliver them."""

    def __init__(self, path: Path | None = None, *, samples: Samples | None = None) -> None:
        self.samples = (
            read_audio(path)
            if path is not None
            else to_mono_16k(samples if samples is not None else np.zeros(0), SAMPLE_RATE)
        )

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def frames(self) -> Iterator[AudioIn]:
        for start in range(0, len(self.samples), BLOCK):
            block = self.samples[start : start + BLOCK]
            if len(block) < BLOCK:
                block = np.pad(block, (0, BLOCK - len(block)))
            yield AudioIn(samples=block, t=start / SAMPLE_RATE)


class NullSpeaker(Processor):
    """Plays nothing, and keeps what it would have played: whole sentences until an
    interruption, which drops everything still queued."""

    def __init__(self) -> None:
        self.played: list[SpeechAudio] = []
        self.dropped: list[SpeechAudio] = []
        self.interrupted = False

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, Interruption):
            self.interrupted = True
            return (frame,)
        if isinstance(frame, SpeechAudio):
            (self.dropped if self.interrupted else self.played).append(frame)
            return ()
        return (frame,)

    def played_text(self) -> str:
        return " ".join(a.text for a in self.played)
