"""Live voice: half-duplex, and barge-in that stops playback, cancels the reply and keeps only
what was heard. Real VAD, real faster-whisper and piper on tiny models; a clock plays the audio."""

import time

import numpy as np
import pytest

from app.assistant import Assistant
from app.voice.live import INTERRUPTED, LiveVoice
from audio.devices import PLAY_BLOCK, ClockOutput, SoundDeviceMic, Speaker
from audio.fake import WavMic
from audio.piper import PiperTTS
from audio.whisper import WhisperSTT
from core.errors import AudioDeviceError
from core.events import EventBus, VoiceStateChanged
from llm.base import GenerationParams
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from models.testing.tiny_voice import make_tiny_voice
from models.testing.tiny_whisper import make_tiny_whisper
from tests.helpers import wait_until

LONG_REPLY = " ".join(
    f"Это предложение номер {i}, оно довольно длинное и неспешное." for i in range(1, 12)
)


@pytest.fixture(scope="module")
def speech_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[WhisperSTT, PiperTTS]:
    folder = tmp_path_factory.mktemp("speech-models")
    stt = WhisperSTT(
        make_tiny_whisper(folder / "whisper"),
        language="en",
        no_speech_threshold=1.1,
        max_new_tokens=16,
    )
    return stt, PiperTTS(make_tiny_voice(folder / "voice"))


def live(
    speech_models: tuple[WhisperSTT, PiperTTS], barge_in: bool
) -> tuple[LiveVoice, FakeLLM, list[str]]:
    stt, tts = speech_models
    bus = EventBus()
    states: list[str] = []
    bus.subscribe(VoiceStateChanged, lambda e: states.append(e.state))
    fake = FakeLLM([LONG_REPLY], token_delay_s=0.002)
    slot = ModelSlot(
        role="primary", model_id="fake", llm=fake, params=GenerationParams(max_tokens=500)
    )
    voice = LiveVoice(
        Assistant(bus=bus, slots={"primary": slot}),
        bus,
        stt,
        tts,
        Speaker(ClockOutput()),
        barge_in=barge_in,
    )
    return voice, fake, states


def feed(voice: LiveVoice, samples: np.ndarray) -> None:
    for frame in WavMic(samples=samples).frames():
        voice.feed(frame)
        time.sleep(0.032)  # real time: a block every 32 ms


