"""What the voice chain's processors share with their driver: when things happened in the latest
turn (for the benchmarks), and the state the voice bar shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

State = Literal["listening", "thinking", "speaking", "off"]
Report = Callable[[State], None]


def nowhere(state: State) -> None:
    return None


@dataclass(slots=True)
class Stamps:
    """When things happened in the latest turn (time.perf_counter), for the benchmarks."""

    turn_end: float = 0.0  # the end-of-turn decision
    stt_ms: float = 0.0
    submitted: float = 0.0
    first_sentence: float = 0.0
    first_tts_ms: float = 0.0
    stt_early: bool = False  # the transcript was begun at the pause, before the turn ended
    stt_overlap_ms: float = 0.0  # how much of it ran before the turn ended
    onsets: list[float] = field(default_factory=list)
