"""The eval metrics (design seed §11), computed from what a run recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class TurnRecord:
    """What one turn did, as the system under test reports it."""

    user: str
    reply: str
    latency_ms: float
    user_tokens: int
    reply_tokens: int
    recalled: list[str] = field(default_factory=list)  # seeded memory keys, in recall order
    tools: list[str] = field(default_factory=list)
    mood: str = ""  # the main emotion after the turn
    model_used: str = ""


def precision_at_k(recalled: Sequence[str], expected: Sequence[str], k: int = 5) -> float:
    top = list(recalled)[:k]
    return sum(1 for r in top if r in expected) / len(top) if top else 0.0


def reciprocal_rank(recalled: Sequence[str], expected: Sequence[str]) -> float:
    for rank, key in enumerate(recalled, start=1):
        if key in expected:
            return 1.0 / rank
    return 0.0


def token_efficiency(turns: Sequence[TurnRecord]) -> float:
    """Output tokens per user token: how much the model says for what it was told."""
    said = sum(t.user_tokens for t in turns)
    return sum(t.reply_tokens for t in turns) / said if said else 0.0


def emotion_latency(
    turns: Sequence[TurnRecord], event_at: int, emotion: str
) -> tuple[int, float] | None:
    """Turns and ms from an emotional event until the mood shows it; None if it never does."""
    elapsed = 0.0
    for offset, turn in enumerate(turns[event_at:]):
        elapsed += turn.latency_ms
        if turn.mood == emotion:
            return offset, elapsed
    return None


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None
