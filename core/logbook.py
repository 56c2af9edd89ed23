"""The app's recent log lines, kept in memory for the diagnostics page (and a log file in the
data folder, for after a crash); and the narrator, which writes the app's events there."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.events import (
    EventBus,
    HistorySummarized,
    ModelLoaded,
    ModelLoadFailed,
    ModelLoading,
    ModelUnloaded,
    ResourcePressure,
    RoleSwitched,
    TurnFailed,
    TurnFinished,
    VoiceProblem,
    VoiceStateChanged,
)

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
KEEP = 500


class RecentLines(logging.Handler):
    """The last ``KEEP`` formatted records, safe to read from any thread."""

    def __init__(self, keep: int = KEEP) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=keep)
        self._guard = threading.Lock()
        self.setFormatter(logging.Formatter(FORMAT, "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a record that cannot be formatted is not worth a crash
            return
        with self._guard:
            self.lines.append(line)

    def recent(self, limit: int = KEEP) -> list[str]:
        with self._guard:
            return list(self.lines)[-limit:]


_recent: RecentLines | None = None


def install(log_file: Path | None = None, level: int = logging.INFO) -> RecentLines:
    """Once per process: recent lines in memory, and a rotating file when given one."""
    global _recent
    if _recent is not None:
        return _recent
    root = logging.getLogger()
    root.setLevel(min(root.level or level, level))
    _recent = RecentLines()
    _recent.setLevel(level)
    root.addHandler(_recent)
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                log_file, maxBytes=2_000_000, backupCount=2, encoding="utf-8"
            )
        except OSError:
            logging.getLogger(__name__).warning("cannot write the log file %s", log_file)
        else:
            handler.setFormatter(logging.Formatter(FORMAT))
            handler.setLevel(level)
            root.addHandler(handler)
    return _recent


def recent(limit: int = KEEP) -> list[str]:
    """The latest lines (none before ``install``)."""
    return _recent.recent(limit) if _recent is not None else []


def narrate(bus: EventBus) -> Callable[[], None]:
    """Log what the app does (models loading and leaving, replies, failures, role switches, the
    voice) as one line each, so that the log tells the story; returns unsubscribe."""
    log = logging.getLogger("domovoy")
    lines: list[tuple[type[Any], int, Callable[[Any], str]]] = [
        (ModelLoading, logging.INFO, lambda e: f"loading {e.model_id} for {e.role}"),
        (
            ModelLoaded,
            logging.INFO,
            lambda e: (
                f"{e.model_id} ({e.role}) loaded in {e.load_ms:.0f} ms"
                + (f": {e.placement}" if e.placement else "")
            ),
        ),
        (
            ModelLoadFailed,
            logging.WARNING,
            lambda e: f"{e.model_id} ({e.role}) failed to load: {e.message}",
        ),
        (
            ModelUnloaded,
            logging.INFO,
            lambda e: f"{e.model_id} ({e.role}) unloaded after {e.resident_s:.0f} s",
        ),
        (TurnFinished, logging.INFO, _turn_line),
        (TurnFailed, logging.WARNING, lambda e: f"turn {e.turn_id} failed: {e.message}"),
        (
            RoleSwitched,
            logging.INFO,
            lambda e: f"{e.role}: {e.previous or '(none)'} → {e.model_id or '(none)'}",
        ),
        (
            HistorySummarized,
            logging.INFO,
            lambda e: f"{e.messages} older messages summarized by {e.model_id}",
        ),
        (VoiceStateChanged, logging.INFO, lambda e: f"voice: {e.state}"),
        (VoiceProblem, logging.WARNING, lambda e: f"voice: {e.message}"),
        (ResourcePressure, logging.WARNING, lambda e: f"the machine is busy: {e.reason}"),
    ]

    def writer(level: int, say: Callable[[Any], str]) -> Callable[[Any], None]:
        return lambda e: log.log(level, "%s", say(e))

    stops = [bus.subscribe(kind, writer(level, say)) for kind, level, say in lines]

    def unsubscribe() -> None:
        for stop in stops:
            stop()

    return unsubscribe


def _turn_line(e: TurnFinished) -> str:
    t = e.timings
    how = "stopped" if e.cancelled else "answered"
    line = (
        f"turn {e.turn_id}: {e.model_used} ({e.role}) {how}, {t.tokens} tokens, "
        f"first token {t.first_token_ms:.0f} ms, {t.tokens_per_s:.1f} tok/s"
    )
    return line + (f"; fallback: {e.fallback_reason}" if e.fallback_reason else "")
