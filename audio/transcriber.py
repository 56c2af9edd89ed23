"""Speech recognition in the voice chain: an utterance becomes a transcript.

Transcription begins when the user pauses (UserPaused), while the turn detector waits out its
hangover: if nothing more is said, the turn takes that transcript; if the user goes on, a later
pause begins another. A pause whose transcript is a whole sentence ("…?", "….") ends the turn
then (FinishTurn, sent back to the detector): the user has said what they meant. All of it runs on
this processor's thread, one transcription at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from audio.frames import ErrorFrame, FinishTurn, Frame, Transcript, UserPaused, Utterance
from audio.pipeline import Processor
from audio.voice_state import Report, Stamps, nowhere
from audio.whisper import WhisperSTT

MIN_STATEMENT_WORDS = 3  # fewer words before a pause, and only a question ends the turn early


def whole_sentence(text: str) -> bool:
    """Ends as a sentence does: "?", or "!" or one full stop (an ellipsis trails off) after at
    least ``MIN_STATEMENT_WORDS`` words. Whisper closes almost any short fragment with a full
    stop: the word before a comma ("Stop, that is enough", "Well, …") is rarely the whole turn,
    so a short statement waits for the hangover."""
    text = text.rstrip()
    if text.endswith("?"):
        return True
    ends = text.endswith("!") or (text.endswith(".") and not text.endswith(".."))
    return ends and len(text.split()) >= MIN_STATEMENT_WORDS


class Transcriber(Processor):
    def __init__(
        self,
        stt: WhisperSTT,
        *,
        stamps: Stamps | None = None,
        state: Report = nowhere,
        finish_turn: Callable[[FinishTurn], None] = lambda frame: None,
    ) -> None:
        self.stt = stt
        self.stamps = stamps or Stamps()
        self.state = state
        self.finish_turn = finish_turn  # back to the turn detector
        self.timings_ms: list[float] = []
        self._early: dict[int, tuple[str, str]] = {}  # this turn's pause → (text, language)
        self._span = (0.0, 0.0)  # when the latest early transcription began and ended

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, UserPaused):
            return self._early_transcript(frame)
        if not isinstance(frame, Utterance):
            return (frame,)
        self.state("thinking")
        start = time.perf_counter()
        early = self._early.get(frame.final_pause) if frame.final_pause else None
        self._early.clear()  # the next turn numbers its pauses from 1 again
        try:
            text, language = early if early is not None else self.stt.transcribe(frame.samples)
        except Exception as exc:
            self.state("listening")
            return (ErrorFrame(source="stt", message=f"speech recognition failed: {exc}"),)
        ms = (time.perf_counter() - start) * 1000
        self.timings_ms.append(ms)
        s = self.stamps
        s.stt_ms, s.stt_early = ms, early is not None
        began, ended = self._span if early is not None else (0.0, 0.0)
        s.stt_overlap_ms = max(0.0, min(ended, s.turn_end) - began) * 1000
        if not text:
            self.state("listening")
            return ()
        return (Transcript(text=text, start_s=frame.start_s, end_s=frame.end_s, language=language),)

    def _early_transcript(self, pause: UserPaused) -> Iterable[Frame]:
        if any(isinstance(f, (UserPaused, Utterance)) for f in self.waiting()):
            return ()  # the user went on, or the turn ended: this pause's words are not all
        if pause.pause == 1:
            self._early.clear()
        began = time.perf_counter()
        try:
            heard = self.stt.transcribe(pause.samples)
        except Exception:  # the turn transcribes on its own then, and says what fails
            return ()
        self._span = (began, time.perf_counter())
        self._early[pause.pause] = heard
        if whole_sentence(heard[0]):
            self.finish_turn(FinishTurn(pause=pause.pause))
        return ()
