"""End of turn: speech starts after enough voiced audio, and ends after a silence hangover.

A shorter hangover than the usual 600–700 ms (default 400 ms) keeps the conversation quick; a
pre-roll buffer keeps the first syllable, which the VAD notices only once it has begun. Speech
shorter than ``min_speech_ms`` is a cough, not a turn; a very long utterance is cut at
``max_utterance_s``. While ``muted`` (half-duplex: the assistant is speaking) the input is ignored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from audio.frames import (
    BLOCK,
    SAMPLE_RATE,
    FinishTurn,
    Frame,
    UserPaused,
    UserStartedSpeaking,
    UserStoppedSpeaking,
    Utterance,
    Voiced,
)
from audio.pipeline import Processor

BLOCK_MS = BLOCK * 1000 / SAMPLE_RATE


@dataclass(slots=True)
class TurnSettings:
    threshold: float = 0.5
    release: float = 0.35  # below this, a block counts as silence
    hangover_ms: float = 400.0
    pause_ms: float = 64.0  # a silence this long sends UserPaused: transcription may begin
    min_speech_ms: float = 200.0
    pre_roll_ms: float = 300.0
    max_utterance_s: float = 30.0


class TurnDetector(Processor):
    def __init__(
        self, settings: TurnSettings | None = None, *, muted: Callable[[], bool] = lambda: False
    ) -> None:
        self.settings = settings or TurnSettings()
        self.muted = False
        self.mute_when = muted  # asked at each block: the assistant is speaking (half-duplex)
        pre = max(1, round(self.settings.pre_roll_ms / BLOCK_MS))
        self._pre_roll: deque[Voiced] = deque(maxlen=pre)
        self._speech: list[Voiced] = []
        self._silence_ms = 0.0
        self._speaking = False
        self._pauses = 0  # UserPaused sent in this turn
        self._paused = False  # the latest pause is still going on

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, FinishTurn):
            return self.finish() if frame.pause == self.pause else []
        if not isinstance(frame, Voiced):
            return (frame,)
        if self.muted or self.mute_when():
            self._reset()
            return ()
        s = self.settings
        if not self._speaking:
            if frame.probability >= s.threshold:
                self._speaking = True
                self._speech = [*self._pre_roll, frame]
                self._silence_ms = 0.0
                self._pre_roll.clear()
                return (UserStartedSpeaking(t=frame.t),)
            self._pre_roll.append(frame)
            return ()
        self._speech.append(frame)
        if frame.probability >= s.release:
            self._silence_ms = 0.0
            self._paused = False  # the user went on: an earlier pause was not the end
        else:
            self._silence_ms += BLOCK_MS
        too_long = len(self._speech) * BLOCK_MS >= s.max_utterance_s * 1000
        if self._silence_ms >= s.hangover_ms or too_long:
            return self._end(frame.t + BLOCK / SAMPLE_RATE)
        if (
            self._silence_ms >= s.pause_ms
            and not self._paused
            and self._voiced_ms() >= s.min_speech_ms
        ):
            self._paused = True
            self._pauses += 1
            samples = np.concatenate([b.samples for b in self._speech]).astype(np.float32)
            return (UserPaused(samples=samples, pause=self._pauses),)
        return ()

    @property
    def pause(self) -> int:
        """The pause going on now (its UserPaused.pause), 0 while the user speaks."""
        return self._pauses if self._speaking and self._paused else 0

    def finish(self) -> list[Frame]:
        """End the turn now, in the pause going on (the words heard so far make a whole
        question): the hangover need not be waited out."""
        if not self.pause:
            return []
        last = self._speech[-1]
        return self._end(last.t + BLOCK / SAMPLE_RATE)

    def _voiced_ms(self) -> float:
        return sum(BLOCK_MS for b in self._speech if b.probability >= self.settings.release)

    def flush(self) -> Iterable[Frame]:
        if self._speaking and self._speech:
            last = self._speech[-1]
            return self._end(last.t + BLOCK / SAMPLE_RATE)
        return ()

    def _end(self, t: float) -> list[Frame]:
        s = self.settings
        speech = self._speech
        voiced_ms = self._voiced_ms()
        final_pause = self._pauses if self._paused else 0
        self._reset()
        if voiced_ms < s.min_speech_ms:
            return []  # a click or a cough
        samples = np.concatenate([b.samples for b in speech]).astype(np.float32)
        utterance = Utterance(
            samples=samples, start_s=speech[0].t, end_s=t, final_pause=final_pause
        )
        return [UserStoppedSpeaking(t=t), utterance]

    def _reset(self) -> None:
        self._speaking = False
        self._speech = []
        self._silence_ms = 0.0
        self._pauses = 0
        self._paused = False
