"""What domovoy remembers: writing (with near-duplicates merged), recalling, forgetting.

SQLite is the source of truth; a memory is acknowledged once committed there. The Chroma index
follows and can be rebuilt at any time from the store and the vector cache.

Recall gathers candidates from the dense index, SQLite's full-text index and the entities the
question names; memory/recall.py ranks them.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from core.errors import InputError, StorageError
from memory import leads
from memory.changes import Changes
from memory.chroma_index import ChromaIndex
from memory.embeddings import Embedder
from memory.entities import EntityExtractor
from memory.query import understand
from memory.recall import (
    CANDIDATES,
    Candidates,
    Recalled,
    answers_a_question,
    distinct,
    exchange,
    importance_heuristic,
    passage,
    ranked,
)
from memory.store import KINDS, Memory, MemoryKind, Store

log = logging.getLogger(__name__)

PASSAGE = "words"  # what passage() embeds: a change rebuilds the indexes from the store
SAME = 0.985  # this similar to an existing memory, same numbers: nothing new (NOOP)
CLOSE = 0.95  # this similar and from the same speaker: the newer words replace it (UPDATE)

Action = Literal["ADD", "UPDATE", "NOOP"]


@dataclass(frozen=True, slots=True)
class Written:
    action: Action
    memory: Memory


class MemoryService:
    def __init__(
        self,
        folder: Path,
        embedder: Embedder,
        *,
        clock: Callable[[], float] = time.time,
        entities: EntityExtractor | None = None,
        fallback: Embedder | None = None,
    ) -> None:
        self.folder = folder
        self.embedder = embedder
        self.fallback = fallback  # a small model for recall while the machine is under pressure
        self.clock = clock
        self.entities = entities
        self.migrating: list[Embedder] = []  # models being built: new memories go to them too
        self.store = Store(folder / "memory.sqlite3")
        self.index = ChromaIndex(folder / "chroma", embedder.info)
        self.changes = Changes(self.store)
        self._write_lock = threading.Lock()

    def open(self, *, check: bool = True) -> None:
        """Lock and check the index; rebuild it when damaged or when it lags the store."""
        healthy = self.index.open(check=check)
        # an index built from other texts than passage() makes now is rebuilt, once
        changed = self.store.meta("passage", PASSAGE) != PASSAGE and self.store.count() > 0
        if not healthy or changed or self._index_lags():
            self.rebuild()
        if self.fallback is not None and (
            not healthy or changed or not self.migration_complete(self.fallback)
        ):
            self.store.set_meta(f"migration:{self.fallback.info.key}", None)
            self.migrate(self.fallback)
        self.store.set_meta("passage", PASSAGE)

    def close(self) -> None:
        self.index.close()
        self.store.close()

    def _index_lags(self) -> bool:
        return any(self.index.count(k) != self.store.count(k) for k in KINDS)

    def rebuild(self, progress: Callable[[int, int], None] | None = None, batch: int = 64) -> None:
        """The index again from the store; vectors come from the cache where they are."""
        self.index.reset()
        memories = list(self.store.all())
        done = 0
        for kind in KINDS:
            of_kind = [m for m in memories if m.kind == kind]
            for start in range(0, len(of_kind), batch):
                chunk = of_kind[start : start + batch]
                vectors = self.embedder.embed([passage(m) for m in chunk], "passage")
                self.index.upsert(kind, [m.id for m in chunk], vectors)
                done += len(chunk)
                if progress is not None:
                    progress(done, len(memories))

    # --- writing -------------------------------------------------------------------------------

    def remember(
        self,
        text: str,
        *,
        kind: MemoryKind = "episode",
        speaker: str = "",
        conversation: str = "",
        importance: float | None = None,
        when: float | None = None,
        entities: Iterable[str] = (),
        mood: dict[str, float] | None = None,
        sources: Sequence[str] = (),
        dedupe: bool = True,
    ) -> Written:
        text = text.strip()
        if not text:
            raise InputError("an empty memory is not stored")
        entities = tuple(entities) or self._entities_in(text)
        memory = Memory(
            kind=kind,
            text=text,
            created_at=when if when is not None else self.clock(),
            speaker=speaker,
            conversation=conversation,
            importance=importance_heuristic(text, speaker) if importance is None else importance,
            entities=entities,
            mood=mood or {},
            sources=tuple(sources),
        )
        vector = self.embedder.embed([passage(memory)], "passage")
        with self._write_lock:
            if dedupe:
                for memory_id, similarity in self.index.query(kind, vector[0], 3):
                    existing = self.store.get(memory_id)
                    if existing is None:
                        continue
                    if similarity >= SAME and _numbers(existing.text) == _numbers(text):
                        return Written("NOOP", existing)
                    if similarity >= CLOSE and existing.speaker == speaker:
                        self.store.update_text(existing.id, text, memory.importance)
                        updated = self.store.get(existing.id) or existing
                        self.changes.rewritten(updated)
                        self._index_quietly(
                            kind, [updated.id], self.embedder.embed([passage(updated)])
                        )
                        return Written("UPDATE", updated)
            self.store.add(memory)  # committed: acknowledged
            self.changes.add([memory])
            self._index_quietly(kind, [memory.id], vector)
        if speaker == "user":
            self._embed_exchanges([(self.store.before(memory), memory)])
        return Written("ADD", memory)

    def _entities_in(self, text: str) -> tuple[str, ...]:
        if self.entities is None:
            return ()
        try:
            return tuple(e.name for e in self.entities.extract(text))
        except Exception:  # a broken dictionary costs the links, never the memory
            log.exception("entities could not be read from a memory")
            return ()

    def ingest(self, memories: Sequence[Memory], batch: int = 256) -> None:
        """Many memories at once, as they are (no merging): imports, evaluations, benchmarks."""
        last: dict[str, Memory] = {}  # each conversation's turn before, in the order given
        for start in range(0, len(memories), batch):
            chunk = [
                m if m.entities else dataclasses.replace(m, entities=self._entities_in(m.text))
                for m in memories[start : start + batch]
            ]
            self.store.add_many(chunk)
            self.changes.add(chunk)
            vectors = self.embedder.embed([passage(m) for m in chunk], "passage")
            by_kind: dict[str, list[int]] = {}
            for i, m in enumerate(chunk):
                by_kind.setdefault(m.kind, []).append(i)
            for kind, rows in by_kind.items():
                self._index_quietly(kind, [chunk[i].id for i in rows], vectors[rows])
            pairs = []
            for m in chunk:
                pairs.append((last.get(m.conversation), m))
                if m.conversation:
                    last[m.conversation] = m
            self._embed_exchanges(pairs)

    def _embed_exchanges(self, pairs: Sequence[tuple[Memory | None, Memory]]) -> None:
        """The user's replies to the assistant's questions, each with its question, embedded
        as it is written (and cached), for recall to read (``memory.leads.answers``)."""
        texts = [
            exchange(question, reply)
            for question, reply in pairs
            if question is not None
            and question.created_at <= reply.created_at
            and answers_a_question(question, reply)
        ]
        if not texts:
            return
        for embedder in (self.embedder, self.fallback):  # the fallback recalls under pressure
            try:
                if embedder is not None:
                    embedder.embed(texts, "passage")
            except Exception:  # recall embeds them when it needs them
                log.exception("replies could not be embedded with their questions")

    def _index_quietly(self, kind: str, ids: list[str], vectors: np.ndarray) -> None:
        try:
            self.index.upsert(kind, ids, vectors)
            also = [*self.migrating, *([self.fallback] if self.fallback is not None else [])]
            for target in also:
                texts = [passage(m) for m in self.store.get_many(ids).values()]
                self.index.upsert(kind, ids, target.embed(texts, "passage"), target.info)
        except Exception:  # the store has it; the next start finds the index behind and rebuilds
            log.exception("the memory index could not take %s", ids)

    # --- switching embedding models ------------------------------------------------------------

    def migrate(
        self,
        target: Embedder,
        *,
        batch: int = 64,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> bool:
        """Build ``target``'s collections from the store, in batches, resumable after a kill;
        recall keeps using the active model meanwhile. True once complete."""
        key = f"migration:{target.info.key}"
        state = self.store.meta(key, None)
        position = int(state["position"]) if isinstance(state, dict) else 0
        memories = sorted(self.store.all(), key=lambda m: (m.created_at, m.id))
        self.migrating.append(target)
        try:
            for start in range(position, len(memories), batch):
                if stop is not None and stop.is_set():
                    return False
                chunk = memories[start : start + batch]
                vectors = target.embed([passage(m) for m in chunk], "passage")
                for kind in {m.kind for m in chunk}:
                    rows = [i for i, m in enumerate(chunk) if m.kind == kind]
                    ids = [chunk[i].id for i in rows]
                    self.index.upsert(kind, ids, vectors[rows], target.info)
                position = start + len(chunk)
                self.store.set_meta(key, {"position": position, "total": len(memories)})
                if progress is not None:
                    progress(position, len(memories))
        finally:
            self.migrating.remove(target)
        self.store.set_meta(
            key, {"position": len(memories), "total": len(memories), "complete": True}
        )
        return True

    def migration_complete(self, target: Embedder) -> bool:
        state = self.store.meta(f"migration:{target.info.key}", None)
        return isinstance(state, dict) and bool(state.get("complete"))

    def switch_to(self, target: Embedder) -> None:
        """Recall with ``target`` from now on: only once its collections are complete."""
        if not self.migration_complete(target):
            raise StorageError(
                f"the memory index for {target.info.model_id} is not complete yet",
                hint="run `domovoy memory migrate --to ID` until it finishes",
            )
        previous = self.embedder
        self.store.set_meta(f"migration:{previous.info.key}", {"complete": True})
        self.embedder = target
        self.index.info = target.info

    def revise(self, memory_id: str, text: str) -> Memory | None:
        """The user corrected a memory: new words, same id and time; re-indexed at once."""
        text = text.strip()
        if not text:
            raise InputError("an empty memory is not stored", hint="forget it instead")
        with self._write_lock:
            if self.store.get(memory_id) is None:
                return None
            self.store.update_text(memory_id, text)
            updated = self.store.get(memory_id)
            assert updated is not None
            self.changes.rewritten(updated)
            self._index_quietly(updated.kind, [updated.id], self.embedder.embed([passage(updated)]))
        return updated

    def forget(self, memory_id: str) -> bool:
        memory = self.store.get(memory_id)
        if memory is None:
            return False
        self.store.delete(memory_id)
        self.changes.remove(memory_id)
        self.index.delete(memory.kind, [memory_id])
        return True

    def forget_all(self) -> int:
        count = self.store.delete_all()
        self.changes.clear()
        self.index.reset()
        return count

    # --- recalling -----------------------------------------------------------------------------

    def recall(
        self,
        query: str,
        k: int = 5,
        *,
        now: float | None = None,
        kinds: Sequence[MemoryKind] = KINDS,
        light: bool = False,
        words_only: bool = False,
    ) -> list[Recalled]:
        """``light``: the machine is under pressure; the fallback model embeds the query.
        ``words_only``: by the words alone (SQLite's full-text index), for the moments before
        the index and the embedder are ready: the store is the source of truth."""
        query = query.strip()
        if not query:
            return []
        now = now if now is not None else self.clock()
        embedder: Embedder | None = self.embedder
        if light and self.fallback is not None and self.migration_complete(self.fallback):
            embedder = self.fallback
        if words_only:
            embedder = None
        return self._recall(query, k, now, kinds, embedder)

    def _recall(
        self,
        query: str,
        k: int,
        now: float,
        kinds: Sequence[MemoryKind],
        embedder: Embedder | None,
        *,
        moment: bool = False,
    ) -> list[Recalled]:
        """What the question names beyond its words is understood first (``memory.query``): a
        day keeps the answers to that day; "right after X" puts what was said next after X
        first, X recalled as it was said (``moment``: not as later corrected). A question the
        assistant asked passes its place on to the user's answer."""
        asked = understand(query, now)
        vector = None if embedder is None else embedder.embed([asked.words], "query")[0]
        candidates = self._candidates(asked.words, vector, embedder, kinds)
        found: dict[str, Memory] = {}
        if asked.day is not None:
            found = leads.that_day(self.store, candidates, asked, vector, embedder)
        found |= self.store.get_many([i for i in candidates.ranks if i not in found])
        leads.introductions(candidates, found, asked.words)  # who they are: "my partner Joel"
        leads.answers(self.store, candidates, found, vector, embedder)
        if not candidates.ranks:
            return []
        results = ranked(candidates, found, kinds, now)
        best = results[: leads.NAMES_AMONG]  # the names they name lead on
        if leads.through_names(self.store, candidates, found, best, asked.words, vector, embedder):
            results = ranked(candidates, found, kinds, now)
        if vector is not None and embedder is not None and not moment:
            results = leads.corrected(self.changes, results[: k + 2], embedder) + results[k + 2 :]
        results = leads.keep_to_the_day(self.store, results, asked)
        if asked.after is not None:
            anchors = self._recall(asked.after, 3, now, kinds, embedder, moment=True)
            results = leads.right_after(self.store, anchors, results, kinds)
        return results[:k]

    def _candidates(
        self,
        words: str,
        vector: np.ndarray | None,
        embedder: Embedder | None,
        kinds: Sequence[MemoryKind],
    ) -> Candidates:
        candidates = Candidates()
        dense: list[tuple[str, float]] = []
        if vector is not None and embedder is not None:
            for kind in kinds:
                dense += self.index.query(kind, vector, 2 * CANDIDATES, embedder.info)
        dense.sort(key=lambda pair: pair[1], reverse=True)
        candidates.dense(distinct(dense)[:CANDIDATES])
        candidates.ranked(self.store.lexical(words, CANDIDATES), by_words=True)
        named = () if embedder is None else self._entities_in(words)  # "what about Masha?"
        candidates.ranked(self.store.by_entities(named, CANDIDATES), by_words=True)
        return candidates


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)
