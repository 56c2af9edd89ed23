from pathlib import Path

import pytest

from core.events import EmotionChanged, Event, EventBus
from memory.emotion import (
    EmotionalState,
    EmotionClassifier,
    Lexicon,
    MoodSnapshot,
    Reading,
    describe,
    prosody,
)


@pytest.mark.parametrize(
    ("text", "emotion", "sign"),
    [
        ("Я так рад, спасибо тебе!", "joy", 1),
        ("Мне сегодня грустно и одиноко", "sadness", -1),
        ("Меня бесит этот сосед", "anger", -1),
        ("I'm scared of the exam", "fear", -1),
        ("Wow, that was unexpected!", "surprise", 1),
        ("I am not happy about it", "sadness", -1),
    ],
)
def test_the_lexicon_reads_russian_and_english(text: str, emotion: str, sign: int) -> None:
    reading = Lexicon().read(text)
    assert max(reading.emotions, key=lambda k: reading.emotions[k]) == emotion
    assert reading.valence * sign > 0 and reading.confidence > 0


def test_no_cue_is_neutral_and_the_judge_is_asked_only_when_unsure() -> None:
    asked: list[str] = []

    def judge(text: str) -> Reading:
        asked.append(text)
        return Reading(-0.3, 0.4, {"sadness": 1.0}, 0.7, "llm")

    chain = EmotionClassifier(judge=judge)
    assert chain.read("Завтра поеду в магазин").confidence == 0 and asked == []
    assert chain.read("Я рад, но мне грустно").source == "llm"  # mixed cues: the judge decides
    assert asked == ["Я рад, но мне грустно"]
    installed = EmotionClassifier(model=lambda t: Reading(0.5, 0.5, {"joy": 1}, 1.0, "model"))
    assert installed.read("anything").source == "model"  # an installed model comes first


def test_the_state_moves_decays_to_baseline_persists_and_is_published(tmp_path: Path) -> None:
    now = [0.0]
    bus = EventBus(strict=True)
    events: list[Event] = []
    bus.subscribe(EmotionChanged, events.append)
    state = EmotionalState(tmp_path / "emotion.json", bus, half_life_s=100, clock=lambda: now[0])
    before = state.current()
    sad = state.observe(Lexicon().read("Мне очень грустно, я плачу"))
    assert sad.valence < before.valence and sad.emotions.get("sadness", 0) > 0
    assert isinstance(events[-1], EmotionChanged) and events[-1].main == "sadness"
    now[0] = 100.0  # one half-life later: half way back to the baseline
    half = state.current()
    assert half.valence == pytest.approx((sad.valence + state.baseline.valence) / 2, abs=1e-6)
    restored = EmotionalState(tmp_path / "emotion.json", clock=lambda: now[0], half_life_s=100)
    assert restored.current().valence == pytest.approx(half.valence, abs=1e-6)  # a restart
    assert "valence" in state.render()


def test_a_damaged_state_file_starts_from_the_baseline(tmp_path: Path) -> None:
    file = tmp_path / "emotion.json"
    file.write_text("{oops")
    state = EmotionalState(file, clock=lambda: 0.0)
    assert state.current().valence == state.baseline.valence


def test_prosody_follows_the_mood() -> None:
    low = prosody(MoodSnapshot(valence=-0.7, arousal=0.2))
    high = prosody(MoodSnapshot(valence=0.8, arousal=0.9))
    assert low.length_scale > 1.0 > high.length_scale  # sad: slower; excited: quicker
    assert low.noise_scale < high.noise_scale
    assert low.volume < high.volume
    assert low.sentence_pause_s > high.sentence_pause_s
    assert "a little low" in describe(MoodSnapshot(valence=-0.7, arousal=0.2))


def test_an_installed_transformer_model_reads_first(tmp_path: Path) -> None:
    from memory.emotion import TransformerEmotion
    from models.testing.tiny_classifier import make_tiny_emotion_classifier

    model = TransformerEmotion(make_tiny_emotion_classifier(tmp_path / "emo"))
    chain = EmotionClassifier(model=model)
    reading = chain.read("Завтра поеду в магазин")  # no word cue: the model's reading stands
    assert reading.source == "model"
    assert -1 <= reading.valence <= 1 and 0 <= reading.arousal <= 1 and 0 < reading.confidence <= 1
    # The tiny model's noise is never sure; where it is unsure, clear words decide.
    assert reading.confidence < chain.unsure_below
    assert chain.read("Я так рад!").source == "lexicon"
