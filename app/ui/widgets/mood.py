"""The mood at a glance (a badge in the status bar) and its recent history (a small plot of
valence and arousal on the memory page)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from memory.emotion import MoodPoint

EMOJI = {
    "joy": "😊",
    "sadness": "😔",
    "anger": "😠",
    "fear": "😟",
    "surprise": "😮",
    "disgust": "😖",
    "calm": "😌",
    "alert": "🧐",
}
EMOTION_NAMES = {  # as the interface language says them
    "joy": str(QT_TRANSLATE_NOOP("MoodBadge", "joy")),
    "sadness": str(QT_TRANSLATE_NOOP("MoodBadge", "sadness")),
    "anger": str(QT_TRANSLATE_NOOP("MoodBadge", "anger")),
    "fear": str(QT_TRANSLATE_NOOP("MoodBadge", "fear")),
    "surprise": str(QT_TRANSLATE_NOOP("MoodBadge", "surprise")),
    "disgust": str(QT_TRANSLATE_NOOP("MoodBadge", "disgust")),
    "calm": str(QT_TRANSLATE_NOOP("MoodBadge", "calm")),
    "alert": str(QT_TRANSLATE_NOOP("MoodBadge", "alert")),
}
VALENCE = QColor("#1565c0")
AROUSAL = QColor("#ef6c00")


def mood_colour(valence: float) -> QColor:
    """Red through grey to green as valence goes from -1 to 1."""
    v = max(-1.0, min(1.0, valence))
    if v >= 0:
        return QColor.fromRgbF(0.55 - 0.35 * v, 0.55 + 0.2 * v, 0.55 - 0.35 * v)
    return QColor.fromRgbF(0.55 - 0.25 * v, 0.55 + 0.35 * v, 0.55 + 0.35 * v)


def mood_text(main: str, valence: float, arousal: float) -> str:
    """ "😊 joy · valence +0.42 · arousal 0.61", in the interface's language."""
    name = QCoreApplication.translate("MoodBadge", EMOTION_NAMES.get(main, main))
    return QCoreApplication.translate(
        "MoodBadge", "{0} {1} · valence {2:+.2f} · arousal {3:.2f}"
    ).format(EMOJI.get(main, "•"), name, valence, arousal)


class MoodBadge(QLabel):
    """ "😊 joy · valence +0.42 · arousal 0.61", coloured by valence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("mood: —", parent)
        self.setObjectName("mood")
        self.setToolTip(self.tr("How domovoy feels now: it colours its words and its voice"))

    def show_mood(self, main: str, valence: float, arousal: float) -> None:
        self.setText(mood_text(main, valence, arousal))
        self.setStyleSheet(f"QLabel#mood {{ color: {mood_colour(valence).name()}; }}")


class MoodPlot(QWidget):
    """Valence (-1..1) and arousal (0..1) after each change, oldest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[MoodPoint] = []
        self.setMinimumHeight(110)
        self.setToolTip(
            self.tr("Blue: valence (unhappy … happy). Orange: arousal (calm … excited).")
        )

    def show_points(self, points: list[MoodPoint]) -> None:
        self.points = list(points)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(36, 8, -8, -18)
        painter.fillRect(self.rect(), self.palette().base())
        painter.setPen(QPen(QColor("#bbb"), 1, Qt.PenStyle.DashLine))
        middle = area.top() + area.height() / 2
        painter.drawLine(QPointF(area.left(), middle), QPointF(area.right(), middle))
        painter.setPen(self.palette().text().color())
        painter.drawText(QPointF(2, area.top() + 10), "+1")
        painter.drawText(QPointF(6, middle + 4), "0")
        painter.drawText(QPointF(2, area.bottom()), "−1")
        if not self.points:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no mood history yet")
            painter.end()
            return
        first, last = self.points[0].at, self.points[-1].at
        span = max(last - first, 1e-6)

        def x(at: float) -> float:
            if len(self.points) == 1:
                return area.right()
            return area.left() + (at - first) / span * area.width()

        def y(value: float) -> float:  # -1..1 bottom to top
            return area.bottom() - (value + 1) / 2 * area.height()

        series = (
            (VALENCE, [p.valence for p in self.points]),
            (AROUSAL, [p.arousal * 2 - 1 for p in self.points]),  # 0..1 over the same height
        )
        for colour, values in series:
            path = QPainterPath(QPointF(x(self.points[0].at), y(values[0])))
            for point, value in zip(self.points[1:], values[1:], strict=True):
                path.lineTo(x(point.at), y(value))
            painter.setPen(QPen(colour, 2))
            painter.drawPath(path)
            painter.setBrush(colour)
            last_point = QPointF(x(self.points[-1].at), y(values[-1]))
            painter.drawEllipse(last_point, 3, 3)  # now (and the only point, at first)
        painter.setPen(self.palette().text().color())
        since = time.strftime("%d.%m %H:%M", time.localtime(first))
        painter.drawText(QPointF(area.left(), self.height() - 3), since)
        painter.drawText(QPointF(area.right() - 40, self.height() - 3), "now")
        painter.end()
