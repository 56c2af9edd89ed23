"""Retrieval evaluation: ``python -m eval.retrieval --episodes E.jsonl --queries Q.jsonl --json``

Ingests the episodes into a fresh temporary store (every turn as it is, as an import stores a
chat history; ``--written``: each turn as the assistant writes what it hears, where a turn said
again word for word is stored once and a close rewording replaces the older words), embedded
by the embedder the home
(``DOMOVOY_HOME``) is configured with, else its fallback, else the packaged MiniLM (``embedder``
names which; ``--embedder ID`` picks another installed one); runs each query through the very
recall the assistant uses (at the time the question is asked), and prints ``recall_at_k`` (mean
fraction of a query's evidence ids in the top k), ``mrr``, ``p95_ms`` and ``n``; with
``--json`` the last line is one JSON object. Episode lines: {"id", "conversation", "speaker",
"text", "time"}; query lines: {"question", "evidence": [ids], "time"} (times in ISO 8601).
Several sets are read together (``--episodes A/episodes.jsonl B/episodes.jsonl --queries ...``)
where their users' names differ.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import config as config_mod
from core.config import Config, EmbeddingConfig
from core.errors import DomovoyError
from core.paths import Paths
from core.registry import Registry
from eval.baselines import Baselines, ndcg_at, recall_at, reciprocal_rank
from memory.embeddings import (
    PACKAGED,
    CachedEmbedder,
    SentenceTransformerEmbedder,
    configured_embedder,
    installed_embedder,
    packaged_minilm,
)
from memory.entities import EntityExtractor
from memory.recall import importance_heuristic, worth_attention
from memory.service import MemoryService
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
    if model_id == PACKAGED.model_id:  # the packaged MiniLM, which has no manifest
        return CachedEmbedder(SentenceTransformerEmbedder(PACKAGED, packaged_minilm()), folder)
    dim = {c.id: c.dim for c in (config.embeddings.main, config.embeddings.fallback)}
    if model_id in registry:  # else the manifest's own dimension
        dim.setdefault(
            model_id, int(registry.get(model_id).manifest.metadata.get("dimension", 384))
        )
    choice = EmbeddingConfig(id=model_id, dim=dim.get(model_id, 384))
    found = installed_embedder(registry, choice, folder)
    if found is None:
        raise DomovoyError(
            f"embedder {model_id!r} is not installed as an embedder",
            hint="see `domovoy models list`, or leave out --embedder for the configured one",
        )
    return found


METHODS = ("domovoy", "hybrid", "dense")  # the assistant's recall, then the two baselines


def _memories(episodes: Sequence[dict[str, Any]]) -> list[Memory]:
    return [
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


def _written(
    service: MemoryService, memories: Sequence[Memory]
) -> tuple[dict[str, str], list[Memory]]:
    """Each turn written as the assistant writes it (``MemoryService.remember``): a turn said
    again word for word is not stored twice, and a close rewording by the same speaker
    replaces the older words. Returns the stored memory each episode went into, and what the
    store holds, which the baselines search too."""
    where = {}
    for m in memories:
        written = service.remember(
            m.text, speaker=m.speaker, conversation=m.conversation, when=m.created_at
        )
        where[m.id] = written.memory.id
    stored = service.store.get_many(list(dict.fromkeys(where.values())))
    return where, list(stored.values())


@dataclass(slots=True)
class Scores:
    """Each method's recall@k, reciprocal rank and nDCG@k, question by question."""

    recall: list[float] = field(default_factory=list)
    reciprocal: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)

    def add(self, ids: Sequence[str], evidence: set[str], k: int) -> None:
        self.recall.append(recall_at(ids, evidence, k))
        self.reciprocal.append(reciprocal_rank(ids, evidence))
        self.ndcg.append(ndcg_at(ids, evidence, k))

    def figures(self) -> dict[str, float]:
        n = len(self.recall) or 1
        return {
            "recall_at_k": round(sum(self.recall) / n, 4),
            "mrr": round(sum(self.reciprocal) / n, 4),
            "ndcg": round(sum(self.ndcg) / n, 4),
        }


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 3) if theirs else None


