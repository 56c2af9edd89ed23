"""Where the window was: its size and place, and the docks. Saved when it closes, restored when
it opens, so a second start finds it as it was."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow


def restore(window: QMainWindow, file: Path | None) -> None:
    if file is None or not file.exists():
        return
    settings = QSettings(str(file), QSettings.Format.IniFormat)
    geometry = settings.value("geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = settings.value("state")
    if state is not None:
        window.restoreState(state)


def save(window: QMainWindow, file: Path | None) -> None:
    if file is None:
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(file), QSettings.Format.IniFormat)
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("state", window.saveState())
    settings.sync()
