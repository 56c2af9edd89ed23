"""Processors and the chain that runs them.

A processor takes one frame and returns the frames it produces (passing on what it does not
handle). The chain gives each processor a queue; an Interruption jumps to the front of every
queue downstream, so it overtakes audio and sentences already waiting. ``run`` is the one-call
harness: frames in, every frame that came out of the last processor back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

from audio.frames import Frame, Interruption


class Processor:
    """Override ``process``; ``flush`` releases what is held back at the end of the input."""

    def process(self, frame: Frame) -> Iterable[Frame]:
        return (frame,)

    def flush(self) -> Iterable[Frame]:
        return ()


class Chain:
    def __init__(self, processors: Sequence[Processor]) -> None:
        self.processors = list(processors)
        self.queues: list[deque[Frame]] = [deque() for _ in self.processors]
        self.out: list[Frame] = []

    def push(self, frame: Frame, stage: int = 0) -> None:
        if stage >= len(self.processors):
            self.out.append(frame)
            return
        if isinstance(frame, Interruption):
            self.queues[stage].appendleft(frame)
        else:
            self.queues[stage].append(frame)

    def pump(self) -> None:
        """Run until every queue is empty, the earliest stage with work first (an Interruption
        at the front of a queue therefore goes before any waiting frame)."""
        while True:
            stage = next((i for i, q in enumerate(self.queues) if q), None)
            if stage is None:
                return
            frame = self.queues[stage].popleft()
            for produced in self.processors[stage].process(frame):
                self.push(produced, stage + 1)

    def flush(self) -> None:
        for stage, processor in enumerate(self.processors):
            self.pump()
            for produced in processor.flush():
                self.push(produced, stage + 1)
        self.pump()


def run(processors: Sequence[Processor], frames: Iterable[Frame]) -> list[Frame]:
    """The harness: feed ``frames`` through ``processors``; return what came out."""
    chain = Chain(processors)
    for frame in frames:
        chain.push(frame)
        chain.pump()
    chain.flush()
    return chain.out
