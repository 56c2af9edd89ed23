"""How domovoy feels (design seed §5): reading emotion in text, and an emotional state that
colours its words and its voice.

A classifier chain reads each turn: the transformer emotion model when it is installed, otherwise
a Russian and English lexicon giving valence, arousal and basic emotions, with the lightweight
model as a few-shot judge when the lexicon is unsure. The EmotionalState moves with the user's
turns (and, less, with its own), decays toward a baseline with time, is persisted atomically,
published as EmotionChanged, rendered into the prompt, and mapped to speech prosody.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from core.events import EmotionChanged, EventBus
from core.fs import atomic_write_text
from core.local_only import keep_libraries_local

LEXICON = Path(__file__).with_name("data") / "emotion_lexicon.yaml"
EMOTIONS = ("joy", "sadness", "anger", "fear", "surprise", "disgust")
NEGATIONS = {"не", "нет", "ни", "not", "no", "never", "don't", "isn't", "wasn't"}


@dataclass(frozen=True, slots=True)
class Reading:
    valence: float  # -1 (unpleasant) .. 1 (pleasant)
    arousal: float  # 0 (calm) .. 1 (excited)
    emotions: dict[str, float]  # basic emotions, 0..1
    confidence: float  # 0: no cue at all
    source: str = "lexicon"


NEUTRAL = Reading(0.0, 0.3, {}, 0.0, "none")


class Lexicon:
    def __init__(self, file: Path = LEXICON) -> None:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        self.entries: list[tuple[str, str, float, float]] = []
        for emotion, spec in data.items():
            for stem in spec["words"]:
                self.entries.append((str(stem).lower(), emotion, spec["valence"], spec["arousal"]))
        self.entries.sort(key=lambda e: -len(e[0]))

    def read(self, text: str) -> Reading:
        words = re.findall(r"[\w']+", text.lower())
        hits: list[tuple[str | None, float, float]] = []
        for i, word in enumerate(words):
            for stem, emotion, valence, arousal in self.entries:
                if word.startswith(stem) and (len(stem) >= 3 or word == stem):
                    if i > 0 and words[i - 1] in NEGATIONS:  # "not happy": sad; "not afraid": ok
                        hits.append(("sadness" if valence > 0 else None, -0.5 * valence, arousal))
                    else:
                        hits.append((emotion, valence, arousal))
                    break
        exclaim = min(text.count("!"), 3) * 0.05
        if not hits:
            return Reading(0.0, 0.3 + exclaim, {}, 0.0)
        emotions: dict[str, float] = {}
        for label, _, _ in hits:
            if label is not None:
                emotions[label] = emotions.get(label, 0.0) + 1.0
        top = max(emotions.values(), default=1.0)
        emotions = {k: v / top for k, v in emotions.items()}
        valence = sum(v for _, v, _ in hits) / len(hits)
        arousal = min(1.0, sum(a for _, _, a in hits) / len(hits) + exclaim)
        confidence = min(1.0, 0.4 + 0.2 * len(hits))
        return Reading(max(-1.0, min(1.0, valence)), arousal, emotions, confidence)


Judge = Callable[[str], Reading | None]


class EmotionClassifier:
    """The chain: a model when installed, the lexicon, the lightweight model when unsure."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        model: Judge | None = None,
        judge: Judge | None = None,
        unsure_below: float = 0.4,
    ) -> None:
        self.lexicon = lexicon or Lexicon()
        self.model = model
        self.judge = judge
        self.unsure_below = unsure_below

    def read(self, text: str) -> Reading:
        """The whole chain, the lightweight model included when the quick readers are unsure
        (background work: it waits for the model)."""
        reading = self.quick_read(text)
        judged = self.judged(text, reading)
        return judged if judged is not None else reading

    def quick_read(self, text: str) -> Reading:
        """The classifier, else the lexicon: milliseconds, no language model (a turn's prompt
        is built after it)."""
        if self.model is not None:
            modelled = self.model(text)
            if modelled is not None and modelled.confidence >= self.unsure_below:
                return modelled
            lexical = self.lexicon.read(text)  # the model is unsure: clear words decide
            if modelled is not None and lexical.confidence <= modelled.confidence:
                return modelled
            return lexical
        return self.lexicon.read(text)

    def judged(self, text: str, reading: Reading) -> Reading | None:
        """The lightweight model's reading, where the lexicon was unsure (one weak cue, or cues
        that pull different ways; no cue at all is plain neutral); None where it was sure, or
        a classifier read it, or the model could not say."""
        if self.model is not None or self.judge is None:
            return None
        unsure = 0 < reading.confidence < self.unsure_below or len(reading.emotions) >= 2
        return self.judge(text) if unsure else None


