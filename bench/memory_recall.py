"""memory_recall: p95 of recall over N memories, query embeddings cached. Goal ≤ 20 ms.

The real parts: MiniLM (packaged), Chroma and SQLite on a temporary folder. The memories are
generated sentences in Russian and English spread over a year; the queries are asked once to warm
the embedding cache, then timed through the very recall the assistant uses.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.common import say
from memory.embeddings import (
    PACKAGED,
    CachedEmbedder,
    SentenceTransformerEmbedder,
    packaged_minilm,
)
from memory.service import MemoryService
from memory.store import Memory

GOAL_MS = 20.0
PEOPLE = ["Маша", "Петя", "Anna", "John", "бабушка", "my boss", "сосед", "Olga", "Dima", "Kate"]
PLACES = ["Казань", "Moscow", "the office", "дача", "the gym", "Сочи", "the park", "library"]
THINGS = ["чай", "coffee", "борщ", "a new phone", "книгу", "the piano", "велосипед", "a cat"]
VERBS = ["talked about", "bought", "любит", "visited", "забыл", "asked about", "fixed", "hates"]


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} {rng.choice(THINGS)} "
        f"{rng.choice(['in', 'в', 'near', 'у'])} {rng.choice(PLACES)} "
        f"({rng.randint(1, 28)}.{rng.randint(1, 12)})"
    )


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="memory_recall")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args(argv)

    rng = random.Random(0)
    folder = Path(tempfile.mkdtemp(prefix="domovoy-recall-"))
    embedder = CachedEmbedder(
        SentenceTransformerEmbedder(PACKAGED, packaged_minilm()), folder / "cache"
    )
    service = MemoryService(folder / "mem", embedder)
    service.open(check=False)
    now = time.time()
    start = time.perf_counter()
    batch = 256
    for first in range(0, args.n, batch):
        memories = [
            Memory(
                text=sentence(rng),
                speaker=rng.choice(["user", "assistant"]),
                created_at=now - rng.uniform(0, 365 * 86400),
                importance=rng.randint(1, 10),
            )
            for _ in range(min(batch, args.n - first))
        ]
        service.ingest(memories)
    say(f"ingested {args.n} memories in {time.perf_counter() - start:.1f} s")

    queries = [
        f"what did {rng.choice(PEOPLE)} say about {rng.choice(THINGS)}?"
        for _ in range(args.queries)
    ]
    for q in queries:
        service.recall(q, args.k, now=now)  # warms the query-embedding cache
    times = []
    for q in queries:
        t = time.perf_counter()
        found = service.recall(q, args.k, now=now)
        times.append((time.perf_counter() - t) * 1000)
        assert found, q
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[int(len(times) * 0.95) - 1]
    service.close()
    say(f"recall over {args.n}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal ≤ {GOAL_MS})")
    return {
        "benchmark": "memory_recall",
        "n": args.n,
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "goal_ms": GOAL_MS,
        "met": p95 <= GOAL_MS,
    }
