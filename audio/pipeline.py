"""The voice chain: processors passing typed frames, each on its own thread.

A processor takes one frame and yields the frames it produces (passing on what it does not
handle); what it yields goes to the next processor as it comes, so a reply streams from the model
through sentence splitting to speech while the model still writes. An ``Interruption`` jumps the
queue: pushed at a stage, every processor from there on drops what waits for it, is told at once
(``interrupt``: stop playback, cancel the reply) on the interrupting thread, and stops passing on
what it was producing for the interrupted turn; then the Interruption itself flows down in order.

A processor that raises ends that frame's work, never the chain: the failure goes to
``on_frame`` as an ErrorFrame, and the next frame is processed as usual. ``drain`` is the end of
an input (a file): each stage in turn empties and releases what it held back (``flush``).
``run`` is the one-call harness: frames in, every frame that came out of the last processor back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from audio.frames import ErrorFrame, Frame, Interruption

log = logging.getLogger(__name__)


class Processor:
    """Override ``process``; ``flush`` releases what is held back at the end of the input;
    ``interrupt`` stops blocking work at once (it is called from another thread)."""

    def process(self, frame: Frame) -> Iterable[Frame]:
        return (frame,)

    def flush(self) -> Iterable[Frame]:
        return ()

    def interrupt(self) -> None:
        return None

    def waiting(self) -> list[Frame]:
        """The frames queued for this processor behind the one it is processing (the chain
        fills this in): a processor may skip work that a newer frame makes stale."""
        return []


class _Stage:
    def __init__(self, chain: VoiceChain, index: int, processor: Processor) -> None:
        self.chain = chain
        self.index = index
        self.processor = processor
        self.queue: deque[Frame] = deque()
        self.epoch = 0  # bumped by each interruption: work begun before it is dropped
        self.busy = False
        self.closed = False
        self.cond = threading.Condition(chain.lock)
        processor.waiting = lambda: list(self.queue)  # type: ignore[method-assign]
        name = f"domovoy-voice-{type(processor).__name__}"
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.queue and not self.closed:
                    self.cond.wait()
                if self.closed:
                    return
                frame = self.queue.popleft()
                epoch = self.epoch
                self.busy = True
            try:
                self._process(frame, epoch)
            finally:
                with self.cond:
                    self.busy = False
                    self.chain.changed.notify_all()

    def _process(self, frame: Frame, epoch: int) -> None:
        produced: Iterable[Frame] = ()
        try:
            produced = self.processor.process(frame)
            for out in produced:
                if self.epoch != epoch and not isinstance(out, Interruption):
                    break  # interrupted meanwhile: what it made for that turn goes nowhere
                self.chain.forward(out, self.index + 1)
        except Exception as exc:  # the frame's work ends; the chain goes on
            log.exception("%s failed on %s", type(self.processor).__name__, type(frame).__name__)
            self.chain.report(ErrorFrame(source=type(self.processor).__name__, message=str(exc)))
        finally:
            close = getattr(produced, "close", None)
            if close is not None:
                close()  # a generator stopped early runs its cleanup now


class VoiceChain:
    def __init__(
        self,
        processors: Sequence[Processor],
        on_frame: Callable[[Frame], None] = lambda frame: None,
    ) -> None:
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.on_frame = on_frame  # what came out of the last processor (and every ErrorFrame)
        self.stages = [_Stage(self, i, p) for i, p in enumerate(processors)]
        for stage in self.stages:
            stage.thread.start()

    def index(self, kind: type[Processor]) -> int:
        """Where the first processor of that kind is (to push a frame there)."""
        return next(s.index for s in self.stages if isinstance(s.processor, kind))

    def push(self, frame: Frame, at: int = 0) -> None:
        """Give ``frame`` to the processor at ``at`` (from any thread); past the last one, it
        goes to ``on_frame``."""
        self.forward(frame, at)

    def forward(self, frame: Frame, at: int) -> None:
        if at >= len(self.stages):
            self.report(frame)
            return
        if isinstance(frame, Interruption):
            self._interrupt(frame, at)
            return
        stage = self.stages[at]
        with stage.cond:
            stage.queue.append(frame)
            stage.cond.notify()

    def _interrupt(self, frame: Interruption, at: int) -> None:
        downstream = self.stages[at:]
        with self.lock:
            for stage in downstream:
                stage.epoch += 1
                kept = [f for f in stage.queue if isinstance(f, Interruption)]
                stage.queue.clear()
                stage.queue.extend(kept)
        for stage in downstream:  # at once, on this thread: playback stops within a block
            try:
                stage.processor.interrupt()
            except Exception:
                log.exception("%s could not be interrupted", type(stage.processor).__name__)
        if at >= len(self.stages):
            self.report(frame)
            return
        first = self.stages[at]
        with first.cond:
            first.queue.appendleft(frame)
            first.cond.notify()

    def report(self, frame: Frame) -> None:
        try:
            self.on_frame(frame)
        except Exception:
            log.exception("the voice chain's listener failed on %s", type(frame).__name__)

    def idle(self, upto: int | None = None) -> bool:
        """Nothing waits or is being processed (in the stages before ``upto``)."""
        with self.lock:
            return self._idle(upto)

    def _idle(self, upto: int | None) -> bool:
        return not any(s.queue or s.busy for s in self.stages[:upto])

    def wait_idle(self, timeout: float | None = None, upto: int | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.changed:
            while not self._idle(upto):
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self.changed.wait(left if left is not None else 0.5)
        return True

    def drain(self, timeout: float | None = None) -> bool:
        """The input has ended: stage by stage, wait for it to empty, then release what it
        holds back (a turn still open at the end of a file)."""
        for stage in self.stages:
            if not self.wait_idle(timeout, upto=stage.index + 1):
                return False
            for out in stage.processor.flush():
                self.forward(out, stage.index + 1)
        return self.wait_idle(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Stop every stage's thread (what is queued is dropped) and wait for them to end."""
        for stage in self.stages:
            with stage.cond:
                stage.closed = True
                stage.queue.clear()
                stage.cond.notify_all()
        for stage in self.stages:
            if stage.thread is not threading.current_thread():
                stage.thread.join(timeout)


def run(processors: Sequence[Processor], frames: Iterable[Frame]) -> list[Frame]:
    """The harness: feed ``frames`` through ``processors``; return what came out, in order."""
    out: list[Frame] = []
    chain = VoiceChain(processors, out.append)
    try:
        for frame in frames:
            chain.push(frame)
            chain.wait_idle()  # one frame at a time, as a file is read: nothing overtakes
        chain.drain()
    finally:
        chain.close()
    return out
