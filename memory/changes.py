"""The user's memories that say something changed ("we're off to Croatia instead", "I've
swapped running for swimming"), held with their vectors in memory, for recall to find a later
correction of its best memories by one matrix product instead of another query of the dense
index (issue #18). They are a few in a hundred of what a user says; the store is read for
them once (in the memory's warm-up, or at the first recall), and each write after that is
followed."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from memory.embeddings import Embedder
from memory.recall import passage
from memory.store import Memory, Store

# what says that something changed: whole words, and the stems Russian words begin with
WORDS = (
    "instead", "now", "no longer", "any more", "anymore", "change", "changed", "moved", "swapped",
    "switched", "gave up", "quit", "stopped",
)  # fmt: skip
STEMS = (
    "вместо", "теперь", "больше не", "передумал", "перенесл", "перевел", "бросил", "перешл",
    "переехал", "решили", "уже не",
)  # fmt: skip
CHANGED = re.compile(rf"\b({'|'.join(WORDS)})\b|\b({'|'.join(STEMS)})", re.IGNORECASE)
# ...the same as SQLite's full-text index finds it (a word, a phrase, a prefix), to read the
# store for them without reading it all
FULL_TEXT = " OR ".join([*(f'"{w}"' for w in WORDS), *(f'"{s}"*' for s in STEMS)])


def the_users(memory: Memory) -> bool:
    """What the user said in conversation: what a correction is looked for, and among."""
    return memory.speaker == "user" and memory.kind == "episode"


def says_it_changed(memory: Memory) -> bool:
    """A user's memory that may be told in place of an earlier one."""
    return the_users(memory) and bool(CHANGED.search(memory.text))


class Changes:
    """The user's memories that say something changed, in the order they were written, with
    their times and, per embedder, their vectors."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._memories: list[Memory] | None = None  # None: the store is not read yet
        self._times = np.zeros(0)
        self._vectors: dict[str, np.ndarray] = {}  # per embedder, the first rows of _memories

    def add(self, memories: Iterable[Memory]) -> None:
        with self._lock:
            if self._memories is not None:
                new = [m for m in memories if says_it_changed(m)]
                self._memories = self._memories + new
                self._times = np.concatenate([self._times, [m.created_at for m in new]])

    def remove(self, memory_id: str) -> None:
        with self._lock:
            if self._memories is None:
                return
            rows = [n for n, m in enumerate(self._memories) if m.id == memory_id]
            self._memories = [m for m in self._memories if m.id != memory_id]
            self._times = np.delete(self._times, rows)
            for key, vectors in self._vectors.items():
                self._vectors[key] = np.delete(vectors, [n for n in rows if n < len(vectors)], 0)

    def rewritten(self, memory: Memory) -> None:
        """``memory`` has new words (which may or may not say it changed)."""
        self.remove(memory.id)
        self.add([memory])

    def clear(self) -> None:
        with self._lock:
            self._memories, self._times, self._vectors = None, np.zeros(0), {}

    @property
    def loaded(self) -> bool:
        return self._memories is not None

    def load(self, embedder: Embedder) -> None:
        """Read the store for them and embed them now, as the first recall would (a warm-up:
        at 100,000 memories, 5,000 of them said a change, that took 0.4 s)."""
        self._for(embedder)

    def closest_later(
        self, best: Sequence[Memory], embedder: Embedder, close: float
    ) -> list[Memory | None]:
        """For each of the user's ``best`` memories, the closest in meaning of the later ones
        that say something changed, if one is at least ``close`` (None where none is)."""
        if not best:
            return []
        memories, times, vectors = self._for(embedder)
        if not memories:
            return [None for _ in best]
        own = embedder.embed([passage(m) for m in best], "passage")  # cached when written
        out: list[Memory | None] = []
        for memory, similarity in zip(best, own @ vectors.T, strict=True):
            similarity = np.where(times > memory.created_at, similarity, -1.0)
            n = int(np.argmax(similarity))
            out.append(memories[n] if similarity[n] >= close else None)
        return out

    def _for(self, embedder: Embedder) -> tuple[list[Memory], np.ndarray, np.ndarray]:
        with self._lock:
            if self._memories is None:
                found = self.store.full_text(FULL_TEXT, speaker="user", kind="episode")
                self._memories = [m for m in found if says_it_changed(m)]
                self._times = np.array([m.created_at for m in self._memories])
            memories, key = self._memories, embedder.info.key
            vectors = self._vectors.get(key, np.zeros((0, embedder.info.dimension), np.float32))
            if len(vectors) < len(memories):
                fresh = embedder.embed([passage(m) for m in memories[len(vectors) :]], "passage")
                vectors = self._vectors[key] = np.vstack([vectors, fresh])
            return memories, self._times, vectors
