"""Speech-to-text (CTranslate2) and text-to-speech (onnxruntime) stay in the app's process: a
damaged model file there is a Python exception (ModelLoadError, with its cause), never an abort.
Each case loads in a child interpreter, so that an abort would fail this test, not end the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from models.testing.tiny_whisper import make_tiny_whisper

ROOT = Path(__file__).resolve().parents[2]
LOAD = """
import sys
from pathlib import Path
from core.errors import DomovoyError
kind, where = sys.argv[1], Path(sys.argv[2])
if kind == "whisper":
    from audio.whisper import WhisperSTT
    model = WhisperSTT(where, language="en")
else:
    from audio.piper import PiperTTS
    model = PiperTTS(where)
try:
    model.load()
except DomovoyError as exc:
    print(type(exc).__name__, "|", exc)
else:
    print("loaded")
"""


def load_in_child(kind: str, where: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, kind, str(where)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, f"the process died ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout.strip()


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(bytes(b ^ 0x5A for b in data[:4096]) + data[4096:])


@pytest.mark.parametrize("how", ["truncated", "scrambled"])
def test_a_damaged_whisper_model_is_an_error_not_a_crash(tmp_path: Path, how: str) -> None:
    folder = make_tiny_whisper(tmp_path / "tiny")
    assert load_in_child("whisper", folder) == "loaded"  # the case is sound before it is damaged
    damage(folder / "model.bin", how)
    said = load_in_child("whisper", folder)
    assert said.startswith("ModelLoadError |"), said


@pytest.mark.parametrize("how", ["truncated", "scrambled"])
def test_a_damaged_piper_voice_is_an_error_not_a_crash(tmp_path: Path, how: str) -> None:
    from models.testing.tiny_voice import make_tiny_voice

    voice = make_tiny_voice(tmp_path / "voice")
    assert load_in_child("piper", voice) == "loaded"  # the case is sound before it is damaged
    damage(voice, how)
    said = load_in_child("piper", voice)
    assert said.startswith("ModelLoadError |"), said
