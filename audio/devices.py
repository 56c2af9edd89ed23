"""Sound devices: the microphone (sounddevice), and the speaker that plays speech block by block
so that a barge-in stops it within one block.

A missing, busy or vanished device is a AudioDeviceError that says so: voice mode turns off, typed
chat goes on.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import numpy as np

from audio.fake import to_mono_16k
from audio.frames import BLOCK, SAMPLE_RATE, AudioIn, SpeechAudio
from core.errors import AudioDeviceError

PLAY_BLOCK = 256  # samples played at a time: the longest a stop can wait (12 ms at 22.05 kHz)


class SoundDeviceMic:
    """The microphone: any native rate and channel count, delivered as 16 kHz mono blocks."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue()
        self._stream: Any = None
        self._rate = SAMPLE_RATE

    def open(self) -> None:
        try:
            import sounddevice as sd

            info = sd.query_devices(self.device, "input")
            self._rate = int(info["default_samplerate"])
            self._stream = sd.InputStream(
                device=self.device, samplerate=self._rate, channels=1, dtype="float32",
                callback=lambda data, frames, t, status: self._queue.put(data.copy()),
            )  # fmt: skip
            self._stream.start()
        except Exception as exc:  # PortAudioError, OSError (no PortAudio), ValueError
            raise AudioDeviceError(
                f"no usable microphone ({exc})",
                hint="voice mode is off; plug in a microphone or pick another in the settings. "
                "Typed chat goes on.",
            ) from exc

    def frames(self) -> Iterator[AudioIn]:
        pending = np.zeros(0, dtype=np.float32)
        t = 0.0
        while (data := self._queue.get()) is not None:
            pending = np.concatenate([pending, to_mono_16k(data, self._rate)])
            while len(pending) >= BLOCK:
                block, pending = pending[:BLOCK], pending[BLOCK:]
                yield AudioIn(samples=block, t=t)
                t += BLOCK / SAMPLE_RATE

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._queue.put(None)


class AudioOutput(Protocol):
    """Where played blocks go: a sound card, or a clock (tests and benchmarks)."""

    def write(self, block: np.ndarray, rate: int) -> None: ...


class ClockOutput:
    """Plays in real time without a sound card: each block takes as long as it would sound."""

    def __init__(self) -> None:
        self.blocks = 0

    def write(self, block: np.ndarray, rate: int) -> None:
        self.blocks += 1
        time.sleep(len(block) / rate)


class SoundDeviceOutput:
    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self._stream: Any = None
        self._rate = 0

    def write(self, block: np.ndarray, rate: int) -> None:
        try:
            import sounddevice as sd

            if self._stream is None or self._rate != rate:
                if self._stream is not None:
                    self._stream.close()
                self._stream = sd.OutputStream(
                    device=self.device, samplerate=rate, channels=1, dtype="float32"
                )
                self._stream.start()
                self._rate = rate
            self._stream.write(block.astype(np.float32).reshape(-1, 1))
        except Exception as exc:
            raise AudioDeviceError(
                f"the speaker failed ({exc})", hint="pick another output device"
            ) from exc


class Speaker:
    """Plays queued speech on its own thread, a block at a time; ``stop`` drops the rest."""

    def __init__(
        self, output: AudioOutput, on_error: Callable[[AudioDeviceError], None] = lambda e: None
    ) -> None:
        self.output = output
        self.on_error = on_error
        self.on_idle: Callable[[], None] = lambda: None  # all that was queued has been played
        self._queue: queue.Queue[SpeechAudio | None] = queue.Queue()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.playing = threading.Event()
        self.played: list[tuple[str, float]] = []  # text, and the share of it that was heard
        self.first_block_at: float | None = None
        self.stopped_at: float | None = None  # when it fell silent for good (held, then stopped)
        self._hold_until = 0.0
        self._thread = threading.Thread(target=self._run, name="domovoy-speaker", daemon=True)
        self._thread.start()

    def say(self, audio: SpeechAudio) -> None:
        self._stop.clear()
        self.playing.set()
        self._queue.put(audio)

    def hold(self, seconds: float) -> None:
        """Fall silent after the current block, for up to ``seconds``: a sound on the mic may be
        the user cutting in. ``stop`` within that time ends playback; else it goes on."""
        self._hold_until = time.perf_counter() + seconds

    @property
    def held(self) -> bool:
        return time.perf_counter() < self._hold_until

    def stop(self) -> None:
        """Barge-in: the current block is the last one heard; everything queued is dropped."""
        self._stop.set()
        self._hold_until = 0.0
        with self._lock:
            while not self._queue.empty():
                self._queue.get_nowait()

    def close(self) -> None:
        self.stop()
        self._queue.put(None)

    def heard_text(self) -> str:
        parts = []
        for text, share in self.played:
            if share >= 0.999:
                parts.append(text)
            elif share > 0:
                words = text.split()
                parts.append(" ".join(words[: max(1, int(len(words) * share))]) + "…")
        return " ".join(parts)

    def _wait_while_held(self) -> float | None:
        """While held, no block is played; returns when the silence began (None: not held)."""
        if not self.held or self._stop.is_set():
            return None
        began = time.perf_counter()
        while self.held and not self._stop.is_set():
            time.sleep(0.004)
        return began

    def _run(self) -> None:
        while (audio := self._queue.get()) is not None:
            samples = audio.samples
            done = 0
            silent_at: float | None = None
            for start in range(0, len(samples), PLAY_BLOCK):
                silent_at = self._wait_while_held()
                if self._stop.is_set():
                    break
                block = samples[start : start + PLAY_BLOCK]
                if self.first_block_at is None:
                    self.first_block_at = time.perf_counter()
                try:
                    self.output.write(block, audio.sample_rate)
                except AudioDeviceError as exc:
                    self.on_error(exc)
                    self._stop.set()
                    break
                done = start + len(block)
            self.played.append((audio.text, done / len(samples) if len(samples) else 1.0))
            if self._stop.is_set():
                self.stopped_at = silent_at or time.perf_counter()
            if self._queue.empty():
                self.playing.clear()
                self.on_idle()
