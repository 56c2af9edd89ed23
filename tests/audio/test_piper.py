"""The real piper runtime on a tiny voice the project makes."""

from pathlib import Path

import pytest

from audio.fake import NullSpeaker
from audio.frames import AssistantSentence, AssistantText, ErrorFrame, ReplyEnded, SpeechAudio
from audio.pipeline import run
from audio.piper import PiperTTS, Speak, Voice
from audio.sentences import SentenceSplitter
from core.errors import ModelFileError
from memory.emotion import MoodSnapshot, prosody
from models.testing.tiny_voice import make_tiny_voice


@pytest.fixture(scope="module")
def tts(tmp_path_factory: pytest.TempPathFactory) -> PiperTTS:
    return PiperTTS(make_tiny_voice(tmp_path_factory.mktemp("voice")))


def test_sentences_are_spoken_one_by_one(tts: PiperTTS) -> None:
    speaker = NullSpeaker()
    frames = [
        AssistantText(text="Привет! Мне 25 лет. "),
        AssistantText(text="А тебе?"),
        ReplyEnded(),
    ]
    run([SentenceSplitter(), Speak(tts), speaker], frames)
    assert [a.text for a in speaker.played] == ["Привет!", "Мне 25 лет.", "А тебе?"]
    assert all(a.sample_rate == 22050 and len(a.samples) > 1000 for a in speaker.played)


def test_the_mood_shapes_the_voice(tts: PiperTTS) -> None:
    sad = prosody(MoodSnapshot(valence=-0.7, arousal=0.1))
    lively = prosody(MoodSnapshot(valence=0.8, arousal=0.9))

    def voice(p):  # type: ignore[no-untyped-def]
        return Voice(p.length_scale, p.noise_scale, p.volume, p.sentence_pause_s)

    slow = tts.synthesize("Доброе утро", voice(sad))
    quick = tts.synthesize("Доброе утро", voice(lively))
    assert len(slow) > 1.15 * len(quick)  # sad: slower, with a longer pause


def test_a_missing_voice_is_explained_and_a_failure_ends_only_the_reply(tmp_path: Path) -> None:
    missing = PiperTTS(tmp_path / "nope.onnx")
    with pytest.raises(ModelFileError, match="piper voice"):
        missing.load()
    out = run([Speak(missing)], [AssistantSentence(text="Привет")])
    assert isinstance(out[0], ErrorFrame) and "speech synthesis failed" in out[0].message
    assert not [f for f in out if isinstance(f, SpeechAudio)]