def test_barge_in_stops_playback_cancels_the_reply_and_keeps_what_was_heard(
    speech_models: tuple[WhisperSTT, PiperTTS],
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, spans = two_phrases
    first = audio[: int((spans[0][1] + 0.6) * 16000)]
    second = audio[int((spans[1][0] - 0.3) * 16000) : int(spans[1][1] * 16000)]
    voice, _, states = live(speech_models, barge_in=True)
    feed(voice, first)
    wait_until(voice.speaker.playing.is_set, timeout=30)
    time.sleep(0.5)  # a little of the reply is heard
    feed(voice, second)
    wait_until(lambda: voice.speaker.stopped_at is not None, timeout=10)
    onset = voice.stamps.onsets[-1]
    assert voice.speaker.stopped_at - onset < 0.1  # stopped within a block of noticing
    assert voice.assistant.wait(10)
    wait_until(lambda: voice.assistant.history[-1].content.endswith(INTERRUPTED), timeout=5)
    heard = voice.assistant.history[1].content
    assert heard.endswith(INTERRUPTED) and "номер 11" not in heard  # only what was played
    assert "speaking" in states and states[-1] in ("listening", "thinking")
    voice.close()


def test_half_duplex_ignores_the_mic_while_speaking(
    speech_models: tuple[WhisperSTT, PiperTTS],
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, spans = two_phrases
    voice, fake, _ = live(speech_models, barge_in=False)
    feed(voice, audio[: int((spans[0][1] + 0.6) * 16000)])
    wait_until(voice.speaker.playing.is_set, timeout=30)
    onsets = len(voice.stamps.onsets)
    feed(voice, audio[int((spans[1][0] - 0.3) * 16000) : int(spans[1][1] * 16000)])
    assert len(voice.stamps.onsets) == onsets  # nobody heard
    assert voice.speaker.stopped_at is None and len(fake.seen) == 1
    voice.close()


def test_the_speaker_stops_within_one_block() -> None:
    speaker = Speaker(ClockOutput())
    from audio.frames import SpeechAudio

    speaker.say(
        SpeechAudio(
            samples=np.zeros(22050 * 3, dtype=np.float32), sample_rate=22050, text="a b c d"
        )
    )
    speaker.say(
        SpeechAudio(samples=np.zeros(22050, dtype=np.float32), sample_rate=22050, text="queued")
    )
    wait_until(speaker.playing.is_set)
    time.sleep(0.3)
    asked = time.perf_counter()
    speaker.stop()
    wait_until(lambda: speaker.stopped_at is not None)
    assert speaker.stopped_at - asked <= 1.5 * PLAY_BLOCK / 22050
    assert [t for t, _ in speaker.played] == ["a b c d"] and 0 < speaker.played[0][1] < 0.5
    speaker.close()


def test_no_microphone_is_a_clear_error() -> None:
    mic = SoundDeviceMic(device=987654)
    with pytest.raises(AudioDeviceError, match="no usable microphone") as err:
        mic.open()
    assert "Typed chat goes on" in str(err.value)


def test_push_to_talk_takes_what_was_said_while_the_key_was_held(
    speech_models: tuple[WhisperSTT, PiperTTS],
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, spans = two_phrases
    stt, tts = speech_models
    bus = EventBus()
    fake = FakeLLM(["Хорошо."])
    voice = LiveVoice(
        Assistant(bus=bus, slots={"primary": ModelSlot(role="primary", model_id="f", llm=fake)}),
        bus, stt, tts, Speaker(ClockOutput()), push_to_talk=True,
    )  # fmt: skip
    for frame in WavMic(samples=audio[: int(spans[0][0] * 16000)]).frames():
        voice.feed(frame)  # the key is up: nothing is heard
    voice.press()
    for frame in WavMic(
        samples=audio[int(spans[0][0] * 16000) : int(spans[0][1] * 16000)]
    ).frames():
        voice.feed(frame)
    voice.release()
    wait_until(lambda: fake.seen, timeout=30)
    assert len(fake.seen) == 1 and voice.stamps.onsets == []  # no VAD involved
    wait_until(lambda: voice.speaker.played, timeout=30)
    assert voice.speaker.played[0][0] == "Хорошо."
    voice.close()


def test_a_speaker_that_vanishes_turns_voice_off_and_chat_goes_on(
    speech_models: tuple[WhisperSTT, PiperTTS],
) -> None:
    class Gone:
        def write(self, block: np.ndarray, rate: int) -> None:
            raise AudioDeviceError("the speaker failed (device unplugged)", hint="pick another")

    stt, tts = speech_models
    bus = EventBus()
    states: list[str] = []
    bus.subscribe(VoiceStateChanged, lambda e: states.append(e.state))
    fake = FakeLLM(["Первое. Второе."])
    assistant = Assistant(
        bus=bus, slots={"primary": ModelSlot(role="primary", model_id="f", llm=fake)}
    )
    voice = LiveVoice(assistant, bus, stt, tts, Speaker(Gone()))
    voice.press()
    voice.feed(WavMic(samples=np.ones(1024, dtype=np.float32) * 0.1).frames().__next__())
    voice.push_to_talk = False
    from audio.frames import Utterance

    voice.answer(Utterance(samples=np.ones(8000, dtype=np.float32) * 0.05))
    wait_until(lambda: "off" in states, timeout=30)
    assert "device unplugged" in voice.problem
    assert assistant.wait(10) and assistant.history[-1].content == "Первое. Второе."  # chat went on
    voice.close()


def test_a_synthesis_failure_mid_reply_is_said_and_the_rest_stays_in_the_chat(
    speech_models: tuple[WhisperSTT, PiperTTS], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from audio.piper import PiperTTS as Tts
    from core.events import VoiceProblem

    stt, _ = speech_models
    bus = EventBus()
    problems: list[str] = []
    bus.subscribe(VoiceProblem, lambda e: problems.append(e.message))
    fake = FakeLLM(["Первое. Второе."])
    assistant = Assistant(
        bus=bus, slots={"primary": ModelSlot(role="primary", model_id="f", llm=fake)}
    )
    broken = Tts(tmp_path_factory.mktemp("none") / "missing.onnx")
    voice = LiveVoice(assistant, bus, stt, broken, Speaker(ClockOutput()), push_to_talk=True)
    voice.press()
    for frame in WavMic(
        samples=(np.random.default_rng(5).standard_normal(8000) * 0.1).astype(np.float32)
    ).frames():
        voice.feed(frame)
    voice.release()
    wait_until(lambda: problems, timeout=30)
    assert "speech synthesis failed" in problems[0] and "in the chat" in problems[0]
    assert assistant.wait(10) and assistant.history[-1].content == "Первое. Второе."
    voice.close()
