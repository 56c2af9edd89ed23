"""Models pulled through the hub's protocol work: a test hub on loopback serves real models (the
starter kit's Whisper as faster-whisper-small, its piper voice as the lessac voice, the packaged
MiniLM as gte-small), ``domovoy models pull`` installs them, and they hear, speak and embed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from app.cli.main import main
from app.home import Home
from app.voice.file_mode import speech_models
from audio.fake import to_mono_16k
from audio.piper import PiperTTS
from audio.whisper import WhisperSTT
from memory.embeddings import EmbedderInfo, SentenceTransformerEmbedder, packaged_minilm
from models.testing.hub import TestHub
from tests.real.test_voice import SENTENCE, word_error_rate

pytestmark = pytest.mark.real

LESSAC = "en/en_US/lessac/medium/en_US-lessac-medium.onnx"


@pytest.fixture
def hub(home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestHub]:
    whisper = home.registry.get("faster-whisper-base").path
    joe = home.registry.get("piper-en-joe-medium").path
    with TestHub() as served:
        files = {p.name: p.read_bytes() for p in whisper.iterdir() if p.is_file()}
        served.add("Systran/faster-whisper-small", files | {"README.md": b"# Whisper"})
        voice = {
            LESSAC: joe.read_bytes(),
            LESSAC + ".json": joe.with_name(joe.name + ".json").read_bytes(),
        }
        served.add("rhasspy/piper-voices", voice, revision="v1.0.0")
        served.add_folder("thenlper/gte-small", packaged_minilm())
        monkeypatch.setenv("HF_ENDPOINT", served.url)
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            monkeypatch.delenv(name, raising=False)
        yield served


def test_a_pulled_whisper_is_the_one_domovoy_voice_hears_with(
    hub: TestHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "pull", "faster-whisper-small"]) == 0
    stt, tts = speech_models(Home.open(starter=True))
    assert stt.model_dir.name == "faster-whisper-small"  # the pulled one, not the starter's
    question = to_mono_16k(tts.synthesize("What is the capital of France?"), tts.sample_rate)
    pause = np.zeros(16000, dtype=np.float32)
    wav = tmp_path / "question.wav"
    soundfile.write(str(wav), np.concatenate([pause, question, pause, pause]), 16000)
    capsys.readouterr()
    out = tmp_path / "out"
    assert main(["voice", "--input", str(wav), "--output-dir", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    transcript = report["turns"][0]["transcript"].lower()
    assert "capital" in transcript and "france" in transcript, transcript


def test_a_pulled_voice_with_its_companion_speaks_and_is_heard(hub: TestHub) -> None:
    assert main(["models", "pull", "piper-en-lessac-medium"]) == 0
    assert main(["models", "pull", "faster-whisper-small"]) == 0
    registry = Home.open(starter=True).registry
    voice = registry.get("piper-en-lessac-medium").path
    assert voice.with_name(voice.name + ".json").is_file()  # piper reads its settings there
    tts = PiperTTS(voice)
    samples = tts.synthesize(SENTENCE)
    stt = WhisperSTT(registry.get("faster-whisper-small").path, language="en")
    text, _ = stt.transcribe(to_mono_16k(samples, tts.sample_rate))
    assert word_error_rate(SENTENCE, text) <= 0.2, text


def test_a_pulled_sentence_transformers_folder_embeds_by_meaning(hub: TestHub) -> None:
    assert main(["models", "pull", "gte-small"]) == 0
    entry = Home.open(starter=True).registry.get("gte-small")
    assert not (entry.path / "README.md").exists()  # only what the model needs
    embedder = SentenceTransformerEmbedder(EmbedderInfo("gte-small", "1", 384), entry.path)
    cat, kitten, tax = embedder.embed(
        ["The cat sleeps on the sofa.", "A kitten naps on the couch.", "Tax returns are due."]
    )
    assert float(np.dot(cat, kitten)) > float(np.dot(cat, tax)) + 0.2
