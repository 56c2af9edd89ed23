"""Real voice: the starter voice (piper en_US-joe-medium) speaks, the starter Whisper (base)
hears it back, and barge-in stops real synthesized speech when the user talks over it."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.home import Home
from app.voice.file_mode import speech_models
from app.voice.live import INTERRUPTED
from audio.fake import WavMic, to_mono_16k
from audio.frames import AssistantSentence, ErrorFrame
from audio.piper import PiperTTS, Speak
from audio.whisper import WhisperSTT
from bench.voice_common import live_voice
from tests.helpers import wait_until

pytestmark = pytest.mark.real

SENTENCE = "The weather is sunny today, so we will walk to the park after lunch."


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level edit distance over the reference's length (case and punctuation aside)."""

    def words(text: str) -> list[str]:
        return "".join(c.lower() if c.isalnum() or c.isspace() else " " for c in text).split()

    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1] / max(len(ref), 1)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[WhisperSTT, PiperTTS]:
    """One Whisper and one voice for the module, as the app keeps one of each."""
    from core.paths import Paths

    root = tmp_path_factory.mktemp("voice-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DOMOVOY_STARTER", "on")
        home = Home.open(Paths.from_env({"DOMOVOY_HOME": str(root)}), starter=True)
    stt, tts = speech_models(home)  # the starter kit plays stt and tts
    assert stt.model_dir.name == "faster-whisper-base"
    assert tts.model.name == "en_US-joe-medium.onnx"
    return stt, tts


def test_a_reply_spoken_by_the_real_voice_is_heard_back_by_the_real_whisper(
    models: tuple[WhisperSTT, PiperTTS],
) -> None:
    stt, tts = models
    samples = tts.synthesize(SENTENCE)
    assert len(samples) / tts.sample_rate > 2.0  # real speech, seconds of it
    text, _language = stt.transcribe(to_mono_16k(samples, tts.sample_rate))
    assert word_error_rate(SENTENCE, text) <= 0.2, text


def test_russian_is_shown_not_spelled_by_an_english_voice(
    models: tuple[WhisperSTT, PiperTTS],
) -> None:
    _, tts = models
    speak = Speak(tts)
    first = list(speak.process(AssistantSentence(text="Привет, как у тебя дела?")))
    second = list(speak.process(AssistantSentence(text="Сегодня хорошая погода.")))
    assert len(first) == 1 and isinstance(first[0], ErrorFrame)
    assert "piper-ru-irina-medium" in first[0].message  # how to get a Russian voice, once
    assert second == []
    spoken = list(speak.process(AssistantSentence(text="But English is spoken.")))
    assert spoken and not isinstance(spoken[0], ErrorFrame)


def test_barge_in_over_real_synthesized_speech(models: tuple[WhisperSTT, PiperTTS]) -> None:
    stt, tts = models
    long_reply = " ".join(
        f"This is sentence number {i}, and it goes on for quite a while." for i in range(1, 12)
    )
    voice = live_voice(stt, tts, barge_in=True, reply=long_reply)
    question = to_mono_16k(tts.synthesize("Please tell me a long story."), tts.sample_rate)
    interruption = to_mono_16k(tts.synthesize("Stop, that is enough."), tts.sample_rate)
    pause = np.zeros(16000, dtype=np.float32)
    try:
        for frame in WavMic(samples=np.concatenate([pause, question, pause])).frames():
            voice.feed(frame)
            time.sleep(0.032)  # a block every 32 ms, as a microphone gives them
        wait_until(voice.speaker.playing.is_set, timeout=60)
        assert voice.stamps.stt_early  # transcribed from the pause on, during the hangover
        time.sleep(0.5)
        for frame in WavMic(samples=np.concatenate([interruption, pause])).frames():
            voice.feed(frame)
            time.sleep(0.032)
        wait_until(lambda: voice.speaker.stopped_at is not None, timeout=20)
        assert voice.speaker.stopped_at - voice.stamps.onsets[-1] < 0.1
        assert voice.assistant.wait(10)
        history = voice.assistant.history
        wait_until(lambda: len(history) >= 2 and history[1].content.endswith(INTERRUPTED), 10)
        assert "story" in history[0].content.lower()  # Whisper heard the question
        assert "number 11" not in history[1].content  # only what was played is kept
        wait_until(lambda: len(history) >= 3, timeout=30)
        assert "enough" in history[2].content.lower()  # and the interruption, as the next turn
    finally:
        voice.close()
