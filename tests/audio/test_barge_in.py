"""Barge-in: a sound while domovoy speaks holds playback at once; speech stops it, a knock not."""

import time

import numpy as np

from audio.barge_in import HOLD_S, BargeIn, BargeInPolicy, LoudnessWatch
from audio.devices import ClockOutput, Speaker
from audio.frames import AudioIn, Interruption, SpeechAudio, UserStartedSpeaking
from audio.voice_state import Stamps
from tests.helpers import wait_until


def speaking(seconds: float = 3.0) -> Speaker:
    speaker = Speaker(ClockOutput())
    tone = (0.2 * np.sin(np.arange(int(22050 * seconds)) / 5)).astype(np.float32)
    speaker.say(SpeechAudio(samples=tone, sample_rate=22050, text="a long sentence"))
    wait_until(lambda: speaker.first_block_at is not None, timeout=5)
    return speaker


def block(level: float, seed: int = 0) -> AudioIn:
    noise = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    return AudioIn(samples=noise * level)


def test_a_knock_holds_playback_and_it_goes_on_when_no_speech_follows() -> None:
    speaker = speaking()
    watch = LoudnessWatch(BargeInPolicy(speaker, enabled=True))
    for i in range(10):
        list(watch.process(block(0.0005, i)))  # the room: quiet
    assert not speaker.held
    list(watch.process(block(0.3, 99)))  # a knock on the desk
    assert speaker.held
    played = speaker.output.blocks  # type: ignore[attr-defined]
    time.sleep(HOLD_S / 2)
    assert speaker.output.blocks <= played + 1  # type: ignore[attr-defined]  (silent)
    wait_until(lambda: not speaker.held, timeout=5)
    time.sleep(0.1)
    assert speaker.output.blocks > played + 2  # type: ignore[attr-defined]  (it went on)
    assert speaker.stopped_at is None and speaker.playing.is_set()
    speaker.close()


def test_speech_onset_while_held_stops_playback_from_when_it_fell_silent() -> None:
    speaker = speaking()
    policy = BargeInPolicy(speaker, enabled=True)
    watch, barge_in = LoudnessWatch(policy), BargeIn(policy, Stamps())
    list(watch.process(block(0.3)))
    held_at = time.perf_counter()
    time.sleep(0.15)  # the VAD needs its vowel
    out = list(barge_in.process(UserStartedSpeaking(t=1.0)))
    assert any(isinstance(f, Interruption) for f in out)
    speaker.stop()  # what the chain does with the Interruption
    wait_until(lambda: speaker.stopped_at is not None, timeout=5)
    assert speaker.stopped_at is not None and speaker.stopped_at - held_at < 0.05
    speaker.close()


def test_without_barge_in_nothing_is_held_or_interrupted() -> None:
    speaker = speaking()
    policy = BargeInPolicy(speaker, enabled=False)
    list(LoudnessWatch(policy).process(block(0.3)))
    out = list(BargeIn(policy, Stamps()).process(UserStartedSpeaking(t=1.0)))
    assert not speaker.held and not any(isinstance(f, Interruption) for f in out)
    speaker.close()
