"""Opening the window: before any model loads; models load in the background after it shows."""

from __future__ import annotations

import os
import sys

from app.wiring import Home, build_assistant
from core.errors import ConfigError
from core.events import EventBus

NO_DISPLAY = (
    "domovoy: no display was found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot "
    "open.\n  → chat in the terminal instead: `domovoy chat`"
)


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )


def open_home() -> tuple[Home, str]:
    """The home, and a notice for the window when the config had to be set aside."""
    try:
        return Home.open(), ""
    except ConfigError as exc:
        home = Home.open_with_defaults()
        return home, f"{exc}\nUsing the default settings until the file is fixed."


def launch() -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    home, notice = open_home()
    bus = EventBus()
    assistant, problem = build_assistant(home, bus)
    if problem is not None:
        notice = "\n".join(n for n in (notice, str(problem)) if n)
    window = MainWindow(assistant, notice=notice)
    window.show()
    QTimer.singleShot(0, assistant.start)  # models load after the window is on screen
    return int(app.exec())
