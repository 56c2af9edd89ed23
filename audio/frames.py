"""The frames the voice loop passes between its processors: small, typed, immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]
SAMPLE_RATE = 16000
BLOCK = 512  # samples a frame at 16 kHz: 32 ms, what silero VAD reads


def _no_samples() -> Samples:
    return np.zeros(0, dtype=np.float32)


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """Base of every frame."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioIn(Frame):
    """Microphone audio: mono, 16 kHz, float32 in [-1, 1]; ``t`` is its start in seconds."""

    samples: Samples = field(default_factory=_no_samples)
    t: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Voiced(Frame):
    """A block of audio and the VAD's speech probability for it."""

    samples: Samples = field(default_factory=_no_samples)
    t: float = 0.0
    probability: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class UserStartedSpeaking(Frame):
    t: float


@dataclass(frozen=True, slots=True, kw_only=True)
class UserStoppedSpeaking(Frame):
    t: float


@dataclass(frozen=True, slots=True, kw_only=True)
class UserPaused(Frame):
    """The user fell silent for a moment, and may have finished: the speech so far, for a
    transcription that starts before the turn is over (the hangover overlaps it)."""

    samples: Samples = field(default_factory=_no_samples)
    pause: int = 0  # which pause of the turn (the turn's Utterance says if it was the last)


@dataclass(frozen=True, slots=True, kw_only=True)
class FinishTurn(Frame):
    """Sent back to the turn detector: the speech up to pause ``pause`` makes a whole question
    (its early transcript ends as a sentence does), so the turn may end without the hangover."""

    pause: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Utterance(Frame):
    """One turn of the user's speech, pre-roll included: what speech recognition hears."""

    samples: Samples = field(default_factory=_no_samples)
    start_s: float = 0.0
    end_s: float = 0.0
    # the pause (UserPaused.pause) after which nothing more was said, 0 when none was sent:
    # that pause's speech is this turn's, but for silence
    final_pause: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Transcript(Frame):
    text: str
    start_s: float = 0.0
    end_s: float = 0.0
    language: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantText(Frame):
    """A piece of the reply as the model writes it."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistantSentence(Frame):
    """A whole sentence, ready to be spoken."""

    text: str
    index: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeechAudio(Frame):
    """Synthesized speech for one sentence."""

    samples: Samples = field(default_factory=_no_samples)
    sample_rate: int = 22050
    text: str = ""
    index: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyEnded(Frame):
    """The model finished its reply: flush what is held back."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interruption(Frame):
    """The user talked over the assistant: stop playback, drop what is queued, cancel the reply.
    It jumps every queue."""

    t: float = 0.0
    reason: str = "barge-in"


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorFrame(Frame):
    source: str
    message: str
    detail: Any = None
