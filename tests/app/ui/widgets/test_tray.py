"""The tray icon: a drawn icon, show/hide of the window, new conversation and quit."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.widgets.tray import Tray, house_icon

pytestmark = pytest.mark.qt


def test_the_tray_hides_and_shows_the_window_and_starts_a_conversation(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    started: list[bool] = []
    quit_asked: list[bool] = []
    tray = Tray(
        window,
        new_conversation=lambda: started.append(True),
        quit_app=lambda: quit_asked.append(True),
    )
    assert not house_icon().isNull()
    actions = {a.text(): a for a in tray.menu.actions() if a.text()}
    assert set(actions) == {"Hide window", "New conversation", "Quit"}

    tray.toggle_window()
    assert not window.isVisible() and tray.toggle_action.text() == "Show window"
    actions["New conversation"].trigger()  # brings the window back for it
    assert window.isVisible() and started == [True]
    assert tray.toggle_action.text() == "Hide window"
    actions["Quit"].trigger()
    assert quit_asked == [True]
