"""The VAD and the turn detector on real speech, through the one-call harness."""

import threading

import numpy as np
import pytest

from audio.fake import NullSpeaker, WavMic, to_mono_16k
from audio.frames import (
    AssistantSentence,
    ErrorFrame,
    Frame,
    Interruption,
    SpeechAudio,
    UserStartedSpeaking,
    UserStoppedSpeaking,
    Utterance,
    Voiced,
)
from audio.pipeline import Processor, VoiceChain, run
from audio.turns import TurnDetector, TurnSettings
from audio.vad import SileroVAD


def test_one_turn_per_utterance_with_the_first_syllable_kept(
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
) -> None:
    audio, spans = two_phrases
    out = run([SileroVAD(), TurnDetector()], WavMic(samples=audio).frames())
    utterances = [f for f in out if isinstance(f, Utterance)]
    assert len(utterances) == 2
    starts = [f.t for f in out if isinstance(f, UserStartedSpeaking)]
    assert len(starts) == 2 and len([f for f in out if isinstance(f, UserStoppedSpeaking)]) == 2
    for utterance, (begin, end) in zip(utterances, spans, strict=True):
        assert utterance.start_s <= begin + 0.05  # the pre-roll keeps the very beginning
        assert end - 0.1 <= utterance.end_s <= end + 0.7  # ended by the hangover, soon after
        assert len(utterance.samples) > 0.5 * (end - begin) * 16000


def test_silence_and_a_click_make_no_turn() -> None:
    quiet = np.zeros(16000 * 3, dtype=np.float32)
    click = quiet.copy()
    click[16000 : 16000 + 400] = 0.9
    for audio in (quiet, click):
        out = run([SileroVAD(), TurnDetector()], WavMic(samples=audio).frames())
        assert not [f for f in out if isinstance(f, Utterance)]


def test_the_turn_detector_alone_on_scripted_probabilities() -> None:
    settings = TurnSettings(hangover_ms=320, min_speech_ms=96, pre_roll_ms=64)
    block = np.ones(512, dtype=np.float32)
    probabilities = [0.0] * 5 + [0.9] * 10 + [0.1] * 12 + [0.9] * 2 + [0.1] * 12
    frames = [
        Voiced(samples=block * i, t=i * 0.032, probability=p) for i, p in enumerate(probabilities)
    ]
    out = run([TurnDetector(settings)], frames)
    utterances = [f for f in out if isinstance(f, Utterance)]
    assert len(utterances) == 1  # the second burst (64 ms) is under min_speech_ms
    assert utterances[0].start_s == pytest.approx(3 * 0.032)  # two blocks of pre-roll
    detector = TurnDetector(settings)
    detector.muted = True  # half-duplex: the assistant is speaking
    assert run([detector], frames) == []


def test_odd_rates_and_stereo_are_resampled() -> None:
    stereo = np.stack([np.ones(44100), np.zeros(44100)], axis=1) * 0.5
    mono = to_mono_16k(stereo, 44100)
    assert mono.dtype == np.float32 and len(mono) == 16000 and np.allclose(mono, 0.25, atol=1e-3)


class Tts(Processor):
    """Turns sentences into one block of 'speech' each."""

    def process(self, frame: Frame) -> list[Frame]:
        if isinstance(frame, AssistantSentence):
            return [
                SpeechAudio(
                    samples=np.zeros(10, dtype=np.float32), text=frame.text, index=frame.index
                )
            ]
        return [frame]


