"""How recalled memories are ranked, after Generative Agents: relevance (dense similarity fused
with FTS5/BM25 and entity matches by reciprocal-rank fusion), recency (exponential decay) and
importance (1–10), each normalised to 0..1 and weighted."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from memory.store import Memory, MemoryKind

CANDIDATES = 50  # from each of the dense, full-text and entity searches
RRF_K = 10  # small: a few dozen candidates, and the first ranks should count
# cosine similarity above which a memory is on the question's topic without sharing a word with
# it (all-MiniLM: unrelated sentences sit near 0.1, paraphrases above 0.5)
ON_TOPIC = 0.4
# ...and within this much of the closest memory's cosine: where an embedder does not know the
# language (all-MiniLM on Russian), every sentence sits at 0.6 and more, and only the distance
# from the best one tells a memory on the topic from one that is not
NEAR_THE_BEST = 0.15
HALF_LIFE_DAYS = 14.0
WEIGHTS = {"relevance": 1.0, "recency": 0.3, "importance": 0.2}
DENSE_SHARE = 0.4  # relevance = this much cosine similarity, the rest rank fusion
SPREAD = 0.25


def is_question(text: str) -> bool:
    return text.rstrip().endswith("?")


def importance_heuristic(text: str, speaker: str = "") -> float:
    """A cheap 1–10 rating for when no model rates it: facts, names, numbers and feelings count;
    questions, pleasantries and the assistant's own acknowledgements count less."""
    score = 3.0
    lowered = text.lower()
    if is_question(text):
        score -= 1
    if len(text.split()) < 4:
        score -= 1
    if speaker == "assistant":
        score -= 1
    if re.search(r"\d", text):
        score += 1
    if re.search(r"\b[A-ZА-ЯЁ][a-zа-яё]+", text[1:]):
        score += 1  # a name past the first word
    keywords = (
        "важн", "не забудь", "запомни", "люблю", "ненавиж", "аллерги", "день рождения", "зовут",
        "remember", "important", "love", "hate", "allerg", "birthday", "my name", "called",
    )  # fmt: skip
    score += 2 * sum(k in lowered for k in keywords)
    if len(text) > 120:
        score += 1
    return float(min(10.0, max(1.0, score)))


@dataclass(frozen=True, slots=True)
class Recalled:
    memory: Memory
    score: float
    relevance: float
    recency: float
    importance: float
    similarity: float = 0.0  # the query's cosine with it (0 when found by words only)
    by_words: bool = False  # found by the full-text index or the entities the query names

    def line(self) -> str:
        day = time.strftime("%Y-%m-%d", time.localtime(self.memory.created_at))
        who = f"{self.memory.speaker}: " if self.memory.speaker else ""
        return f"({day}) {who}{self.memory.text}"


def worth_attention(found: Sequence[Recalled]) -> list[Recalled]:
    """The recalled memories worth a small model's attention, in their order: what shares words
    or names with the question, and what is close in meaning (on the topic, and near the
    closest one). What is only recent or important would lead it astray ("The sky is blue,
    the capital of France is Paris.")."""
    best = max((r.similarity for r in found), default=0.0)
    near = max(ON_TOPIC, best - NEAR_THE_BEST)
    return [r for r in found if r.by_words or r.similarity >= near]


