"""Real speech for the voice tests: phrases spoken by espeak-ng, and the session fixture of two.

The fixture is registered by tests/conftest.py, for every folder of tests."""

import subprocess
from pathlib import Path

import numpy as np
import pytest

from audio.fake import read_audio
from audio.frames import SAMPLE_RATE


def speak(text: str, folder: Path, voice: str = "ru") -> np.ndarray:
    file = folder / f"{abs(hash((text, voice)))}.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", "-w", str(file), text], check=True, timeout=60
    )
    return read_audio(file)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


@pytest.fixture(scope="session")
def two_phrases(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Two spoken phrases with pauses around them, and where each one lies (seconds)."""
    folder = tmp_path_factory.mktemp("speech")
    first = speak("Привет как у тебя дела сегодня", folder)
    second = speak("Hello what time is it now", folder, "en")
    parts = [silence(0.8), first, silence(1.5), second, silence(1.0)]
    spans = []
    t = 0.0
    for i, part in enumerate(parts):
        if i in (1, 3):
            spans.append((t, t + len(part) / SAMPLE_RATE))
        t += len(part) / SAMPLE_RATE
    return np.concatenate(parts).astype(np.float32), spans
