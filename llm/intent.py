"""Which tool a message asks for, before any LLM is asked (design seed §5).

A spaCy text classifier (a bag of word n-grams on a blank multilingual pipeline) trained on the
project's own Russian and English examples (``llm/data/intents.yaml``) at the first start, in the
background, in a few seconds, and cached on disk keyed by the examples' hash (``make`` trains
it at install time, beside the examples: ``python -m llm.intent``); until it is ready,
``quick_guess`` tells the clear cases (an arithmetic expression, the usual clock questions).
Words are lowercased and cut to their first five letters, a cheap stemmer that lets "умножить"
and "умножь" meet.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
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
    """Lowercased words cut to their first letters; every number is one word, "0", so that
    "17 * 23" looks like the examples' "2+2" whatever the digits."""
    words = "".join(c.lower() if c.isalnum() else f" {c} " for c in text).split()
    return " ".join("0" if w.isdigit() else w[:STEM] for w in words)


ARITHMETIC = re.compile(
    r"\d\s*(?:[-+*/×÷^]|\*\*|плюс|минус|умнож\w*(?:\s+на)?|раздел\w*(?:\s+на)?|в степени|"
    r"plus|minus|times|multiplied by|divided by|to the power of)\s*\(?\s*\d",
    re.IGNORECASE,
)
CLOCK = re.compile(
    r"\b(?:который час|сколько (?:сейчас )?времени|what time is it|what's the time|"
    r"какое сегодня число|какой сегодня день|what day is it|what is today's date|"
    r"what's the date)",
    re.IGNORECASE,
)


def quick_guess(text: str) -> Intent:
    """The clear cases without the classifier, for the moments before it is ready: an
    arithmetic expression is a calculation, the usual clock questions ask for the time."""
    if ARITHMETIC.search(text):
        return Intent("calculate", 0.9)
    if CLOCK.search(text):
        return Intent("time", 0.9)
    return Intent("chat", 0.5)


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

    def digest(self) -> str:
        """The examples' hash: a trained classifier is kept under it."""
        return hashlib.sha256(self.examples.read_bytes()).hexdigest()[:16]

    def build(self) -> Path:
        """Train now and keep it beside the examples (``make`` does this at install time)."""
        folder = self.examples.parent / f"intent-{self.digest()}"
        if not (folder / "meta.json").exists():
            self._train().to_disk(folder)
        return folder

    @property
    def ready(self) -> bool:
        """Loaded (or trained) and answering at once."""
        return self._nlp is not None

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

        digest = self.digest()
        folder = self.cache_dir / f"intent-{digest}"
        for built in (self.examples.parent / f"intent-{digest}", folder):  # at install, or here
            if (built / "meta.json").exists():
                try:
                    self.trained_now = False
                    return spacy.load(built)
                except (OSError, ValueError):
                    pass  # a damaged one is retrained below
        nlp = self._train()
        folder.parent.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(folder)
        self.trained_now = True
        return nlp

    def _train(self) -> Any:
        import spacy
        from spacy.training import Example
        from thinc.api import fix_random_seed

        logging.getLogger("spacy").setLevel(logging.WARNING)  # its INFO lines are not ours
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


if __name__ == "__main__":  # python -m llm.intent: the install-time build
    import tempfile

    print(IntentClassifier(Path(tempfile.gettempdir())).build())
