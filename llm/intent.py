"""Which tool a message asks for, before any LLM is asked (design seed §5).

A spaCy text classifier (a bag of word n-grams on a blank multilingual pipeline) trained on the
project's own Russian and English examples (``llm/data/intents.yaml``) on first use, in about a
second, and cached on disk keyed by the examples' hash. Words are lowercased and cut to their
first five letters, a cheap stemmer that lets "умножить" and "умножь" meet.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).with_name("data") / "intents.yaml"
STEM = 5
EPOCHS = 120


@dataclass(frozen=True, slots=True)
class Intent:
    label: str  # a tool's name, or "chat"
    confidence: float


def normalize(text: str) -> str:
    words = "".join(c.lower() if c.isalnum() else f" {c} " for c in text).split()
    return " ".join(w[:STEM] for w in words)


class IntentClassifier:
    def __init__(self, cache_dir: Path, examples: Path = EXAMPLES) -> None:
        self.cache_dir = cache_dir
        self.examples = examples
        self._nlp: Any = None
        self._lock = threading.Lock()
        self.trained_now = False  # whether the last load trained rather than read the cache

    @property
    def labels(self) -> list[str]:
        return list(self._data())

    def predict(self, text: str) -> Intent:
        nlp = self._model()
        cats: dict[str, float] = nlp(normalize(text)).cats
        label = max(cats, key=lambda k: cats[k])
        return Intent(label, float(cats[label]))

    def _data(self) -> dict[str, list[str]]:
        data = yaml.safe_load(self.examples.read_text(encoding="utf-8"))
        return {str(k): [str(x) for x in v] for k, v in data.items()}

    def _model(self) -> Any:
        with self._lock:
            if self._nlp is None:
                self._nlp = self._load_or_train()
            return self._nlp

    def _load_or_train(self) -> Any:
        import spacy

        digest = hashlib.sha256(self.examples.read_bytes()).hexdigest()[:16]
        folder = self.cache_dir / f"intent-{digest}"
        if (folder / "meta.json").exists():
            try:
                self.trained_now = False
                return spacy.load(folder)
            except (OSError, ValueError):
                pass  # a damaged cache is retrained below
        nlp = self._train()
        folder.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(folder)
        self.trained_now = True
        return nlp

    def _train(self) -> Any:
        import spacy
        from spacy.training import Example
        from thinc.api import fix_random_seed

        data = self._data()
        labels = list(data)
        nlp = spacy.blank("xx")
        textcat: Any = nlp.add_pipe(
            "textcat",
            config={
                "model": {
                    "@architectures": "spacy.TextCatBOW.v3",
                    "exclusive_classes": True,
                    "ngram_size": 2,
                    "no_output_layer": False,
                }
            },
        )
        for label in labels:
            textcat.add_label(label)
        examples = [
            Example.from_dict(
                nlp.make_doc(normalize(text)), {"cats": {k: float(k == label) for k in labels}}
            )
            for label, texts in data.items()
            for text in texts
        ]
        rng = random.Random(0)
        fix_random_seed(0)
        nlp.initialize(lambda: examples)
        for _ in range(EPOCHS):
            rng.shuffle(examples)
            nlp.update(examples, drop=0.0)
        return nlp
