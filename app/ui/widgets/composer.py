"""Where the user writes: the message box (Enter sends, Shift+Enter breaks the line) and the
buttons beside it — Send, Stop, Regenerate, Edit last, and the reasoning toggle."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class Composer(QWidget):
    send_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input = QPlainTextEdit(self)
        self.input.setPlaceholderText(self.tr("Message (Enter sends, Shift+Enter for a new line)"))
        self.input.setFixedHeight(72)
        self.input.installEventFilter(self)
        self.send_button = QPushButton(self.tr("Send"), self)
        self.send_button.setToolTip(self.tr("Send (Enter or Ctrl+Enter)"))
        self.stop_button = QPushButton(self.tr("Stop"), self)
        self.stop_button.setToolTip(self.tr("Stop the reply (Esc); what was written is kept"))
        self.stop_button.setEnabled(False)
        self.regenerate_button = QPushButton(self.tr("Regenerate"), self)
        self.regenerate_button.setToolTip(self.tr("Write the last reply again (Ctrl+R)"))
        self.edit_button = QPushButton(self.tr("Edit last"), self)
        self.edit_button.setToolTip(
            self.tr(
                "Put the last question back in the box; sending it replaces that exchange (Ctrl+E)"
            )
        )
        self.show_reasoning = QCheckBox(self.tr("Show reasoning"), self)
        self.show_reasoning.setToolTip(
            self.tr("Show the model's hidden reasoning (gpt-oss) above its answers")
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.input, 1)
        buttons = QVBoxLayout()
        for widget in (
            self.send_button,
            self.stop_button,
            self.regenerate_button,
            self.edit_button,
            self.show_reasoning,
        ):
            buttons.addWidget(widget)
        row.addLayout(buttons)

    def set_state(self, *, ready: bool, busy: bool, has_question: bool) -> None:
        """ready: a model can answer; busy: a reply is being written; has_question: there is
        a last question to ask again."""
        self.input.setEnabled(ready)
        self.send_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(ready and not busy and has_question)
        self.edit_button.setEnabled(ready and not busy and has_question)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress:
            key = event if isinstance(event, QKeyEvent) else None
            if (
                key is not None
                and key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not key.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                if self.send_button.isEnabled():
                    self.send_requested.emit()
                return True
        return super().eventFilter(watched, event)