def distinct(found: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The dense index's answers, best first, one of each run of equal similarity: the same
    words said many times have one vector, and fifty copies of "What should I cook tonight?"
    in an imported chat history would fill the candidates. (Two different sentences as close
    to the question to six decimals are rare; one of them may still come by its words.) On
    the older 206-question set, recall@5 went from 0.835 to 0.903."""
    seen: set[float] = set()
    out = []
    for memory_id, similarity in found:
        key = round(similarity, 6)
        if key not in seen:
            seen.add(key)
            out.append((memory_id, similarity))
    return out


@dataclass(slots=True)
class Candidates:
    """Memories found by each search, fused by reciprocal rank."""

    ranks: dict[str, float] = field(default_factory=dict)
    similarity: dict[str, float] = field(default_factory=dict)  # the query's cosine with each
    worded: set[str] = field(default_factory=set)  # found by words or names, not by meaning

    def dense(self, found: Sequence[tuple[str, float]]) -> None:
        """The dense index's answers, best first, with their cosine similarity."""
        self.similarity |= {memory_id: max(0.0, s) for memory_id, s in found}
        self.ranked((memory_id for memory_id, _ in found), by_words=False)

    def pass_on(self, source: str, target: str) -> None:
        """``target`` takes ``source``'s place in the fusion (the better of the two ranks), and
        ``source`` leaves; not its closeness in meaning, which a question (the assistant's "Shall
        I set a reminder?", asked a hundred times) owes to its form: every reply to it would
        come as close."""
        if source not in self.ranks:
            return
        self.ranks[target] = max(self.ranks.get(target, 0.0), self.ranks.pop(source))
        self.similarity.pop(source, None)
        if source in self.worded:
            self.worded.discard(source)
            self.worded.add(target)

    def closer(self, memory_id: str, similarity: float) -> None:
        """``memory_id`` is at least this close to the question."""
        self.similarity[memory_id] = max(self.similarity.get(memory_id, 0.0), similarity)

    def ranked(self, ids: Iterable[str], *, by_words: bool) -> None:
        for rank, memory_id in enumerate(ids):
            self.ranks[memory_id] = self.ranks.get(memory_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            if by_words:
                self.worded.add(memory_id)


def ranked(
    candidates: Candidates, found: dict[str, Memory], kinds: Sequence[MemoryKind], now: float
) -> list[Recalled]:
    """The candidates best first, each distinct wording once."""
    ranks, similarity = candidates.ranks, candidates.similarity
    times = [m.created_at for m in found.values()]
    oldest, newest = min(times, default=now), max(times, default=now)
    span = max(newest - oldest, 1.0)
    best_rank = max(ranks.values())
    # the dense share on the candidates' own scale: from the lowest cosine among them to the
    # highest, so that an embedder whose cosines all sit in 0.2-0.4 (USE) counts as much as one
    # in 0.1-0.8 (MiniLM); but never a span under SPREAD, or a hair's difference between two
    # close candidates would count as the whole way
    low = min(similarity.values(), default=0.0)
    best_similarity = max(max(similarity.values(), default=0.0) - low, SPREAD)
    scored = []
    for memory_id, rrf in ranks.items():
        memory = found.get(memory_id)
        if memory is None or memory.kind not in kinds:
            continue
        # a question the user asked comes close in meaning to a question asked of memory by
        # its form alone, and says nothing they told ("What should I cook tonight?"): only its
        # words and names count for it
        closeness = (
            0.0
            if is_question(memory.text)
            else max(0.0, similarity.get(memory_id, low) - low) / best_similarity
        )
        relevance = DENSE_SHARE * closeness + (1 - DENSE_SHARE) * (rrf / best_rank)
        age_days = max(0.0, now - memory.created_at) / 86400
        decay = math.exp(-math.log(2) * age_days / HALF_LIFE_DAYS)
        # Half absolute decay, half place among the candidates: of two memories on the same
        # subject, the newer (the answer that changed) is preferred even months later.
        recency = 0.5 * decay + 0.5 * (memory.created_at - oldest) / span
        importance = memory.importance / 10
        score = (
            WEIGHTS["relevance"] * relevance
            + WEIGHTS["recency"] * recency
            + WEIGHTS["importance"] * importance
        )
        scored.append(
            Recalled(
                memory,
                score,
                relevance,
                recency,
                importance,
                similarity=similarity.get(memory_id, 0.0),
                by_words=memory_id in candidates.worded,
            )
        )
    scored.sort(key=lambda r: r.score, reverse=True)
    out: list[Recalled] = []
    seen: set[str] = set()
    for r in scored:  # the same words said many times ("Of course.") count once
        key = " ".join(r.memory.text.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def asks(memory: Memory) -> bool:
    """``memory`` is a question the assistant asked."""
    return memory.speaker == "assistant" and is_question(memory.text)


def answers_a_question(question: Memory, reply: Memory) -> bool:
    """``reply`` is the user's answer to the assistant's question ``question``."""
    return reply.speaker == "user" and asks(question)


def exchange(question: Memory, reply: Memory) -> str:
    """What a reply to the assistant's question means: the two together."""
    return f"{question.text} {reply.text}"


def passage(memory: Memory) -> str:
    """What is embedded: the words alone. Who said it and when went in too once ("user
    (2026-03-01): ..."), which helped MiniLM on the older set; on the long-dialogue set the stamp
    drowned short turns for the multilingual USE (recall@5 0.78 against 0.86 without), and the
    older set now does better without it for both. The day a question names is understood from
    the question (memory.query) instead."""
    return memory.text
