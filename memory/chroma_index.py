"""Chroma as a vector index that can always be rebuilt from the SQLite store and the vector cache.

Chroma's embedded client is not process-safe, and a kill during a flush can leave a segment whose
loading crashes the process (a segfault, not an exception). So: exactly one process owns the
folder (an exclusive lock file); at start a health check opens it in a subprocess; if that fails,
the folder is set aside and the index is rebuilt. Telemetry is off, Chroma's default embedding
function (which downloads a model) is never used, there is one collection per memory kind and
embedding model, and ef_search is raised for recall.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from core.errors import MemoryLockedError
from memory.embeddings import EmbedderInfo, Vectors

log = logging.getLogger(__name__)
EF_SEARCH = 300

HEALTH_CHECK = """
import sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
for collection in client.list_collections():
    collection.count()
    collection.peek(1)
"""


def collection_name(kind: str, info: EmbedderInfo) -> str:
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", info.model_id).strip("-._")[:40] or "model"
    return f"{kind}-{slug}-{info.dimension}"


def healthy(folder: Path, timeout_s: float = 120.0) -> tuple[bool, str]:
    """Open the index in a child process: a crash there costs nothing here."""
    if not folder.exists():
        return True, "no index yet"
    try:
        result = subprocess.run(
            [sys.executable, "-c", HEALTH_CHECK, str(folder)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    except subprocess.TimeoutExpired:
        return False, f"opening the index took over {timeout_s:g} s"
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[-1]
        return False, tail
    return True, "ok"


class ChromaIndex:
    def __init__(self, folder: Path, info: EmbedderInfo) -> None:
        self.folder = folder
        self.info = info
        self._lock_file: IO[str] | None = None
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._counts: dict[str, int] = {}  # each collection's size, until the next write to it
        self._resets = 0  # how many times everything was forgotten (a read may run into one)
        self._resetting = threading.Lock()  # no collection is taken while everything is forgotten
        self.rebuilt_because = ""  # why the index had to be rebuilt at open, if it did

    # --- opening -------------------------------------------------------------------------------

    def open(self, *, check: bool = True) -> bool:
        """Lock, check and open; returns False when the index was damaged and set aside (the
        caller rebuilds it from the store)."""
        self._take_lock()
        fine = True
        if check:
            fine, why = healthy(self.folder)
            if not fine:
                broken = self.folder.with_name(f"{self.folder.name}.broken-{int(time.time())}")
                log.warning("the memory index is damaged (%s); set aside as %s", why, broken)
                self.folder.rename(broken)
                self.rebuilt_because = why
        import chromadb
        from chromadb.config import Settings

        self.folder.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(self.folder), settings=Settings(anonymized_telemetry=False, allow_reset=True)
        )
        return fine

    def close(self) -> None:
        self._collections.clear()
        self._counts.clear()
        client, self._client = self._client, None
        release = getattr(client, "close", None)  # frees Chroma's per-path system in this process
        if release is not None:
            release()
        if self._lock_file is not None:
            import fcntl

            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def _take_lock(self) -> None:
        import fcntl

        self.folder.parent.mkdir(parents=True, exist_ok=True)
        lock = (self.folder.parent / f"{self.folder.name}.lock").open("a+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            owner = lock.read().strip() or "another process"
            lock.close()
            raise MemoryLockedError(
                f"the memory folder {self.folder} is in use by {owner}",
                hint="only one domovoy can use a memory folder: close the other one",
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}")
        lock.flush()
        self._lock_file = lock

    # --- collections ---------------------------------------------------------------------------

    def collection(self, kind: str, info: EmbedderInfo | None = None) -> Any:
        """The collection of ``kind`` for an embedding model (the active one by default)."""
        info = info or self.info
        name = collection_name(kind, info)
        if name not in self._collections:
            with self._resetting:
                self._collections[name] = self._client.get_or_create_collection(
                    name,
                    embedding_function=None,  # never Chroma's default: it downloads a model
                    configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                    metadata={"model": info.model_id, "revision": info.revision},
                )
        return self._collections[name]

    def upsert(
        self, kind: str, ids: Sequence[str], vectors: Vectors, info: EmbedderInfo | None = None
    ) -> None:
        if len(ids):
            collection = self.collection(kind, info)
            self._counts.pop(collection.name, None)
            collection.upsert(ids=list(ids), embeddings=np.asarray(vectors))

    def delete(self, kind: str, ids: Sequence[str]) -> None:
        """From every model's collection of ``kind``: a forgotten memory is gone everywhere."""
        if ids:
            self._counts.clear()
            for collection in self._client.list_collections():
                if collection.name.startswith(f"{kind}-"):
                    self._client.get_collection(collection.name).delete(ids=list(ids))

    def collection_names(self) -> list[str]:
        return sorted(c.name for c in self._client.list_collections())

    def drop_model(self, info: EmbedderInfo) -> int:
        """Remove a model's collections (the user no longer wants the old index)."""
        dropped = 0
        for collection in self._client.list_collections():
            if collection.name.endswith(collection_name("", info)):
                self._client.delete_collection(collection.name)
                self._collections.pop(collection.name, None)
                self._counts.pop(collection.name, None)
                dropped += 1
        return dropped

    def reset(self) -> None:
        with self._resetting:  # counted before and after: a read that fails on the vanishing
            self._resets += 1  # tables, or on a collection it took before they were gone,
            self._client.reset()  # sees the change
            self._collections.clear()
            self._counts.clear()
            self._resets += 1

    def _read(self, read: Callable[[], Any], nothing: Any) -> Any:
        """``read()``, or ``nothing`` where it failed because everything was forgotten meanwhile
        (Chroma's tables vanished under it, or it held a collection taken before they did)."""
        resets = self._resets
        try:
            return read()
        except Exception:
            if resets != self._resets:
                return nothing
            raise

    def count(self, kind: str, info: EmbedderInfo | None = None) -> int:
        """How many vectors the collection holds (asked of Chroma once between writes: over
        100,000 memories the asking takes milliseconds, each recall asks for every kind)."""
        collection = self.collection(kind, info)
        if collection.name not in self._counts:
            self._counts[collection.name] = int(collection.count())
        return self._counts[collection.name]

    def query(
        self, kind: str, vector: Vectors, k: int, info: EmbedderInfo | None = None
    ) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``k`` nearest memories of ``kind``."""
        nothing: dict[str, list[list[Any]]] = {"ids": [[]], "distances": [[]]}

        def search() -> Any:
            n = min(k, self.count(kind, info))
            if n == 0:
                return nothing
            return self.collection(kind, info).query(
                query_embeddings=np.asarray(vector).reshape(1, -1),
                n_results=n,
                include=["distances"],
            )

        result = self._read(search, nothing)
        return [
            (i, 1.0 - float(d))
            for i, d in zip(result["ids"][0], result["distances"][0], strict=True)
        ]


__all__ = ["ChromaIndex", "MemoryLockedError", "collection_name", "healthy"]
