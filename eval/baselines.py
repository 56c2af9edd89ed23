"""The retrieval baselines ``eval.retrieval`` measures the assistant's recall against, in the same
run with the same embedder (issue #18):

- ``dense``: plain dense retrieval over the bare text of each turn, by cosine;
- ``hybrid``: dense retrieval over "speaker (date): text" fused by reciprocal rank (k = 60) with
  BM25 over the same strings (SQLite FTS5, the query's words OR-ed, as the store reads them):
  a quick competent hybrid, what one builds in an afternoon.

And the ranking scores, each over one question's ranked ids and its evidence ids.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Sequence

import numpy as np

from memory.embeddings import Embedder
from memory.fts import fts_query
from memory.store import Memory

FUSION_K = 60  # the usual reciprocal-rank constant
POOL = 50  # candidates from each of the dense and BM25 lists


def recall_at(ids: Sequence[str], evidence: set[str], k: int) -> float:
    """The fraction of the evidence in the first ``k``."""
    return len(evidence & set(ids[:k])) / len(evidence) if evidence else 0.0


def reciprocal_rank(ids: Sequence[str], evidence: set[str]) -> float:
    """1 / the rank of the first piece of evidence (0 if none was found)."""
    rank = next((i for i, memory_id in enumerate(ids, start=1) if memory_id in evidence), None)
    return 1.0 / rank if rank else 0.0


def ndcg_at(ids: Sequence[str], evidence: set[str], k: int) -> float:
    """Normalised discounted cumulative gain over the first ``k`` (each piece of evidence: 1)."""
    if not evidence:
        return 0.0
    gain = sum(1 / math.log2(rank + 1) for rank, i in enumerate(ids[:k], 1) if i in evidence)
    best = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(evidence), k) + 1))
    return gain / best


def stamped(memory: Memory) -> str:
    """The hybrid baseline's text: who said it, the day, the words (fixed here, so that a change
    to what the assistant embeds never moves the baseline)."""
    day = time.strftime("%Y-%m-%d", time.gmtime(memory.created_at))
    return f"{memory.speaker or 'someone'} ({day}): {memory.text}"


class Baselines:
    """Both baselines over one user's memories."""

    def __init__(self, memories: Sequence[Memory], embedder: Embedder) -> None:
        self.ids = [m.id for m in memories]
        self.embedder = embedder
        self.bare = embedder.embed([m.text for m in memories], "passage")
        self.with_stamp = embedder.embed([stamped(m) for m in memories], "passage")
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61')")
        self.db.executemany(
            "INSERT INTO t(rowid, text) VALUES (?, ?)",
            [(row, stamped(m)) for row, m in enumerate(memories)],
        )

    def _dense(self, vectors: np.ndarray, query: np.ndarray, n: int) -> list[int]:
        scores = vectors @ query
        top = np.argpartition(-scores, min(n, len(scores) - 1))[:n]
        return sorted(top.tolist(), key=lambda row: -float(scores[row]))

    def rankings(self, question: str, k: int) -> dict[str, list[str]]:
        query = self.embedder.embed([question], "query")[0]
        dense = [self.ids[row] for row in self._dense(self.bare, query, k)]
        fused: dict[int, float] = {}
        lexical: list[int] = []
        words = fts_query(question)
        if words:
            lexical = [
                int(r[0])
                for r in self.db.execute(
                    "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT ?", (words, POOL)
                )
            ]
        for ranking in (self._dense(self.with_stamp, query, POOL), lexical):
            for rank, row in enumerate(ranking, start=1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (FUSION_K + rank)
        hybrid = sorted(fused, key=lambda row: -fused[row])[:k]
        return {"dense": dense, "hybrid": [self.ids[row] for row in hybrid]}

    def close(self) -> None:
        self.db.close()
