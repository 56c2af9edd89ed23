"""The system tray icon: show or hide the window, a new conversation, hands-free voice, quit.
Where the desktop has no tray (some Wayland sessions, offscreen), there is simply none."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget


def house_icon(size: int = 64) -> QIcon:
    """domovoy's mark, drawn: a small house with a lit window."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    roof = QPainterPath(QPointF(6 * s, 30 * s))
    roof.lineTo(32 * s, 6 * s)
    roof.lineTo(58 * s, 30 * s)
    roof.closeSubpath()
    painter.fillPath(roof, QColor("#8d4a2b"))
    painter.fillRect(QRectF(14 * s, 30 * s, 36 * s, 28 * s), QColor("#d9a066"))
    painter.fillRect(QRectF(27 * s, 36 * s, 12 * s, 12 * s), QColor("#ffe066"))
    painter.end()
    return QIcon(pixmap)


class Tray(QSystemTrayIcon):
    def __init__(
        self,
        window: QWidget,
        *,
        new_conversation: Callable[[], None],
        quit_app: Callable[[], object],
    ) -> None:
        super().__init__(house_icon(), window)
        self.window = window
        self.setToolTip(self.tr("domovoy"))
        menu = QMenu(window)
        self.toggle_action = QAction(self.tr("Hide window"), menu)
        self.toggle_action.triggered.connect(self.toggle_window)
        new = QAction(self.tr("New conversation"), menu)
        self.new_conversation = new_conversation
        new.triggered.connect(self._new)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(quit_app)
        for action in (self.toggle_action, new):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.menu = menu
        self.setContextMenu(menu)
        self.activated.connect(self._activated)

    def _new(self) -> None:
        self.show_window()
        self.new_conversation()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
            self.toggle_action.setText(self.tr("Show window"))
        else:
            self.show_window()

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.toggle_action.setText(self.tr("Hide window"))


def add_tray(window: QWidget, new_conversation: Callable[[], None]) -> Tray | None:
    """The tray icon, where the desktop has a tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = Tray(window, new_conversation=new_conversation, quit_app=window.close)
    tray.show()
    return tray
