"""The app's recent log lines, kept in memory for the diagnostics page (and a log file in the
data folder, for after a crash)."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from collections import deque
from pathlib import Path

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
