"""The real faster-whisper runtime on a tiny CTranslate2 Whisper the project makes."""

from pathlib import Path

import numpy as np
import pytest

from audio.fake import WavMic
from audio.frames import ErrorFrame, Transcript, Utterance
from audio.pipeline import run
from audio.transcriber import Transcriber
from audio.turns import TurnDetector
from audio.vad import SileroVAD
from audio.whisper import WhisperSTT
from core.errors import ModelFileError
from models.testing.tiny_whisper import make_tiny_whisper


@pytest.fixture(scope="module")
def whisper_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_whisper(tmp_path_factory.mktemp("whisper") / "tiny")


def test_speech_goes_from_the_mic_to_a_transcript(
    whisper_dir: Path, two_phrases: tuple[np.ndarray, list[tuple[float, float]]]
) -> None:
    audio, _ = two_phrases
    stt = WhisperSTT(whisper_dir, language="en", no_speech_threshold=1.1)
    out = run([SileroVAD(), TurnDetector(), Transcriber(stt)], WavMic(samples=audio).frames())
    transcripts = [f for f in out if isinstance(f, Transcript)]
    utterances = 2
    assert len(transcripts) == utterances  # one per turn (the tiny model's words are noise)
    assert all(t.text and t.language == "en" and t.end_s > t.start_s for t in transcripts)


def test_results_are_cached_by_the_audio(whisper_dir: Path) -> None:
    stt = WhisperSTT(whisper_dir, language="en", no_speech_threshold=1.1)
    audio = (np.random.default_rng(1).standard_normal(16000) * 0.1).astype(np.float32)
    first = stt.transcribe(audio)
    assert stt.transcribe(audio) == first
    assert stt.decoded == 1  # the second answer came from the cache


def test_a_missing_model_is_explained_and_the_loop_goes_on(tmp_path: Path) -> None:
    stt = WhisperSTT(tmp_path / "none")
    with pytest.raises(ModelFileError, match=r"model\.bin is missing"):
        stt.load()
    out = run([Transcriber(stt)], [Utterance(samples=np.zeros(1600, dtype=np.float32))])
    assert isinstance(out[0], ErrorFrame) and out[0].source == "stt"


def test_domovoy_voice_gives_one_turn_per_utterance(
    two_phrases: tuple[np.ndarray, list[tuple[float, float]]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The Done-when line: generated speech with pauses, the whole loop offline, one turn each."""
    import json

    import soundfile

    from app.cli.main import main

    audio, spans = two_phrases
    wav = tmp_path / "in.wav"
    soundfile.write(str(wav), audio, 16000)
    assert main(["models", "install-demo"]) == 0
    capsys.readouterr()
    assert (
        main(["voice", "--input", str(wav), "--output-dir", str(tmp_path / "out"), "--json"]) == 0
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(result["turns"]) == len(spans) == 2
    for turn, (begin, end) in zip(result["turns"], spans, strict=True):
        assert turn["start_s"] <= begin + 0.05 and begin < turn["end_s"] <= end + 0.7
        assert turn["transcript"] and turn["reply"]
        written, rate = soundfile.read(turn["audio"])
        assert rate == 22050 and len(written) > rate * 0.2  # the reply was spoken
    assert set(result["timings"]) == {"stt_ms", "assistant_ms", "tts_ms"}
