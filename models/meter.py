"""One progress over all the files of a pull: bytes done of the total, speed, time left."""

from __future__ import annotations

import time
from collections.abc import Callable

from core.events import DownloadProgress


class Meter:
    """One progress over all the files of a pull: bytes done of the total, speed, time left."""

    def __init__(self, report: Callable[[DownloadProgress], None], total: int) -> None:
        self.report = report
        self.total = total
        self.done = 0  # bytes of the whole pull on disk
        self._base = 0  # of the files before the current one
        self._fetched = 0  # bytes received in this run (the speed's)
        self._at = 0  # the current file's bytes on disk
        self._first = 0  # of them, those an earlier run fetched
        self._model = self._file = ""
        self._start = time.monotonic()

    def skipped(self, size: int) -> None:
        self._base += size
        self.done = self._base

    def begin(self, model_id: str, name: str, have: int) -> None:
        self._base = self.done
        self._model, self._file = model_id, name
        self._at = self._first = have
        self.done = self._base + have

    def at(self, length: int) -> None:
        self._fetched += length - self._at
        self._at = length
        self.done = self._base + length
        elapsed = max(time.monotonic() - self._start, 1e-6)
        speed = max(self._fetched, 0) / elapsed
        eta = (self.total - self.done) / speed if self.total and speed else 0.0
        self.report(
            DownloadProgress(
                model_id=self._model,
                done=self.done,
                total=self.total,
                speed_bps=speed,
                eta_s=eta,
                file=self._file,
            )
        )
