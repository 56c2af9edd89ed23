"""The eval metrics (design seed §11), each defined here once, computed from what a run recorded.

A metric is what its name says: every function below states what it measures, and
``tests/eval/test_metrics.py`` shows that a good and a bad answer score differently on it. The
judged ones (answer relevance, the persona's register, an answer that strays from what was
remembered) take the verdicts of an independent judge (``app.evaluation.judges``); without one
they are not measured (None), never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.language import language_of

UNSEEDED = "unseeded:"  # a recalled memory that no scenario seeded: a miss, never dropped


@dataclass(slots=True)
class TurnRecord:
    """What one turn did, as the system under test reports it."""

    user: str
    reply: str
    latency_ms: float  # the question sent to the last word of the reply
    user_tokens: int  # the user's message in the model's own tokens
    reply_tokens: int
    first_token_ms: float = 0.0
    recalled: list[str] = field(default_factory=list)  # everything recalled, in order: seeded
    # memories by their scenario key, any other as UNSEEDED + its id
    context: list[str] = field(default_factory=list)  # the recalled memories' text
    tools: list[str] = field(default_factory=list)
    reply_emotions: dict[str, float] = field(default_factory=dict)  # the reply's tone, 0–1
    model_used: str = ""


# --- retrieval -------------------------------------------------------------------------------


def precision_at_k(recalled: Sequence[str], expected: Sequence[str], k: int = 5) -> float:
    """The share of the top ``k`` recalled memories that are golden, counting everything that
    was recalled (a memory no scenario seeded is a miss, not left out)."""
    top = list(recalled)[:k]
    return sum(1 for r in top if r in expected) / len(top) if top else 0.0


def reciprocal_rank(recalled: Sequence[str], expected: Sequence[str]) -> float:
    """1 / the rank of the first golden memory among everything recalled; 0 if none came."""
    for rank, key in enumerate(recalled, start=1):
        if key in expected:
            return 1.0 / rank
    return 0.0


def relevance_criterion(context: Sequence[str]) -> str:
    """RAG answer relevance, as the judge is asked it: does the answer use what was recalled to
    answer the question (the recalled memories go with it as what the assistant knew)."""
    if not context:
        return "The reply answers the user's question."
    return "The reply answers the user's question correctly with what the assistant knew."


# --- persona ---------------------------------------------------------------------------------

_MARKDOWN = re.compile(r"(\*\*|__|^#{1,6} |^\s*[-*] |^\s*\d+\. |`|\[[^\]]+\]\([^)]+\))", re.M)
# what a model says when it forgets whose name it bears
_OTHER_NAMES = ("as an ai", "language model", "i am qwen", "i'm qwen", "alibaba", "openai",
                "chatgpt", "как ии", "языковая модель", "я qwen")  # fmt: skip


def persona_checks(
    reply: str,
    *,
    language: str | None = None,
    max_words: int | None = None,
    plain: bool = False,
    name: str | None = None,
    tone: float | None = None,
) -> dict[str, bool]:
    """Each persona rule that applies, kept or not:
    - ``language``: the reply is written in it;
    - ``max_words``: it says what it says in that many words or fewer;
    - ``plain``: no markdown (it is spoken: asterisks and hashes would be read aloud);
    - ``name``: it never calls itself a language model or another assistant's name;
    - ``tone``: the judge's score that it keeps the persona's register (≥ 0.5 kept)."""
    checks: dict[str, bool] = {}
    if language:
        checks["language"] = language_of(reply) == language
    if max_words is not None:
        checks["length"] = len(reply.split()) <= max_words
    if plain:
        checks["plain"] = _MARKDOWN.search(reply) is None
    if name is not None:
        lowered = reply.lower()
        checks["name"] = not any(other in lowered for other in _OTHER_NAMES)
    if tone is not None:
        checks["tone"] = tone >= 0.5
    return checks


def persona_adherence(checks: dict[str, bool]) -> float | None:
    """Persona adherence of one reply: the share of its persona rules kept, 0–1."""
    return sum(checks.values()) / len(checks) if checks else None


def drift(values: Sequence[float]) -> float | None:
    """How far the latest run moved from the mean of the earlier ones (latest − mean)."""
    if len(values) < 2:
        return None
    earlier = values[:-1]
    return values[-1] - sum(earlier) / len(earlier)


# --- emotion ---------------------------------------------------------------------------------

TONE_FOLLOWS = 0.5  # an emotion this strong in the reply's reading: the reply shows it


def reply_tone_latency(
    turns: Sequence[TurnRecord], event_at: int, emotion: str
) -> tuple[int, float] | None:
    """Emotion reflection latency: after the user shows ``emotion`` at turn ``event_at``, how
    many turns and milliseconds pass until the *reply's* tone (the emotion reader on the reply
    itself) follows it; None if no reply ever does."""
    elapsed = 0.0
    for offset, turn in enumerate(turns[event_at:]):
        elapsed += turn.latency_ms
        if turn.reply_emotions.get(emotion, 0.0) >= TONE_FOLLOWS and not echoes(turn):
            return offset, elapsed
    return None


def echoes(turn: TurnRecord) -> bool:
    """The reply only repeats the user's message (a small model's way of not answering): its
    words are all the user's, give or take punctuation and case."""
    said = set(re.findall(r"\w+", turn.user.lower()))
    replied = re.findall(r"\w+", turn.reply.lower())
    return bool(replied) and all(word in said for word in replied)


# --- tokens ----------------------------------------------------------------------------------


def token_efficiency(turns: Sequence[TurnRecord]) -> float | None:
    """Output tokens per user token, both in the model's own tokens."""
    said = sum(t.user_tokens for t in turns)
    return sum(t.reply_tokens for t in turns) / said if said else None


# --- hallucination ---------------------------------------------------------------------------

# how a reply admits it was never told (a question about something never said)
_DONT_KNOW = ("don't know", "do not know", "not sure", "no information", "haven't told",
              "have not told", "didn't tell", "did not tell", "don't have", "do not have",
              "not mentioned", "can't tell", "cannot tell", "no record", "don't remember",
              "не знаю", "не помню", "не говорил", "не рассказ", "нет информации",
              "не упомина", "не могу сказать", "не сказал", "неизвестно")  # fmt: skip


def admits_not_knowing(reply: str) -> bool:
    """Whether the reply says it does not know (English or Russian)."""
    lowered = reply.lower().replace("’", "'")
    return any(p in lowered for p in _DONT_KNOW)


def hallucinated_known(reply: str, fact: str, supported: float | None = None) -> bool:
    """A question about what was remembered, answered with something else: the remembered fact
    is missing from the reply, or the judge finds the reply not supported by the memory
    (``supported``: its score that the reply keeps to it, < 0.5 strays)."""
    if fact.lower() not in reply.lower():
        return True
    return supported is not None and supported < 0.5


def invented(reply: str) -> bool:
    """A question about something never said, answered as if it had been (no "I don't know")."""
    return not admits_not_knowing(reply)


# --- latency and the rest ----------------------------------------------------------------------


def within_budget(
    turn: TurnRecord, first_token_ms: float | None, total_ms: float | None
) -> bool | None:
    """Whether the turn kept its scenario's latency budget (time to the first token, to the
    end); None when the scenario sets none."""
    if first_token_ms is None and total_ms is None:
        return None
    ok = True
    if first_token_ms is not None:
        ok = ok and turn.first_token_ms <= first_token_ms
    if total_ms is not None:
        ok = ok and turn.latency_ms <= total_ms
    return ok


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
