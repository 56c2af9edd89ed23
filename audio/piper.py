"""Speech synthesis with piper (ONNX), on the CPU (piper is often slower on a GPU for short
sentences), one sentence at a time, the prosody following the mood."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audio.frames import (
    AssistantSentence,
    ErrorFrame,
    Frame,
    Interruption,
    ReplyEnded,
    Samples,
    SpeechAudio,
)
from audio.pipeline import Processor
from audio.spoken import spoken
from audio.voice_state import Stamps
from core.errors import ModelFileError, ModelLoadError

CYRILLIC_LANGUAGES = {"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"}


@dataclass(frozen=True, slots=True)
class Voice:
    """How to speak: piper's scales and the volume, and the pause after a sentence."""

    length_scale: float = 1.0  # > 1 slower
    noise_scale: float = 0.667
    volume: float = 1.0
    sentence_pause_s: float = 0.25


class PiperTTS:
    def __init__(self, model: Path) -> None:
        self.model = model
        self._voice: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._voice is None:
                config = self.model.with_name(self.model.name + ".json")
                for needed in (self.model, config):
                    if not needed.is_file():
                        raise ModelFileError(
                            needed,
                            "missing: a piper voice is an .onnx file and its .onnx.json",
                            hint="`domovoy models pull piper-ru-irina-medium`, or try "
                            "`domovoy models install-demo`",
                        )
                from piper import PiperVoice

                try:
                    self._voice = PiperVoice.load(self.model, config_path=config, use_cuda=False)
                except Exception as exc:  # onnxruntime and json raise many kinds
                    raise ModelLoadError(self.model.name, f"{type(exc).__name__}: {exc}") from exc
            return self._voice

    @property
    def sample_rate(self) -> int:
        return int(self.load().config.sample_rate)

    @property
    def language(self) -> str:
        """The voice's language as its .onnx.json gives it ("en_US", "ru_RU"), or ""."""
        return str(getattr(self.load().config, "espeak_voice", "") or "")

    def can_speak(self, text: str) -> bool:
        """Whether this voice can read the text: an English voice spells Cyrillic letter by
        letter, so a mostly Cyrillic text needs a voice of a Cyrillic language."""
        cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
        latin = sum(1 for c in text if c.isascii() and c.isalpha())
        if cyrillic <= latin:
            return True
        return self.language.split("_")[0].split("-")[0].lower() in CYRILLIC_LANGUAGES

    def synthesize(self, text: str, voice: Voice | None = None) -> Samples:
        from piper import SynthesisConfig

        v = voice or Voice()
        config = SynthesisConfig(
            length_scale=v.length_scale, noise_scale=v.noise_scale, volume=v.volume
        )
        chunks = [
            c.audio_float_array for c in self.load().synthesize(spoken(text), syn_config=config)
        ]
        pause = np.zeros(int(v.sentence_pause_s * self.sample_rate), dtype=np.float32)
        if not chunks:
            return pause
        return np.concatenate([*chunks, pause]).astype(np.float32)


class Speak(Processor):
    """AssistantSentence → SpeechAudio; a failure ends the reply's speech with an error (the
    rest of the reply is in the chat), never the app.

    A sentence the voice cannot read (Russian for an English voice) is shown, not spoken; the
    first time, an ErrorFrame says how to get a voice that can.
    """

    def __init__(
        self, tts: PiperTTS, voice: Callable[[], Voice] = Voice, *, stamps: Stamps | None = None
    ) -> None:
        self.tts = tts
        self.voice = voice
        self.stamps = stamps or Stamps()
        self.timings_ms: list[float] = []
        self.told_unspoken = False
        self._failed = False  # this reply's speech failed: the rest of it is not spoken

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, (ReplyEnded, Interruption)):
            self._failed = False
            return (frame,)
        if not isinstance(frame, AssistantSentence):
            return (frame,)
        if self._failed:
            return ()
        start = time.perf_counter()
        if not self.stamps.first_sentence:
            self.stamps.first_sentence = start
        try:
            if not self.tts.can_speak(frame.text):
                return self._unspoken()
            samples = self.tts.synthesize(frame.text, self.voice())
        except Exception as exc:
            self._failed = True
            message = f"speech synthesis failed ({exc}); the rest of this reply is in the chat"
            return (ErrorFrame(source="tts", message=message),)
        ms = (time.perf_counter() - start) * 1000
        self.timings_ms.append(ms)
        if frame.index == 0:
            self.stamps.first_tts_ms = ms
        return (
            SpeechAudio(
                samples=samples,
                sample_rate=self.tts.sample_rate,
                text=frame.text,
                index=frame.index,
            ),
        )

    def _unspoken(self) -> tuple[Frame, ...]:
        if self.told_unspoken:
            return ()
        self.told_unspoken = True
        return (ErrorFrame(source="tts", message=unspoken_message(self.tts)),)


def unspoken_message(tts: PiperTTS) -> str:
    """What the user is told, once, when the voice cannot read a reply's language."""
    return (
        f"the voice ({tts.language or 'unknown language'}) cannot read Russian, so Russian "
        "replies are shown and not spoken; for a Russian voice: "
        "`domovoy models pull piper-ru-irina-medium`"
    )
