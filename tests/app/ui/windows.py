"""What the window's tests share: typing as a keyboard does, and a window over one model."""

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.ui.main_window import MainWindow
from core.events import EventBus
from llm.roles import ModelSlot


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard would; QTest.keyClicks only knows ASCII, and the user writes Russian."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def window_for(qtbot: QtBot, slot: ModelSlot | None, notice: str = "") -> MainWindow:
    assistant = Assistant(bus=EventBus(), slots={"primary": slot} if slot else {})
    window = MainWindow(assistant, notice=notice)
    qtbot.addWidget(window)
    window.show()
    return window
