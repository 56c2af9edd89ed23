"""Talking over domovoy (barge-in, for headsets and echo-cancelled rooms).

Two processors share one policy. Before the VAD, ``LoudnessWatch`` hears a sound well above the
room's floor while domovoy speaks and holds playback at once (it falls silent within a block); the
VAD confirms it within ``HOLD_S``: ``BargeIn``, after the turn detector, turns the user's speech
onset into an Interruption (playback stopped, the queued speech dropped, the reply cancelled). A
cough or a knock that the VAD does not take for speech lets playback go on after the hold. An
unvoiced opening ("stop", "подожди") is not speech to the VAD until its vowel, but it is sound:
the hold is what makes the assistant stop as soon as the user starts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from audio.devices import Speaker
from audio.frames import AudioIn, Frame, Interruption, UserStartedSpeaking, Utterance
from audio.pipeline import Processor
from audio.voice_state import Stamps

HOLD_S = 0.35  # how long a held playback waits for the VAD to confirm speech
ABOVE_FLOOR_DB = 15.0  # this much louder than the room's floor is a sound worth a hold
LOUD_DB = -45.0  # and never quieter than this (dBFS)


@dataclass(slots=True)
class BargeInPolicy:
    speaker: Speaker
    enabled: bool = False

    @property
    def speaking(self) -> bool:
        return self.speaker.playing.is_set()


class LoudnessWatch(Processor):
    """AudioIn passes on; a sudden sound while domovoy speaks holds its playback."""

    def __init__(self, policy: BargeInPolicy) -> None:
        self.policy = policy
        self.floor_db = -70.0  # the room when nobody speaks, followed slowly

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, AudioIn) and len(frame.samples):
            rms = float(np.sqrt(np.mean(np.square(frame.samples, dtype=np.float64))))
            db = 20 * math.log10(rms) if rms > 0 else -100.0
            loud = db >= max(LOUD_DB, self.floor_db + ABOVE_FLOOR_DB)
            if loud and self.policy.enabled and self.policy.speaking:
                self.policy.speaker.hold(HOLD_S)
            if not loud:  # quiet blocks set the floor: fast down, slow up
                rate = 0.5 if db < self.floor_db else 0.02
                self.floor_db += (db - self.floor_db) * rate
        return (frame,)


class BargeIn(Processor):
    """The user's speech onset while domovoy speaks is an Interruption; stamps each onset and
    each end of turn for the benchmarks."""

    def __init__(self, policy: BargeInPolicy, stamps: Stamps) -> None:
        self.policy = policy
        self.stamps = stamps

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, UserStartedSpeaking):
            self.stamps.onsets.append(time.perf_counter())
            if self.policy.enabled and (self.policy.speaking or self.policy.speaker.held):
                return (frame, Interruption(t=frame.t))
        elif isinstance(frame, Utterance):
            self.stamps.turn_end = time.perf_counter()
        return (frame,)
