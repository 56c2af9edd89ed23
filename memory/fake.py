"""A deterministic embedder for orchestration tests and bug reports: no model, stable vectors.

Each word adds a fixed pseudo-random direction, so texts sharing words are similar. It is no
substitute for a real model's sense of meaning: tests of recall quality use MiniLM.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from memory.embeddings import EmbedderInfo, Kind, Vectors


class HashEmbedder:
    def __init__(self, dimension: int = 64, model_id: str = "hash-embedder") -> None:
        self.info = EmbedderInfo(model_id, "1", dimension)
        self.calls = 0

    def embed(self, texts: Sequence[str], kind: Kind = "passage") -> Vectors:
        self.calls += 1
        out = np.zeros((len(texts), self.info.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
                out[i] += np.random.default_rng(seed).standard_normal(self.info.dimension)
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out
