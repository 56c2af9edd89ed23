"""How domovoy writes a moment for people: local time, to the minute ("2026-11-21 06:44")."""

from __future__ import annotations

import time


def minute(at: float | None = None) -> str:
    """``at`` (seconds since the epoch; now when None) as local time to the minute."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at))
