"""The reply in the voice chain: a transcript goes to the responder (the Assistant), and its words
come out as they are written, then ReplyEnded. A failed reply is an ErrorFrame (the voice bar
says it and listens again); an interruption cancels the reply at once."""

from __future__ import annotations

import time
from collections.abc import Iterator

from audio.frames import AssistantText, ErrorFrame, Frame, ReplyEnded, Transcript
from audio.pipeline import Processor
from audio.voice_state import Stamps
from core.errors import DomovoyError, TurnTimeout
from core.events import TurnFailed
from core.responder import Responder


class Respond(Processor):
    def __init__(
        self, responder: Responder, *, stamps: Stamps | None = None, timeout_s: float = 600.0
    ) -> None:
        self.responder = responder
        self.stamps = stamps or Stamps()
        self.timeout_s = timeout_s
        self.timings_ms: list[float] = []

    def interrupt(self) -> None:
        self.responder.stop()

    def process(self, frame: Frame) -> Iterator[Frame]:
        if not isinstance(frame, Transcript):
            yield frame
            return
        yield frame
        self.responder.wait(30)  # an interrupted reply finishes cancelling first
        start = time.perf_counter()
        self.stamps.first_sentence = 0.0
        self.stamps.submitted = start
        try:
            reply = self.responder.submit(frame.text)
        except DomovoyError as exc:
            yield ErrorFrame(source="assistant", message=str(exc))
            yield ReplyEnded()
            return
        try:
            for words in reply.words(timeout=self.timeout_s):
                yield AssistantText(text=words)
            ending = reply.result(timeout=self.timeout_s)
        except TurnTimeout as exc:
            self.responder.stop()
            ending = TurnFailed(turn_id=reply.id, message=str(exc))
        finally:
            self.timings_ms.append((time.perf_counter() - start) * 1000)
        if isinstance(ending, TurnFailed):
            yield ErrorFrame(source="assistant", message=ending.message)
        yield ReplyEnded()
