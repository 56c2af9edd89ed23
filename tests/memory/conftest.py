from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from memory.embeddings import CachedEmbedder, SentenceTransformerEmbedder
from memory.service import MemoryService


@pytest.fixture
def memory_at(
    tmp_path: Path, minilm: SentenceTransformerEmbedder
) -> Iterator[Callable[[float], MemoryService]]:
    """A memory service on the real parts (MiniLM, Chroma, SQLite) whose clock stands at NOW."""
    opened: list[MemoryService] = []

    def open_at(now: float) -> MemoryService:
        service = MemoryService(
            tmp_path / "mem", CachedEmbedder(minilm, tmp_path / "cache"), clock=lambda: now
        )
        service.open()
        opened.append(service)
        return service

    yield open_at
    for service in opened:
        service.close()
