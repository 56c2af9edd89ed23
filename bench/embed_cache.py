"""embed_cache: uncached over cached embedding time for the same texts (real MiniLM, diskcache).

Each text is embedded once into an empty cache (the model works), then again (the cache answers);
the model is loaded and warmed before timing, so the ratio is model compute over cache lookup.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import median, say
from memory.embeddings import (
    PACKAGED,
    CachedEmbedder,
    SentenceTransformerEmbedder,
    packaged_minilm,
)

TEXTS = [
    "Моего кота зовут Барсик, ему три года.",
    "I moved to Moscow last week and I love it.",
    "Бабушка печёт пироги с капустой по воскресеньям.",
    "Remind me that the dentist appointment is on Friday.",
    "Я работаю медсестрой в городской больнице.",
]


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="embed_cache")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    model = SentenceTransformerEmbedder(PACKAGED, packaged_minilm())
    model.embed(["warm up"])
    uncached, cached = [], []
    for r in range(args.repeats):
        embedder = CachedEmbedder(model, Path(tempfile.mkdtemp(prefix="domovoy-embed-")))
        for text in TEXTS:
            t = time.perf_counter()
            embedder.embed([f"{text} ({r})"])
            uncached.append(time.perf_counter() - t)
            t = time.perf_counter()
            embedder.embed([f"{text} ({r})"])
            cached.append(time.perf_counter() - t)
        embedder.close()
    ratio = median(uncached) / median(cached)
    say(
        f"uncached {median(uncached) * 1000:.2f} ms, cached {median(cached) * 1000:.3f} ms: "
        f"ratio {ratio:.0f}"
    )
    return {
        "benchmark": "embed_cache",
        "ratio": round(ratio, 1),
        "uncached_ms": round(median(uncached) * 1000, 3),
        "cached_ms": round(median(cached) * 1000, 4),
    }