def evaluate(
    episodes: Sequence[dict[str, Any]],
    queries: Sequence[dict[str, Any]],
    k: int,
    home: Path,
    embedder: CachedEmbedder,
    *,
    written: bool = False,
) -> dict[str, Any]:
    """Each user's episodes (``user``; all one user where unnamed) go into a store of their own
    (as an import stores them, or ``written`` as the assistant writes each turn it hears),
    and each question is asked of its user's, through the assistant's recall and both
    baselines. Questions with no evidence (never said) count apart: ``never_quiet`` is the
    share of them for which recall brought nothing worth the model's attention."""
    by_user: dict[str, list[dict[str, Any]]] = {}
    for e in episodes:
        by_user.setdefault(str(e.get("user", "")), []).append(e)
    scores: dict[tuple[str, str, str], Scores] = {}  # (method, "kind"/"language"/"all", value)
    times: list[float] = []
    quiet: list[bool] = []
    for number, (user, rows) in enumerate(by_user.items()):
        memories = _memories(rows)
        service = MemoryService(  # as the app builds it (app.wiring.open_memory), on a new home
            home / f"memory-{number}", embedder, entities=EntityExtractor(home / "entities")
        )
        service.open(check=False)
        if written:
            where, stored = _written(service, memories)
        else:  # as an import stores a chat history (memory.portable): every turn as it is
            service.ingest(memories)
            where, stored = {}, memories
        baselines = Baselines(stored, embedder)
        for q in (q for q in queries if str(q.get("user", "")) == user):
            evidence = {where.get(str(e), str(e)) for e in q["evidence"]}
            start = time.perf_counter()
            found = service.recall(str(q["question"]), k, now=_time(str(q["time"])))
            times.append((time.perf_counter() - start) * 1000)
            if not evidence:
                quiet.append(not worth_attention(found))
                continue
            ranked = {"domovoy": [r.memory.id for r in found]}
            ranked |= baselines.rankings(str(q["question"]), k)
            groups = [("all", "")]
            groups += [(g, str(q[g])) for g in ("kind", "language") if q.get(g)]
            groups += [("changed", "")] if q.get("changed") else []
            for method, ids in ranked.items():
                for group in groups:
                    scores.setdefault((method, *group), Scores()).add(ids, evidence, k)
        baselines.close()
        service.close()
    times.sort()
    n = len(times)
    ours = scores.get(("domovoy", "all", ""), Scores()).figures()
    result: dict[str, Any] = {
        **ours,
        "p95_ms": round(times[max(0, int(n * 0.95) - 1)], 2) if n else 0.0,
        "n": n,
        "k": k,
        "embedder": embedder.info.model_id,
        "stored": "as written in conversation" if written else "every turn, as imported",
    }
    for method in METHODS[1:]:
        theirs = scores.get((method, "all", ""), Scores()).figures()
        result[method] = theirs
        result[f"over_{method}"] = _ratio(ours["recall_at_k"], theirs["recall_at_k"])
    for facet in ("kind", "language"):
        values = sorted({key[2] for key in scores if key[1] == facet})
        result[f"by_{facet}"] = {
            v: {m: scores[(m, facet, v)].figures() for m in METHODS if (m, facet, v) in scores}
            for v in values
        }
    for figures in result["by_language"].values():
        for method in METHODS[1:]:
            figures[f"over_{method}"] = _ratio(
                figures["domovoy"]["recall_at_k"], figures[method]["recall_at_k"]
            )
            # the most any recall could reach over it: recall@k 1.0 (a goal above is out of reach)
            figures[f"most_over_{method}"] = _ratio(1.0, figures[method]["recall_at_k"])
    if ("domovoy", "changed", "") in scores:
        result["recall_at_k_changed"] = scores[("domovoy", "changed", "")].figures()["recall_at_k"]
    if quiet:
        result["never_quiet"] = round(sum(quiet) / len(quiet), 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval")
    parser.add_argument("--episodes", type=Path, nargs="+", required=True)
    parser.add_argument("--queries", type=Path, nargs="+", required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument(
        "--embedder", metavar="ID", help="an installed embedder, not the configured one"
    )
    parser.add_argument(
        "--written",
        action="store_true",
        help="each turn written as the assistant writes it in conversation (a turn said again "
        "word for word is stored once), not every turn as an import stores a chat history",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="domovoy-eval-"))
    try:
        embedder = embedder_of(Paths.from_env(), folder / "cache", args.embedder)
    except DomovoyError as exc:
        print(f"eval.retrieval: {exc}", file=sys.stderr)
        return 2
    episodes = [e for file in args.episodes for e in _lines(file)]
    queries = [q for file in args.queries for q in _lines(file)]
    result = evaluate(episodes, queries, args.k, folder, embedder, written=args.written)
    for key, value in result.items():
        if not isinstance(value, dict):
            print(f"{key}: {value}")
    for group in ("by_language", "by_kind"):
        for value, figures in result.get(group, {}).items():
            line = "  ".join(
                f"{m} {f['recall_at_k']:.3f}" for m, f in figures.items() if m in METHODS
            )
            ratios = "".join(
                f"  over {m} {figures[f'over_{m}']} (at most {figures[f'most_over_{m}']})"
                for m in METHODS[1:]
                if f"over_{m}" in figures
            )
            print(f"{group[3:]} {value}: recall@{args.k} {line}{ratios}")
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
