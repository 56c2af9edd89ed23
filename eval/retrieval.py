"""Retrieval evaluation: ``python -m eval.retrieval --episodes E.jsonl --queries Q.jsonl --json``

Ingests the episodes into a fresh temporary store, embedded by the embedder the home
(``DOMOVOY_HOME``) is configured with, else its fallback, else the packaged MiniLM (``embedder``
names which; ``--embedder ID`` picks another installed one); runs each query through the very
recall the assistant uses (at the time the question is asked), and prints ``recall_at_k`` (mean
fraction of a query's evidence ids in the top k), ``mrr``, ``p95_ms`` and ``n``; with
``--json`` the last line is one JSON object. Episode lines: {"id", "conversation", "speaker",
"text", "time"}; query lines: {"question", "evidence": [ids], "time"} (times in ISO 8601).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core import config as config_mod
from core.config import Config, EmbeddingConfig
from core.errors import DomovoyError
from core.paths import Paths
from core.registry import Registry
from memory.embeddings import CachedEmbedder, configured_embedder, installed_embedder
from memory.service import MemoryService, importance_heuristic
from memory.store import Memory


def _time(value: str) -> float:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _lines(file: Path) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{file}:{number}: not a JSON line ({exc})") from exc
    return out


def embedder_of(paths: Paths, folder: Path, model_id: str | None = None) -> CachedEmbedder:
    """The home's configured embedder (as the app picks it), or the installed ``model_id``."""
    from models.catalogue import CATALOGUE_DIR

    config = config_mod.load(paths.config_file) if paths.config_file.exists() else Config()
    registry = Registry.load(paths, [CATALOGUE_DIR])
    if model_id is None:
        return configured_embedder(registry, config.embeddings, folder)
    dim = {c.id: c.dim for c in (config.embeddings.main, config.embeddings.fallback)}
    choice = EmbeddingConfig(id=model_id, dim=dim.get(model_id, 384))
    found = installed_embedder(registry, choice, folder)
    if found is None:
        raise DomovoyError(
            f"embedder {model_id!r} is not installed as a sentence-transformers model",
            hint="see `domovoy models list`, or leave out --embedder for the configured one",
        )
    return found


def evaluate(
    episodes: Sequence[dict[str, Any]],
    queries: Sequence[dict[str, Any]],
    k: int,
    home: Path,
    embedder: CachedEmbedder,
) -> dict[str, Any]:
    service = MemoryService(home / "memory", embedder)
    service.open(check=False)
    service.ingest(
        [
            Memory(
                id=str(e["id"]),
                text=str(e["text"]),
                speaker=str(e.get("speaker", "")),
                conversation=str(e.get("conversation", "")),
                created_at=_time(str(e["time"])),
                importance=importance_heuristic(str(e["text"]), str(e.get("speaker", ""))),
            )
            for e in episodes
        ]
    )
    recalls, reciprocal, times = [], [], []
    changed_hits = []
    for q in queries:
        evidence = set(map(str, q["evidence"]))
        start = time.perf_counter()
        found = service.recall(str(q["question"]), k, now=_time(str(q["time"])))
        times.append((time.perf_counter() - start) * 1000)
        ids = [r.memory.id for r in found]
        recall = len(evidence & set(ids)) / len(evidence) if evidence else 0.0
        recalls.append(recall)
        rank = next((i for i, memory_id in enumerate(ids, start=1) if memory_id in evidence), None)
        reciprocal.append(1.0 / rank if rank else 0.0)
        if q.get("changed"):
            changed_hits.append(recall)
    service.close()
    times.sort()
    n = len(queries)
    result: dict[str, Any] = {
        "recall_at_k": round(sum(recalls) / n, 4) if n else 0.0,
        "mrr": round(sum(reciprocal) / n, 4) if n else 0.0,
        "p95_ms": round(times[max(0, int(n * 0.95) - 1)], 2) if n else 0.0,
        "n": n,
        "k": k,
        "embedder": embedder.info.model_id,
    }
    if changed_hits:
        result["recall_at_k_changed"] = round(sum(changed_hits) / len(changed_hits), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval")
    parser.add_argument("--episodes", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument(
        "--embedder", metavar="ID", help="an installed embedder, not the configured one"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="domovoy-eval-"))
    try:
        embedder = embedder_of(Paths.from_env(), folder / "cache", args.embedder)
    except DomovoyError as exc:
        print(f"eval.retrieval: {exc}", file=sys.stderr)
        return 2
    result = evaluate(_lines(args.episodes), _lines(args.queries), args.k, folder, embedder)
    for key, value in result.items():
        print(f"{key}: {value}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