@dataclass(frozen=True, slots=True)
class Prosody:
    """How the voice follows the mood (piper: length_scale, noise_scale; volume; pauses)."""

    length_scale: float  # > 1 slower
    noise_scale: float  # more variation when aroused
    volume: float
    sentence_pause_s: float


HISTORY = 500  # points of mood history kept (the memory page plots them)


@dataclass(frozen=True, slots=True)
class MoodPoint:
    at: float
    valence: float
    arousal: float
    main: str


@dataclass(slots=True)
class MoodSnapshot:
    valence: float = 0.1
    arousal: float = 0.3
    emotions: dict[str, float] = field(default_factory=dict)
    updated_at: float = 0.0


class EmotionalState:
    def __init__(
        self,
        file: Path,
        bus: EventBus | None = None,
        *,
        baseline: MoodSnapshot | None = None,
        half_life_s: float = 1800.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.file = file
        self.bus = bus
        self.baseline = baseline or MoodSnapshot()
        self.half_life_s = half_life_s
        self.clock = clock
        self._lock = threading.Lock()
        self.history: list[MoodPoint] = []
        self.mood = self._restore()

    def _restore(self) -> MoodSnapshot:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            self.history = _points(data.get("history", []))
            return MoodSnapshot(
                valence=float(data["valence"]),
                arousal=float(data["arousal"]),
                emotions={str(k): float(v) for k, v in data.get("emotions", {}).items()},
                updated_at=float(data.get("updated_at", 0.0)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return MoodSnapshot(
                self.baseline.valence, self.baseline.arousal, {}, self.clock()
            )  # nothing saved yet, or unreadable: start from the baseline

    def save(self) -> None:
        with self._lock:
            data = {**asdict(self.mood), "history": [asdict(p) for p in self.history]}
            atomic_write_text(self.file, json.dumps(data, ensure_ascii=False))

    def recent(self, limit: int = HISTORY) -> list[MoodPoint]:
        """The mood after each change, oldest first."""
        with self._lock:
            return self.history[-limit:]

    def current(self) -> MoodSnapshot:
        """The mood now: decayed toward the baseline since the last change."""
        with self._lock:
            return self._decayed(self.clock())

    def _decayed(self, now: float) -> MoodSnapshot:
        m = self.mood
        keep = math.exp(-math.log(2) * max(0.0, now - m.updated_at) / self.half_life_s)
        b = self.baseline
        return MoodSnapshot(
            valence=b.valence + (m.valence - b.valence) * keep,
            arousal=b.arousal + (m.arousal - b.arousal) * keep,
            emotions={k: v * keep for k, v in m.emotions.items() if v * keep > 0.05},
            updated_at=now,
        )

    def reset(self) -> None:
        """Back to the resting mood, its history forgotten (an evaluation's fresh start)."""
        with self._lock:
            self.mood = dataclasses.replace(self.baseline, emotions={}, updated_at=self.clock())
            self.history = []
        self.save()

    def observe(self, reading: Reading, *, weight: float = 0.35) -> MoodSnapshot:
        """Move toward what was read; ``weight`` is how much one turn counts (its own: less)."""
        if reading.confidence <= 0:
            return self.current()
        w = weight * reading.confidence
        with self._lock:
            before = self._decayed(self.clock())
            emotions = {k: v * (1 - w) for k, v in before.emotions.items()}
            for k, v in reading.emotions.items():
                emotions[k] = emotions.get(k, 0.0) + v * w
            after = MoodSnapshot(
                valence=before.valence + (reading.valence - before.valence) * w,
                arousal=before.arousal + (reading.arousal - before.arousal) * w,
                emotions={k: min(1.0, v) for k, v in emotions.items() if v > 0.05},
                updated_at=self.clock(),
            )
            self.mood = after
            point = MoodPoint(after.updated_at, after.valence, after.arousal, main_emotion(after))
            self.history = [*self.history[-(HISTORY - 1) :], point]
        self.save()
        if self.bus is not None:
            self.bus.publish(
                EmotionChanged(
                    valence=after.valence,
                    arousal=after.arousal,
                    main=main_emotion(after),
                    text=describe(after),
                )
            )
        return after

    def prosody(self) -> Prosody:
        return prosody(self.current())

    def render(self) -> str:
        return describe(self.current())

    def felt(self) -> str:
        """For the prompt: the mood when it is more than the resting one, else "" (a neutral
        line only distracts a small model, and there is nothing to colour the words with)."""
        mood = self.current()
        resting = (
            abs(mood.valence - self.baseline.valence) < 0.15
            and abs(mood.arousal - self.baseline.arousal) < 0.15
            and not mood.emotions
        )
        return "" if resting else describe(mood)


def _points(raw: object) -> list[MoodPoint]:
    """The saved history; a damaged point is skipped, never the mood."""
    points = []
    for item in raw if isinstance(raw, list) else []:
        try:
            points.append(
                MoodPoint(
                    float(item["at"]),
                    float(item["valence"]),
                    float(item["arousal"]),
                    str(item["main"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return points[-HISTORY:]


def main_emotion(mood: MoodSnapshot) -> str:
    if not mood.emotions:
        return "calm" if mood.arousal < 0.5 else "alert"
    return max(mood.emotions, key=lambda k: mood.emotions[k])


def describe(mood: MoodSnapshot) -> str:
    """For the prompt: a few words and the numbers."""
    tone = (
        "warm and content" if mood.valence > 0.35
        else "a little low" if mood.valence < -0.35
        else "even"
    )  # fmt: skip
    energy = "lively" if mood.arousal > 0.6 else "calm" if mood.arousal < 0.35 else "attentive"
    feeling = main_emotion(mood)
    return f"{tone}, {energy} ({feeling}; valence {mood.valence:+.2f}, arousal {mood.arousal:.2f})"


def prosody(mood: MoodSnapshot) -> Prosody:
    """Sad and calm: slower, softer, longer pauses; excited: quicker, livelier, louder."""
    return Prosody(
        length_scale=round(1.0 + 0.25 * (0.4 - mood.arousal) - 0.05 * mood.valence, 3),
        noise_scale=round(0.5 + 0.35 * mood.arousal, 3),
        volume=round(min(1.0, 0.75 + 0.2 * mood.arousal + 0.05 * mood.valence), 3),
        sentence_pause_s=round(0.25 + 0.35 * (1 - mood.arousal), 3),
    )


# Where each basic emotion sits (valence, arousal): for classifiers that only name the emotion.
PLACES = {
    "joy": (0.8, 0.6),
    "sadness": (-0.7, 0.25),
    "anger": (-0.7, 0.85),
    "fear": (-0.6, 0.8),
    "surprise": (0.2, 0.8),
    "disgust": (-0.6, 0.5),
    "neutral": (0.0, 0.3),
}


class TransformerEmotion:
    """An installed emotion classifier (transformers), e.g. a DistilRoBERTa emotion model."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pipe: object = None
        self._lock = threading.Lock()

    def __call__(self, text: str) -> Reading | None:
        with self._lock:
            if self._pipe is None:
                keep_libraries_local()  # before transformers reads it, at its import
                from transformers import pipeline

                self._pipe = pipeline(
                    "text-classification", model=str(self.path), top_k=None, device="cpu"
                )
        scores = self._pipe(text[:2000])  # type: ignore[operator]
        if scores and isinstance(scores[0], list):
            scores = scores[0]
        probabilities = {str(s["label"]).lower(): float(s["score"]) for s in scores}
        known = {k: v for k, v in probabilities.items() if k in PLACES}
        if not known:
            return None  # labels this chain does not know: the lexicon reads instead
        valence = sum(PLACES[k][0] * v for k, v in known.items()) / sum(known.values())
        arousal = sum(PLACES[k][1] * v for k, v in known.items()) / sum(known.values())
        emotions = {k: v for k, v in known.items() if k != "neutral" and v >= 0.2}
        return Reading(valence, arousal, emotions, max(known.values()), "model")