def test_an_interruption_jumps_the_queue_and_drops_what_waits() -> None:
    """Sentence two is being synthesized, three waits: the interruption overtakes both, tells
    every processor at once, and nothing of the interrupted reply reaches the speaker."""
    speaker = NullSpeaker()
    busy, release = threading.Event(), threading.Event()
    told: list[str] = []

    class SlowTts(Tts):
        def process(self, frame: Frame) -> list[Frame]:
            if isinstance(frame, AssistantSentence) and frame.text == "two":
                busy.set()
                release.wait(10)
            return super().process(frame)

        def interrupt(self) -> None:
            told.append("tts")

    out: list[Frame] = []
    chain = VoiceChain([SlowTts(), speaker], out.append)
    chain.push(AssistantSentence(text="one", index=0))
    assert chain.wait_idle(10)
    chain.push(AssistantSentence(text="two", index=1))
    chain.push(AssistantSentence(text="three", index=2))
    assert busy.wait(10)
    chain.push(Interruption(t=1.0))  # arrives last, goes first
    assert told == ["tts"]  # told at once, on the interrupting thread
    release.set()
    assert chain.wait_idle(10)
    chain.close()
    assert speaker.played_text() == "one" and speaker.dropped == []
    assert [type(f) for f in out] == [Interruption]


def test_a_processor_that_fails_costs_its_frame_and_the_chain_goes_on() -> None:
    class Flaky(Processor):
        def process(self, frame: Frame) -> list[Frame]:
            if isinstance(frame, AssistantSentence) and frame.text == "bad":
                raise RuntimeError("the voice model is gone")
            return [frame]

    out = run([Flaky()], [AssistantSentence(text="bad"), AssistantSentence(text="good")])
    assert isinstance(out[0], ErrorFrame) and "the voice model is gone" in out[0].message
    assert isinstance(out[1], AssistantSentence) and out[1].text == "good"


def test_a_pause_is_announced_before_the_turn_ends_and_the_turn_says_if_it_was_the_last() -> None:
    from audio.frames import UserPaused

    settings = TurnSettings(hangover_ms=320, pause_ms=96, min_speech_ms=96, pre_roll_ms=32)
    block = np.ones(512, dtype=np.float32)
    # speech, a short pause (the user goes on), speech again, then the end of the turn
    probabilities = [0.0] * 2 + [0.9] * 6 + [0.1] * 4 + [0.9] * 6 + [0.1] * 12
    frames = [
        Voiced(samples=block * i, t=i * 0.032, probability=p) for i, p in enumerate(probabilities)
    ]
    out = run([TurnDetector(settings)], frames)
    pauses = [f for f in out if isinstance(f, UserPaused)]
    (utterance,) = [f for f in out if isinstance(f, Utterance)]
    assert [p.pause for p in pauses] == [1, 2]  # one per pause, numbered
    position = {id(f): i for i, f in enumerate(out)}
    assert position[id(pauses[1])] < position[id(utterance)]  # said while the hangover ran
    assert utterance.final_pause == 2  # nothing was said after the second pause
    assert len(pauses[1].samples) < len(utterance.samples)  # the same speech, less silence
    last = int(pauses[1].samples[-1])
    assert last == int(utterance.samples[len(pauses[1].samples) - 1]) and last > 0


def test_a_pause_can_end_the_turn_at_once_and_speech_cannot() -> None:
    from audio.transcriber import whole_sentence

    settings = TurnSettings(hangover_ms=320, pause_ms=96, min_speech_ms=96, pre_roll_ms=32)
    detector = TurnDetector(settings)
    block = np.ones(512, dtype=np.float32)
    for i, p in enumerate([0.9] * 6):
        list(detector.process(Voiced(samples=block, t=i * 0.032, probability=p)))
    assert detector.pause == 0 and detector.finish() == []  # mid-speech: nothing to end
    for i in range(4):  # 128 ms of silence: a pause, the hangover still running
        list(detector.process(Voiced(samples=block * 0, t=(6 + i) * 0.032, probability=0.1)))
    assert detector.pause == 1
    (_, utterance) = detector.finish()
    assert isinstance(utterance, Utterance) and utterance.final_pause == 1
    assert detector.pause == 0
    assert whole_sentence("What time is it?") and whole_sentence("Tell me a story.")
    assert not whole_sentence("So I was thinking...") and not whole_sentence("and then")
    assert whole_sentence("Who are you?") and whole_sentence("Который час?")
    # a word before a comma pause, which Whisper closes with a full stop, is not the whole turn
    assert not whole_sentence("Stop.") and not whole_sentence("Well, okay!")
