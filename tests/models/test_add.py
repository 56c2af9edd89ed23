"""``domovoy models add PATH``: every format the app runs is read from its own metadata,
checksummed, registered and given the role; anything else is refused, naming what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from app.cli.main import main
from core import config as config_mod
from core.paths import Paths
from memory.embeddings import packaged_minilm
from models.testing.tiny_classifier import make_tiny_emotion_classifier
from models.testing.tiny_voice import make_tiny_voice
from models.testing.tiny_whisper import make_tiny_whisper


def add(capsys: pytest.CaptureFixture[str], path: Path, model_id: str, role: str) -> str:
    code = main(["models", "add", str(path), "--id", model_id, "--role", role])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_each_format_is_registered_and_given_its_role(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    domovoy_home: Paths,
    tiny_models: dict[str, Path],
) -> None:
    whisper = make_tiny_whisper(tmp_path / "my-whisper")
    voice = make_tiny_voice(tmp_path / "voices", name="my-voice")
    embedder = shutil.copytree(packaged_minilm(), tmp_path / "my-embedder")
    classifier = make_tiny_emotion_classifier(tmp_path / "my-emotion")
    cases = [
        (tiny_models["llama"], "my-llm", "primary", "gguf"),
        (whisper, "my-whisper", "stt", "ctranslate2"),
        (voice, "my-voice", "tts", "onnx"),
        (embedder, "my-embedder", "embedding", "sentence-transformers"),
        (classifier, "my-emotion", "emotion", "transformers"),
    ]
    for path, model_id, role, fmt in cases:
        out = add(capsys, path, model_id, role)
        assert f"{model_id} now plays {role}" in out
        manifest = yaml.safe_load((domovoy_home.manifests_dir / f"{model_id}.yaml").read_text())
        assert manifest["format"] == fmt and manifest["role"] == role
        if fmt == "gguf":
            assert len(manifest["checksum_sha256"]) == 64
        else:  # a folder, or a voice and its .onnx.json: each file's sha256
            assert manifest["files_sha256"] and all(
                len(d) == 64 for d in manifest["files_sha256"].values()
            )
    config = config_mod.load(domovoy_home.config_file)
    assert config.llm.primary.id == "my-llm"
    assert config.audio.stt.model == "my-whisper" and config.audio.tts.model == "my-voice"
    assert config.embeddings.main.id == "my-embedder" and config.embeddings.main.dim == 384
    assert config.classification.emotion.model == "my-emotion"
    main(["models", "list"])
    listing = capsys.readouterr().out
    for _, model_id, role, _ in cases:
        row = next(line for line in listing.splitlines() if line.startswith(model_id + " "))
        assert row.rstrip().endswith(role), row


def test_the_voice_files_are_checked_at_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, domovoy_home: Paths
) -> None:
    from app.home import Home
    from app.voice.file_mode import speech_models
    from core.errors import ChecksumMismatchError

    whisper = make_tiny_whisper(tmp_path / "w")
    add(capsys, whisper, "w", "stt")
    add(capsys, make_tiny_voice(tmp_path / "v", name="v"), "v", "tts")
    home = Home.open()
    speech_models(home)  # both verify
    (whisper / "config.json").write_text("{}")
    with pytest.raises(ChecksumMismatchError):
        speech_models(Home.open())


@pytest.mark.parametrize(
    ("make", "role", "cause"),
    [
        (lambda d: d, "stt", "this folder is not a model domovoy knows"),
        (lambda d: make_tiny_whisper(d / "w"), "primary", "it can play stt, not primary"),
        (lambda d: (d / "x.txt").write_text("hi") and d / "x.txt", "tts", "not a model"),
    ],
)
def test_what_is_none_of_these_is_refused_naming_what_was_expected(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    domovoy_home: Paths,
    make: object,
    role: str,
    cause: str,
) -> None:
    folder = tmp_path / "stuff"
    folder.mkdir()
    path = make(folder)  # type: ignore[operator]
    code = main(["models", "add", str(path), "--id", "x", "--role", role])
    err = capsys.readouterr().err
    assert code == 1 and cause in err, err
    assert not list(domovoy_home.manifests_dir.glob("*.yaml"))
