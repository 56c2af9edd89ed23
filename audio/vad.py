"""Voice activity: silero VAD from its own package (it ships its ONNX model), one thread."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import numpy as np

from audio.frames import BLOCK, SAMPLE_RATE, AudioIn, Frame, Voiced
from audio.pipeline import Processor
from core.errors import ModelLoadError


class SileroVAD(Processor):
    """AudioIn → Voiced: each 512-sample block with its speech probability."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._pending = np.zeros(0, dtype=np.float32)
        self._t = 0.0

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import torch
                    from silero_vad import load_silero_vad

                    torch.set_num_threads(1)  # under a millisecond a block; more threads burn CPU
                    self._model = load_silero_vad(onnx=True)
                except Exception as exc:
                    raise ModelLoadError("silero-vad", f"{type(exc).__name__}: {exc}") from exc
            return self._model

    def probability(self, block: np.ndarray) -> float:
        import torch

        return float(self.load()(torch.from_numpy(np.ascontiguousarray(block)), SAMPLE_RATE).item())

    def reset(self) -> None:
        model = self.load()
        model.reset_states()
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, frame: Frame) -> Iterable[Frame]:
        if not isinstance(frame, AudioIn):
            return (frame,)
        if not len(self._pending):
            self._t = frame.t
        self._pending = np.concatenate([self._pending, frame.samples])
        out: list[Frame] = []
        while len(self._pending) >= BLOCK:
            block, self._pending = self._pending[:BLOCK], self._pending[BLOCK:]
            out.append(Voiced(samples=block, t=self._t, probability=self.probability(block)))
            self._t += BLOCK / SAMPLE_RATE
        return out
